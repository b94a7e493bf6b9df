/**
 * The `detail.metadata` of every domain event, and of every workflow input.
 *
 * `correlationId` is set once at the start of a business flow and carried
 * through every workflow and event of that flow, across contexts.
 */
export interface EventMetadata {
  readonly eventId?: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly occurredAt?: string;
  readonly context?: string;
  readonly workflow?: string;
  readonly executionArn?: string;
  readonly state?: string;
  readonly schemaVersion?: string;
}

/** The domain event that started an execution, through a subscription. */
export interface Trigger {
  /** The event's `source` (`food.orders`). */
  readonly source: string;
  /** The event's `detail-type` (`OrderPlaced`). */
  readonly detailType: string;
  /** The event's `metadata.eventId`. */
  readonly eventId: string;
}

/** The `metadata` of a workflow's input, as a task handler receives it. */
export interface WorkflowMetadata extends EventMetadata {
  /** The event that started the execution; absent when it was started directly (`StartExecution`). */
  readonly trigger?: Trigger;
}

/**
 * What a workflow passes to a task handler:
 * `{ metadata: { correlationId, causationId, trigger? }, data, task }`.
 */
export interface TaskPayload<T = Record<string, unknown>> {
  readonly metadata: WorkflowMetadata;
  readonly data: T;
  /** The task's state name. */
  readonly task: string;
  /** The execution, for tasks whose handler publishes their event. */
  readonly executionArn?: string;
  /** The state machine's name, for tasks whose handler publishes their event. */
  readonly workflow?: string;
}

/** The `detail` of a domain event on the bus. */
export interface DomainEventDetail<T = Record<string, unknown>> {
  readonly metadata: Required<Pick<EventMetadata, 'eventId' | 'correlationId'>> & EventMetadata;
  readonly data: T;
}

/** Thrown when a handler is invoked with something that is not a task payload. */
export class InvalidEnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEnvelope';
  }
}

/**
 * Check that `event` is a task payload and return it typed.
 *
 * @throws InvalidEnvelopeError when `metadata.correlationId` is not a string or `data` is missing
 */
export function parseTaskPayload<T>(event: unknown): TaskPayload<T> {
  const payload = event as Partial<TaskPayload<T>> | null;
  if (payload === null || typeof payload !== 'object') {
    throw new InvalidEnvelopeError(`expected a task payload object, received ${typeof event}`);
  }
  if (
    typeof payload.metadata?.correlationId !== 'string' ||
    payload.metadata.correlationId === ''
  ) {
    throw new InvalidEnvelopeError('metadata.correlationId must be a non-empty string');
  }
  if (payload.data === undefined) {
    throw new InvalidEnvelopeError('data is missing');
  }
  return payload as TaskPayload<T>;
}

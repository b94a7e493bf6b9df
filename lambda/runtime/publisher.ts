import { createHash } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { checkContract } from './contract';
import { EventMetadata, TaskPayload } from './envelope';

let client: EventBridgeClient | undefined;

/** Thrown when EventBridge refuses the event: the task fails and its workflow decides. */
export class EventNotPublishedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventNotPublished';
  }
}

/** The schema version of the envelope, as the workflows write it. */
const SCHEMA_VERSION = '1';

/**
 * A stable event id for the event a task publishes: the same execution, task
 * and event always give the same id, so that a retried task publishes a
 * duplicate that consumers can recognise (`metadata.eventId`).
 */
export function taskEventId(executionArn: string, task: string, eventName: string): string {
  const hex = createHash('sha256').update(`${executionArn}|${task}|${eventName}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The envelope of an event published by a task's handler: the same as a workflow's. */
export function taskEventDetail(
  payload: TaskPayload<unknown>,
  eventName: string,
  contextName: string,
  data: unknown,
  now: Date = new Date(),
): {
  metadata: Required<Pick<EventMetadata, 'eventId' | 'correlationId'>> & EventMetadata;
  data: unknown;
} {
  const executionArn = payload.executionArn ?? 'unknown';
  return {
    metadata: {
      eventId: taskEventId(executionArn, payload.task, eventName),
      correlationId: payload.metadata.correlationId,
      causationId: payload.metadata.causationId,
      occurredAt: now.toISOString(),
      context: contextName,
      workflow: payload.workflow,
      executionArn,
      state: payload.task,
      schemaVersion: SCHEMA_VERSION,
    },
    data,
  };
}

/**
 * Publish the event of a task from its handler (tasks with
 * `publishFrom: 'handler'`), on the bus, source and event name the library
 * configured in the function's environment.
 *
 * @throws ContractViolation when the data breaks the event's schema (nothing is published)
 * @throws EventNotPublishedError when EventBridge refuses the entry
 */
export async function publishTaskEvent(
  payload: TaskPayload<unknown>,
  data: unknown,
  eventName: string = required('ENSEMBLE_EMITS'),
): Promise<string> {
  const source = required('ENSEMBLE_EVENT_SOURCE');
  checkContract(eventName, data);
  const detail = taskEventDetail(payload, eventName, source.split('.').slice(1).join('.'), data);
  const sdk = loadEventBridge();
  client ??= new sdk.EventBridgeClient({});
  const result = await client.send(
    new sdk.PutEventsCommand({
      Entries: [
        {
          EventBusName: required('ENSEMBLE_EVENT_BUS_NAME'),
          Source: source,
          DetailType: eventName,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  if (result.FailedEntryCount) {
    const entry = result.Entries?.[0];
    throw new EventNotPublishedError(
      `${eventName} was not published: ${entry?.ErrorCode} ${entry?.ErrorMessage}`,
    );
  }
  return detail.metadata.eventId;
}

type EventBridgeSdk = typeof import('@aws-sdk/client-eventbridge');

/** Loaded on first use: handlers that publish nothing do not pay for the SDK at cold start. */
function loadEventBridge(): EventBridgeSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-eventbridge') as EventBridgeSdk;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: this handler is configured by BoundedContext.task()`);
  return value;
}

/**
 * An event as EventBridge delivers it (to the audit log, to a dead-letter
 * queue), with the fields of the cdk-ensemble envelope the commands read.
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export interface DeliveredEvent {
  readonly id?: string;
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly time?: string;
  /** Set on an event a replay delivers. */
  readonly 'replay-name'?: string;
  readonly detail?: {
    readonly metadata?: {
      readonly correlationId?: string;
      readonly executionArn?: string;
      readonly occurredAt?: string;
      readonly context?: string;
      readonly state?: string;
    };
    readonly data?: unknown;
  };
  readonly [field: string]: unknown;
}

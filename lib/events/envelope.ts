import { ENVELOPE_SCHEMA_VERSION } from './domain-event';

/**
 * The `detail.metadata` of the envelope, as Step Functions Parameters.
 *
 * `eventId` is a fresh UUID per event, `occurredAt` the time the publish state
 * was entered, `executionArn` and `workflow` come from the context object.
 * `correlationId` and `causationId` were validated at the start of the workflow.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 */
export function envelopeMetadata(contextName: string, aboutState: string): Record<string, unknown> {
  return {
    'eventId.$': 'States.UUID()',
    'correlationId.$': '$.metadata.correlationId',
    'causationId.$': '$.metadata.causationId',
    'occurredAt.$': '$$.State.EnteredTime',
    context: contextName,
    'workflow.$': '$$.StateMachine.Name',
    'executionArn.$': '$$.Execution.Id',
    state: aboutState,
    schemaVersion: ENVELOPE_SCHEMA_VERSION,
  };
}

/** The Parameters form of the event's data. */
export function dataParameters(data: string | Record<string, unknown>): Record<string, unknown> {
  return typeof data === 'string' ? { 'data.$': data } : { data };
}

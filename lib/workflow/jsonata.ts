import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ENVELOPE_SCHEMA_VERSION } from '../events/domain-event';

/**
 * The JSONata expressions of the library's JSONata layout.
 *
 * Step Functions implements JSONata 2.0.6 (every built-in function except
 * `$eval`) and adds `$partition`, `$range`, `$hash`, `$random`, `$uuid` and
 * `$parse`; an expression is written `{% ... %}` in any field value, and an
 * expression that fails (`$error()` included) fails the state with
 * `States.QueryEvaluationError`, which Retry and Catch match like any error.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */

/** The error of a JSONata expression that failed. */
export const QUERY_EVALUATION_ERROR = 'States.QueryEvaluationError';

/** Whether a context's states are JSONata. */
export function isJsonata(queryLanguage: sfn.QueryLanguage | undefined): boolean {
  return queryLanguage === sfn.QueryLanguage.JSONATA;
}

/** `text` as a field value: `{% text %}`. */
export function expr(text: string): string {
  return `{% ${text} %}`;
}

/** A JSONata literal of a JSON value: JSONata string literals take JSON's escapes. */
export function lit(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * The longest id the envelope check accepts: JSONata can measure a string,
 * which JSONPath Choice rules cannot, so the JSONata layout bounds ids too.
 */
export const MAX_ID_LENGTH = 256;

/**
 * A JSONata function that holds for a safe id: a non-empty string of at most
 * {@link MAX_ID_LENGTH} characters without a double quote, a backslash or a
 * control character U+0000 to U+001F (the characters JSON escapes).
 */
export const SAFE_ID_FUNCTION =
  `function($v) { $type($v) = "string" and $length($v) > 0 and $length($v) <= ${MAX_ID_LENGTH}` +
  String.raw` and $not($contains($v, /["\\\u0000-\u001F]/)) }`;

/** The workflow input's metadata with `causationId` defaulted to the execution ARN. */
export const NORMALIZED_METADATA =
  '$merge([$states.input.metadata, {"causationId": $exists($states.input.metadata.causationId)' +
  ' ? $states.input.metadata.causationId : $states.context.Execution.Id}])';

/**
 * `value` (a JSONata expression) when the state's input is a valid envelope,
 * else a failure with `$error()`: the expression the first state of a
 * JSONata workflow evaluates before its side effect.
 */
export function checkedEnvelope(value: string, rules: string): string {
  return (
    `($safeId := ${SAFE_ID_FUNCTION}; $in := $states.input; ` +
    '$type($in) = "object" and $type($in.metadata) = "object" and $safeId($in.metadata.correlationId)' +
    ' and ($not($exists($in.metadata.causationId)) or $safeId($in.metadata.causationId))' +
    ` and $type($in.data) = "object" ? (${value}) : $error(${lit(`InvalidEnvelope: ${rules}`)}))`
  );
}

/**
 * A stable event id: a UUID-shaped SHA-256 of the execution, the state, the
 * time it was entered and the event, so that a retried publish re-sends the
 * same id (consumers recognise the duplicate) while a state entered again
 * in a loop publishes a new one.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 */
export function stableEventId(eventName: string): string {
  return (
    '($h := $hash($states.context.Execution.Id & "|" & $states.context.State.Name & "|" & ' +
    `$states.context.State.EnteredTime & "|" & ${lit(eventName)}, "SHA-256"); ` +
    '$substring($h, 0, 8) & "-" & $substring($h, 8, 4) & "-5" & $substring($h, 13, 3) & "-a" & ' +
    '$substring($h, 17, 3) & "-" & $substring($h, 20, 12))'
  );
}

/** Where an envelope's fields come from in a JSONata publish. */
export interface JsonataMetadataSource {
  /** The metadata expression (correlationId and causationId are read from it). */
  readonly metadata: string;
  /** `occurredAt`. */
  readonly occurredAt: string;
}

/** The usual source: the state's input metadata, and the time the state was entered. */
export const STATE_METADATA: JsonataMetadataSource = {
  metadata: '$states.input.metadata',
  occurredAt: '$states.context.State.EnteredTime',
};

/** The envelope metadata of an event, as a JSONata object constructor. */
export function metadataObject(
  contextName: string,
  aboutState: string,
  eventName: string,
  source: JsonataMetadataSource = STATE_METADATA,
): string {
  const fields: [string, string][] = [
    ['eventId', stableEventId(eventName)],
    ['correlationId', `${source.metadata}.correlationId`],
    ['causationId', `${source.metadata}.causationId`],
    ['occurredAt', source.occurredAt],
    ['context', lit(contextName)],
    ['workflow', '$states.context.StateMachine.Name'],
    ['executionArn', '$states.context.Execution.Id'],
    ['state', lit(aboutState)],
    ['schemaVersion', lit(ENVELOPE_SCHEMA_VERSION)],
  ];
  return `{${fields.map(([k, v]) => `${lit(k)}: ${v}`).join(', ')}}`;
}

/** The state's input with `value` (a JSONata expression) at `key`. */
export function withKey(key: string, value: string): string {
  return `$merge([$states.input, {${lit(key)}: ${value}}])`;
}

/** The state's input with `value` at `data.<key>`. */
export function withDataKey(key: string, value: string): string {
  return withKey('data', `$merge([$states.input.data, {${lit(key)}: ${value}}])`);
}

/** `Output` of a state that records `{ Error, Cause }` at `error`, as a Catch or a Pass does. */
export function withError(error: string, cause: string): string {
  return withKey('error', `{"Error": ${lit(error)}, "Cause": ${lit(cause)}}`);
}

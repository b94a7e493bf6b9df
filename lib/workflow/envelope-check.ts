import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MAX_ID_LENGTH, QUERY_EVALUATION_ERROR } from './jsonata';

/** The error of an execution started with an input that is not an envelope. */
export const INVALID_ENVELOPE_ERROR = 'InvalidEnvelope';

/**
 * Characters an id may not hold: the double quote, the backslash and the
 * control characters U+0000 to U+001F, which are exactly the characters that
 * JSON requires to be escaped inside a string.
 *
 * EventBridge does not escape the values an input transformer inserts into an
 * input template, so an id holding one of them would make every downstream
 * delivery of the flow invalid JSON.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html#eb-transform-input-issues
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-7
 */
export const UNSAFE_ID_CHARACTERS = [
  '"',
  '\\',
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
];

/** What the envelope check accepts, in words, for error messages and docs. */
export const ENVELOPE_RULES =
  'The input must be an envelope: {"metadata": {"correlationId": "<id>", "causationId"?: "<id>"}, "data": {...}}. ' +
  'An id is a non-empty string without double quotes, backslashes or control characters; data is a JSON object.';

/** The rules of the JSONata layout's check, which also bounds the length of an id. */
export const JSONATA_ENVELOPE_RULES = ENVELOPE_RULES.replace(
  'An id is a non-empty string',
  `An id is a non-empty string of at most ${MAX_ID_LENGTH} characters`,
);

/**
 * The envelope check of a JSONata workflow, in the expressions of its first
 * state (see {@link checkedEnvelope}): a Catch sends the
 * `States.QueryEvaluationError` of a refused input to a Fail state named
 * `InvalidEnvelope`, as the JSONPath layout's Choice does. The check is
 * evaluated in the state's Arguments, before its side effect: a state's
 * Arguments are evaluated before its task runs, and an expression that fails
 * fails the state with `States.QueryEvaluationError`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export function jsonataEnvelopeCheck(
  scope: Construct,
  id: string,
  first: sfn.TaskStateBase,
): sfn.Fail {
  const check = new Construct(scope, id);
  const invalid = sfn.Fail.jsonata(check, 'Invalid', {
    stateName: INVALID_ENVELOPE_ERROR,
    error: INVALID_ENVELOPE_ERROR,
    cause: JSONATA_ENVELOPE_RULES,
  });
  first.addCatch(invalid, { errors: [QUERY_EVALUATION_ERROR] });
  return invalid;
}

/**
 * The first states of every workflow: check the input envelope before any side effect.
 *
 * An execution started with an input that is not an envelope fails at once
 * with `InvalidEnvelope`, instead of at its first publish after its first side
 * effect: `metadata.correlationId` must be a safe id (see
 * {@link UNSAFE_ID_CHARACTERS}), `metadata.causationId`, when given, too, and
 * `data` must be an object. A missing `causationId` defaults to the execution
 * ARN (the command that started the flow); every other metadata field is kept.
 *
 * Every `Variable` of a comparison is guarded by `IsPresent` and a type test
 * inside an `And`: a comparison on a path that is absent fails the execution
 * with the uncatchable `States.Runtime`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
export function envelopeCheck(scope: Construct, id: string, next: sfn.IChainable): sfn.State {
  const check = new Construct(scope, id);
  const invalid = new sfn.Fail(check, 'Invalid', {
    stateName: INVALID_ENVELOPE_ERROR,
    error: INVALID_ENVELOPE_ERROR,
    cause: ENVELOPE_RULES,
  });
  const causation = '$.metadata.causationId';
  const valid = sfn.Condition.and(
    validData(),
    safeId('$.metadata.correlationId'),
    sfn.Condition.or(sfn.Condition.not(sfn.Condition.isPresent(causation)), safeId(causation)),
  );
  // Refusal first: Choice rules are evaluated in order.
  return new sfn.Choice(check, 'Choice', { stateName: 'Check envelope' })
    .when(sfn.Condition.not(valid), invalid)
    .when(sfn.Condition.isPresent(causation), next)
    .otherwise(defaultCausation(check).next(next));
}

/**
 * `causationId` defaults to the execution ARN, and the rest of the metadata
 * is kept: merged in one state, then unwrapped in a second (a Pass state's
 * Parameters can only build an object around the merge).
 *
 * The ARN needs no check: an execution name cannot hold quotes, backslashes
 * or control characters.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-json-manipulate
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html#StepFunctions-StartExecution-request-name
 */
function defaultCausation(scope: Construct): sfn.Chain {
  const merge = new sfn.Pass(scope, 'DefaultCausation', {
    stateName: 'Default causationId',
    parameters: {
      'metadata.$':
        'States.JsonMerge($.metadata, States.StringToJson(States.Format(\'\\{"causationId":"{}"\\}\', $$.Execution.Id)), false)',
    },
    resultPath: '$.metadata',
  });
  const unwrap = new sfn.Pass(scope, 'UnwrapMetadata', {
    stateName: 'Default causationId (keep metadata)',
    inputPath: '$.metadata.metadata',
    resultPath: '$.metadata',
  });
  return merge.next(unwrap);
}

/** `path` holds a non-empty string with none of {@link UNSAFE_ID_CHARACTERS}. */
function safeId(path: string): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.isPresent(path),
    sfn.Condition.isString(path),
    sfn.Condition.not(
      sfn.Condition.or(
        sfn.Condition.stringEquals(path, ''),
        ...UNSAFE_ID_CHARACTERS.map((c) =>
          sfn.Condition.stringMatches(path, `*${escapeWildcard(c)}*`),
        ),
      ),
    ),
  );
}

/**
 * `$.data` is an object: present, and neither null, a string, a number, a
 * boolean nor a list with items (the type tests JSONPath Choice rules offer).
 */
function validData(): sfn.Condition {
  const data = '$.data';
  return sfn.Condition.and(
    sfn.Condition.isPresent(data),
    sfn.Condition.not(
      sfn.Condition.or(
        sfn.Condition.isNull(data),
        sfn.Condition.isString(data),
        sfn.Condition.isNumeric(data),
        sfn.Condition.isBoolean(data),
        sfn.Condition.isPresent(`${data}[0]`),
      ),
    ),
  );
}

/** In `StringMatches`, `*` and `\` are special and escaped with a backslash. */
function escapeWildcard(c: string): string {
  return c === '\\' || c === '*' ? `\\${c}` : c;
}

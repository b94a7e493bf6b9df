/**
 * Errors of the engine, named as Step Functions names them.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */

/** The error names the engine raises itself (a task may raise any other name). */
export const StatesErrors = {
  /** Matches any error in Retry and Catch, except the terminal ones below. */
  ALL: 'States.ALL',
  /** An unprocessable situation (a missing path, an invalid type): never caught nor retried. */
  RUNTIME: 'States.Runtime',
  /** A payload over 256 KiB: terminal, States.ALL does not catch it. */
  DATA_LIMIT_EXCEEDED: 'States.DataLimitExceeded',
  /** A JSONata expression failed or gave a value of the wrong type. */
  QUERY_EVALUATION_ERROR: 'States.QueryEvaluationError',
  /** An intrinsic function failed on its arguments. */
  INTRINSIC_FAILURE: 'States.IntrinsicFailure',
  /** A Choice state matched no rule and has no Default. */
  NO_CHOICE_MATCHED: 'States.NoChoiceMatched',
  /** A task or the execution ran longer than its TimeoutSeconds. */
  TIMEOUT: 'States.Timeout',
  /** A callback task sent no heartbeat within HeartbeatSeconds. */
  HEARTBEAT_TIMEOUT: 'States.HeartbeatTimeout',
  /** In Retry and Catch: any task failure except States.Timeout. */
  TASK_FAILED: 'States.TaskFailed',
  /** A branch of a Parallel state failed. */
  BRANCH_FAILED: 'States.BranchFailed',
  /** A Map state's ItemReader could not read its items (here: item readers are not supported). */
  ITEM_READER_FAILED: 'States.ItemReaderFailed',
  /** A Map state's ResultWriter could not write its results (here: result writers are not supported). */
  RESULT_WRITER_FAILED: 'States.ResultWriterFailed',
  /** More Map items failed than ToleratedFailureCount/Percentage allow. */
  EXCEED_TOLERATED_FAILURE_THRESHOLD: 'States.ExceedToleratedFailureThreshold',
  /** A Task state lacked the permissions to run its resource. */
  PERMISSIONS: 'States.Permissions',
} as const;

/** An error raised in an execution: its `error` name is what Retry and Catch match. */
export class StatesError extends Error {
  constructor(
    public readonly error: string,
    public readonly cause: string = '',
  ) {
    super(cause ? `${error}: ${cause}` : error);
    this.name = 'StatesError';
  }
}

/** The two terminal errors that neither `States.ALL` nor any Retry/Catch can handle. */
export function isTerminal(error: string): boolean {
  return error === StatesErrors.RUNTIME || error === StatesErrors.DATA_LIMIT_EXCEEDED;
}

/**
 * Whether a Retrier's or Catcher's ErrorEquals matches an error name.
 *
 * "A retry or catch on States.ALL will not catch States.Runtime errors";
 * States.DataLimitExceeded is terminal too. `States.TaskFailed` "acts as a
 * wildcard that matches any known error name except for States.Timeout", and
 * States.Timeout covers "a Task state [that] failed to send a heartbeat", so
 * it also matches States.HeartbeatTimeout (which TaskFailed then leaves alone).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (error === StatesErrors.RUNTIME) return false;
  if (error === StatesErrors.DATA_LIMIT_EXCEEDED) return errorEquals.includes(error);
  const timeout = error === StatesErrors.TIMEOUT || error === StatesErrors.HEARTBEAT_TIMEOUT;
  for (const name of errorEquals) {
    if (name === error || name === StatesErrors.ALL) return true;
    if (name === StatesErrors.TASK_FAILED && !timeout) return true;
    if (name === StatesErrors.TIMEOUT && error === StatesErrors.HEARTBEAT_TIMEOUT) return true;
  }
  return false;
}

/** An error thrown by a task handler, as its error name and cause. */
export function asStatesError(thrown: unknown): StatesError {
  if (thrown instanceof StatesError) return thrown;
  // Duck-typed, not `instanceof Error`: a handler's error may come from another realm
  // (a bundle loaded outside a test sandbox), and is an Error all the same.
  if (isErrorLike(thrown)) {
    const named = thrown as { name?: unknown; message?: unknown; error?: unknown; cause?: unknown };
    const error =
      typeof named.error === 'string'
        ? named.error
        : typeof named.name === 'string' && named.name
          ? named.name
          : 'Error';
    const cause = typeof named.cause === 'string' ? named.cause : String(named.message ?? '');
    return new StatesError(error, cause);
  }
  return new StatesError('Error', typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}

function isErrorLike(value: unknown): boolean {
  if (value instanceof Error) return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.prototype.toString.call(value) === '[object Error]';
}

/** The largest payload of a state or execution, in bytes. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/**
 * Fails with States.DataLimitExceeded when `value` serialises above 256 KiB:
 * a state's input and output are at most 262,144 bytes of UTF-8. `what` says
 * what broke the limit, in the words Step Functions uses for a task's result
 * ("The state/task 'X' returned a result with a size exceeding the maximum
 * number of bytes service limit.").
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export function checkPayloadSize(
  value: unknown,
  stateName: string,
  what: 'input' | 'result' | 'output',
): void {
  if (value === undefined) return;
  // Most payloads are far below the limit: a walk that bounds their size from above, without
  // building their JSON text, settles it. Only a payload that may be near it is measured.
  if (sizeBound(value, PAYLOAD_LIMIT_BYTES, 0) >= 0) return;
  const text = JSON.stringify(value);
  // A UTF-8 character takes at most 3 bytes per UTF-16 unit: measure bytes only when it matters.
  if (text.length * 3 <= PAYLOAD_LIMIT_BYTES) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= PAYLOAD_LIMIT_BYTES) return;
  const subject = {
    input: `has an input after Parameters or Arguments`,
    result: `returned a result`,
    output: `has an output`,
  }[what];
  throw new StatesError(
    StatesErrors.DATA_LIMIT_EXCEEDED,
    `The state/task '${stateName}' ${subject} with a size exceeding the maximum number of bytes service limit (${bytes} bytes, at most ${PAYLOAD_LIMIT_BYTES}). Pass a reference (an S3 key) instead of the data.`,
  );
}

/**
 * What is left of `budget` after the largest JSON text `value` could have, or
 * -1 as soon as it may not fit: each UTF-16 unit of a string takes at most 6
 * bytes (a `\u00XX` escape), a number at most 24. Too deep a value gives -1
 * (the exact measure then decides, and refuses a cycle as JSON does).
 */
function sizeBound(value: unknown, budget: number, depth: number): number {
  switch (typeof value) {
    case 'string':
      return budget - (value.length * 6 + 2);
    case 'number':
      return budget - 24;
    case 'boolean':
      return budget - 5;
    case 'object': {
      if (value === null) return budget - 4;
      if (depth > 1000) return -1;
      budget -= 2;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length && budget >= 0; i++)
          budget = sizeBound(value[i], budget - 5, depth + 1);
        return budget;
      }
      const record = value as Record<string, unknown>;
      for (const key in record) {
        if (budget < 0) break;
        budget = sizeBound(record[key], budget - (key.length * 6 + 3), depth + 1);
      }
      return budget;
    }
    default:
      return budget;
  }
}

/** The resource of the Task that stands in for a Wait state in a local run. */
export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::ensemble-local:wait';
/** Stands for `$$.Task.Token` until a task replaces it with a fresh token. */
export const TASK_TOKEN_PLACEHOLDER = '__ensemble_task_token__';
/** Stands for `$$.State.EnteredTime` until a task replaces it with the clock's time. */
export const ENTERED_TIME_PLACEHOLDER = '__ensemble_entered_time__';

type Json = Record<string, any>;

/** Just under what a Node.js timer can hold (2^31 - 1 ms). */
const REAL_TIMER_SECONDS = 2_000_000;

/** A definition made ready for a local run, and what was taken out of it. */
export interface LocalDefinition {
  readonly definition: Json;
  /** TimeoutSeconds of each Task state, enforced on the virtual clock. */
  readonly taskTimeouts: Map<string, number>;
  /** The workflow's TimeoutSeconds, enforced on the virtual clock. */
  readonly timeoutSeconds?: number;
  /** Every Task state (nested ones included) by name. */
  readonly tasks: Map<string, Json>;
  /** Every state with a Retry field, for zero retry delays. */
  readonly retryable: string[];
}

/**
 * Prepare a definition for the local runtime: timeouts and Wait states move
 * to the virtual clock (so a test decides when time passes), everything else
 * is left as deployed.
 */
export function localDefinition(definition: Json): LocalDefinition {
  const taskTimeouts = new Map<string, number>();
  const tasks = new Map<string, Json>();
  const retryable: string[] = [];
  // JSON, not structuredClone: under a test sandbox (jest) structuredClone returns objects of
  // another realm, which aws-local-stepfunctions does not treat as plain objects.
  const copy = JSON.parse(JSON.stringify(definition)) as Json;
  const timeoutSeconds = copy.TimeoutSeconds as number | undefined;
  delete copy.TimeoutSeconds;
  transformStates(copy, { taskTimeouts, tasks, retryable });
  return { definition: copy, taskTimeouts, timeoutSeconds, tasks, retryable };
}

function transformStates(
  machine: Json,
  acc: { taskTimeouts: Map<string, number>; tasks: Map<string, Json>; retryable: string[] },
): void {
  for (const [name, state] of Object.entries(machine.States as Record<string, Json>)) {
    if (state.Retry) acc.retryable.push(name);
    if (state.Type === 'Wait') machine.States[name] = waitAsTask(state);
    if (state.Type === 'Task') {
      if (state.TimeoutSeconds !== undefined) acc.taskTimeouts.set(name, state.TimeoutSeconds);
      // The real timer aws-local-stepfunctions starts for every task (60 s unless told) must
      // never fire: timeouts are enforced on the virtual clock. It is cleared when the task ends.
      state.TimeoutSeconds = REAL_TIMER_SECONDS;
      delete state.TimeoutSecondsPath;
      delete state.HeartbeatSeconds;
      acc.tasks.set(name, state);
    }
    for (const branch of state.Branches ?? []) transformStates(branch, acc);
    const iterator = state.ItemProcessor ?? state.Iterator;
    if (iterator) transformStates(iterator, acc);
  }
  for (const [name, state] of Object.entries(machine.States as Record<string, Json>)) {
    if (state.Resource === LOCAL_WAIT_RESOURCE) acc.tasks.set(name, state);
  }
}

function waitAsTask(wait: Json): Json {
  const { Type: _type, Seconds, SecondsPath, Timestamp, TimestampPath, ...rest } = wait;
  const parameters: Json = {};
  if (Seconds !== undefined) parameters.seconds = Seconds;
  if (SecondsPath !== undefined) parameters['seconds.$'] = SecondsPath;
  if (Timestamp !== undefined) parameters.timestamp = Timestamp;
  if (TimestampPath !== undefined) parameters['timestamp.$'] = TimestampPath;
  // ResultPath null: a Wait passes its input through unchanged.
  return {
    ...rest,
    Type: 'Task',
    Resource: LOCAL_WAIT_RESOURCE,
    Parameters: parameters,
    ResultPath: null,
    TimeoutSeconds: REAL_TIMER_SECONDS,
  };
}

/**
 * Replace every occurrence of `placeholder` in string values of `value`, in
 * place (task inputs are fresh objects built for each call); returns `value`.
 */
export function fillPlaceholder(value: unknown, placeholder: string, replacement: string): unknown {
  if (value === placeholder) return replacement;
  if (value === null || typeof value !== 'object') return value;
  const container = value as Record<string, unknown>;
  for (const key of Object.keys(container)) {
    const child = container[key];
    if (child === placeholder) container[key] = replacement;
    else if (child !== null && typeof child === 'object')
      fillPlaceholder(child, placeholder, replacement);
  }
  return value;
}

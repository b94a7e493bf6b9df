import { asStatesError, StatesError, StatesErrors } from './errors';
import { runGraph, STATE_TYPES } from './run-graph';
import {
  Aborted,
  EngineClock,
  EngineTransition,
  ExecutionResult,
  Frame,
  GraphDefinition,
  isoNow,
  QueryLanguage,
  RunContext,
  Scope,
  StateDefinition,
  TaskHandler,
  TaskTokenWait,
} from './types';
import { JSONPATH_ONLY_FIELDS } from './jsonpath-only-fields';

/** Options of a {@link StateMachineEngine}. */
export interface StateMachineEngineOptions {
  /** The clock every wait, retry interval, timeout and heartbeat runs on (the local runtime's VirtualClock fits). */
  readonly clock: EngineClock;
  /**
   * Handlers by Task state name, tried first.
   * @default - none
   */
  readonly tasks?: Readonly<Record<string, TaskHandler>>;
  /**
   * Integrations keyed by Resource: the full Resource, or its service and action without
   * the `arn:aws:states:::` prefix and the `.sync`/`.waitForTaskToken` suffix
   * (`lambda:invoke`, `events:putEvents`, `aws-sdk:dynamodb:getItem`), or `*`.
   * A plain Lambda function ARN is served by `lambda:invoke`.
   * @default - none: a Task without a handler fails with LocalRuntime.Unsupported
   */
  readonly resources?: Readonly<Record<string, TaskHandler>>;
  /**
   * Randomness of JitterStrategy FULL, `States.MathRandom`, `$random()` and `$uuid()`.
   * @default Math.random
   */
  readonly random?: () => number;
  /** @default 'arn:aws:states:us-east-1:123456789012:stateMachine:local' */
  readonly stateMachineArn?: string;
  /** @default 'arn:aws:iam::123456789012:role/local' */
  readonly roleArn?: string;
  /** Called on every transition of every execution, as it happens. */
  readonly onTransition?: (execution: Execution, transition: EngineTransition) => void;
  /**
   * Keep every transition in {@link Execution.transitions}. A caller that
   * records them itself through `onTransition` can save the memory.
   * @default true
   */
  readonly keepTransitions?: boolean;
  /**
   * Called when an execution starts waiting on the clock (a Wait state, a retry
   * interval) or on a task token; the function it returns is called when the
   * wait ends. A driver uses it to tell a blocked execution from a running one.
   * @default - none
   */
  readonly onBlocked?: (execution: Execution) => () => void;
  /**
   * The task token of a `.waitForTaskToken` task. Tokens must be unique among
   * the tokens pending on this engine.
   * @default - `<execution name>.token-<n>`
   */
  readonly taskToken?: (execution: Execution, stateName: string) => string;
}

/** Options of one execution. */
export interface StartOptions {
  /** @default - exec-1, exec-2, ... */
  readonly name?: string;
  /**
   * The execution's ARN (an Express execution's has its own form).
   * @default - the state machine's ARN with `execution` and the name
   */
  readonly executionArn?: string;
}

/**
 * Runs Amazon States Language definitions: JSONPath and JSONata, every state
 * type, Retry and Catch, timeouts, heartbeats and native task tokens, with
 * all time on the clock it is given and every integration handed in by the caller.
 *
 * Construct one per definition (it is validated and its paths are compiled and
 * cached once), then `start()` as many executions as needed:
 *
 * ```ts
 * const engine = new StateMachineEngine(definition, {
 *   clock: runtime.clock,
 *   resources: { 'lambda:invoke': (req) => host.invoke(req.input), 'events:putEvents': (req) => bus.put(req.input) },
 * });
 * const execution = engine.start(input, { name: 'order-1' });
 * execution.transitions;                         // entered/exited/failed/retried/caught, with state, type and time
 * engine.sendTaskSuccess(token, { ok: true });   // or execution.sendTaskSuccess(...)
 * execution.stop();                              // ABORTED
 * const { status, output } = await execution.done;
 * ```
 *
 * The engine sets no real timer: whoever owns the clock moves it
 * (`VirtualClock.fireDue`) when the engine is idle: `busy` is 0 (no handler
 * running), or `activity` stopped changing (a handler that hangs, which only a
 * TimeoutSeconds can end).
 *
 * @see https://states-language.net/spec.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */
export class StateMachineEngine {
  /** The definition, as given. */
  public readonly definition: GraphDefinition;
  private readonly tokens = new Map<string, TokenEntry>();
  private executions = 0;
  private tokenCount = 0;
  private inFlight = 0;

  constructor(
    definition: object,
    public readonly options: StateMachineEngineOptions,
  ) {
    this.definition = definition as GraphDefinition;
    validateGraph(this.definition, 'the definition');
  }

  /** Handler calls in flight across all executions. */
  public get busy(): number {
    return this.inFlight;
  }

  /** Grows with every transition and every handler call started or settled: a driver sees progress by it. */
  public get activity(): number {
    return this.activityCount;
  }

  private activityCount = 0;

  /** Starts an execution; it runs as the clock and the handlers let it. */
  public start(input: unknown, options: StartOptions = {}): Execution {
    const name = options.name ?? `exec-${++this.executions}`;
    return new Execution(this, name, input, options.executionArn);
  }

  /** Completes the `.waitForTaskToken` task waiting on `token` with `output`. */
  public sendTaskSuccess(token: string, output: unknown): void {
    this.token(token).resolve(output);
  }

  /** Fails the task waiting on `token` with `error` and `cause`. */
  public sendTaskFailure(token: string, error = 'Error', cause = ''): void {
    this.token(token).reject(new StatesError(error, cause));
  }

  /** Tells the task waiting on `token` that it is alive: its HeartbeatSeconds start again. */
  public sendTaskHeartbeat(token: string): void {
    this.token(token).heartbeats.forEach((beat) => beat());
  }

  /** Whether a task waits on `token`. */
  public hasToken(token: string): boolean {
    return this.tokens.has(token);
  }

  /** Tokens issued and not yet settled. */
  public get pendingTokens(): string[] {
    return [...this.tokens.keys()];
  }

  private token(token: string): TokenEntry {
    const entry = this.tokens.get(token);
    // As SendTask* does for an unknown or settled token (TaskDoesNotExist / InvalidToken).
    if (!entry)
      throw new Error(
        `TaskTimedOut: no task is waiting on the token '${token}' (it is unknown, or its task already ended).`,
      );
    return entry;
  }

  /** @internal */
  public runContext(
    execution: Execution,
    input: unknown,
    startTime: string,
    executionArn?: string,
  ): RunContext {
    const { options } = this;
    const stateMachineArn =
      options.stateMachineArn ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:local';
    const keep = options.keepTransitions ?? true;
    const onBlocked = options.onBlocked;
    return {
      clock: options.clock,
      random: options.random ?? Math.random,
      executionArn:
        executionArn ??
        `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${execution.name}`,
      executionName: execution.name,
      stateMachineArn,
      stateMachineName: stateMachineArn.split(':').pop() ?? 'local',
      input,
      startTime,
      roleArn: options.roleArn ?? 'arn:aws:iam::123456789012:role/local',
      record: (t) => {
        this.activityCount++;
        if (keep) execution.transitions.push(t);
        options.onTransition?.(execution, t);
      },
      handlerFor: (resource, stateName) => handlerFor(options, resource, stateName),
      issueToken: (scope, stateName) =>
        this.issueToken(
          options.taskToken?.(execution, stateName) ??
            `${execution.name}.token-${++this.tokenCount}`,
          scope,
        ),
      blockedOn: onBlocked
        ? (wait) => {
            const resume = onBlocked(execution);
            return wait.finally(resume);
          }
        : (wait) => wait,
      busy: (delta) => {
        this.activityCount++;
        this.inFlight += delta;
      },
      runGraph,
    };
  }

  private issueToken(token: string, scope: Scope): TaskTokenWait {
    const entry: TokenEntry = { resolve: () => undefined, reject: () => undefined, heartbeats: [] };
    const result = scope.race(
      new Promise<unknown>((resolve, reject) => {
        entry.resolve = resolve;
        entry.reject = reject;
      }),
    );
    // The task may end (stopped, timed out, its handler failing) before it awaits the callback.
    result.catch(() => undefined);
    this.tokens.set(token, entry);
    return {
      token,
      result,
      onHeartbeat: (listener) => entry.heartbeats.push(listener),
      dispose: () => this.tokens.delete(token),
    };
  }
}

interface TokenEntry {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  heartbeats: (() => void)[];
}

/** The handler of a Task: by state name, by Resource, by service and action, or `*`. */
function handlerFor(
  options: StateMachineEngineOptions,
  resource: string,
  stateName: string,
): TaskHandler | undefined {
  const byName = options.tasks?.[stateName];
  if (byName) return byName;
  const resources = options.resources;
  if (!resources) return undefined;
  return resources[resource] ?? resources[integrationKey(resource)] ?? resources['*'];
}

/**
 * The service and action of a Resource: `arn:aws:states:::lambda:invoke.waitForTaskToken`
 * gives `lambda:invoke`; a Lambda function ARN gives `lambda:invoke` too.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html
 */
export function integrationKey(resource: string): string {
  if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(resource)) return 'lambda:invoke';
  const m = /^arn:[^:]+:states:[^:]*:[^:]*:(.+?)(\.sync(:2)?|\.waitForTaskToken)?$/.exec(resource);
  return m ? m[1] : resource;
}

/**
 * Refuses what Step Functions refuses when a state machine is created: a
 * JSONPath field in a JSONata state or catcher, and a JSONPath state under a
 * JSONata top level (a state may choose JSONata under JSONPath, not the reverse).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 */
function validateLanguage(
  name: string,
  state: StateDefinition,
  inherited: QueryLanguage,
  where: string,
): QueryLanguage {
  const language = (state.QueryLanguage ?? inherited) as QueryLanguage;
  if (inherited === 'JSONata' && state.QueryLanguage === 'JSONPath')
    throw new Error(
      `Invalid state machine: the state '${name}' in ${where} sets QueryLanguage JSONPath under a JSONata state machine. Write it in JSONata, or make the state machine JSONPath and set QueryLanguage JSONata on its JSONata states.`,
    );
  if (language !== 'JSONata') return language;
  const fields = (record: Record<string, unknown>) =>
    JSONPATH_ONLY_FIELDS.filter((field) => record[field] !== undefined);
  const own = fields(state);
  const catchers = (state.Catch ?? []).flatMap((c: Record<string, unknown>) => fields(c));
  const found = [...own, ...catchers.map((f: string) => `${f} (in a Catch)`)];
  if (found.length > 0)
    throw new Error(
      `Invalid state machine: the JSONata state '${name}' in ${where} has ${found.join(', ')}, which only JSONPath states have. Use Arguments, Output and Assign with {% %} expressions (the error output is $states.errorOutput in a Catch).`,
    );
  return language;
}

/** Checks a graph before any run, so a mistake is reported with the state and field that hold it. */
function validateGraph(
  graph: GraphDefinition,
  where: string,
  inherited: QueryLanguage = 'JSONPath',
): void {
  const graphLanguage = (graph.QueryLanguage ?? inherited) as QueryLanguage;
  if (!graph || typeof graph !== 'object' || typeof graph.StartAt !== 'string' || !graph.States)
    throw new Error(
      `Invalid state machine: ${where} needs StartAt and States; got ${JSON.stringify(graph)?.slice(0, 200)}.`,
    );
  const names = Object.keys(graph.States);
  const check = (state: string, field: string, target: unknown) => {
    if (typeof target !== 'string' || !names.includes(target))
      throw new Error(
        `Invalid state machine: the state '${state}' in ${where} has ${field} ${JSON.stringify(target)}, which is not a state of it. Use one of: ${names.join(', ')}.`,
      );
  };
  check('(StartAt)', 'StartAt', graph.StartAt);
  for (const [name, state] of Object.entries(graph.States)) {
    if (!STATE_TYPES[state.Type])
      throw new Error(
        `Invalid state machine: the state '${name}' in ${where} has Type ${JSON.stringify(state.Type)}; use one of ${Object.keys(STATE_TYPES).join(', ')}.`,
      );
    const language = validateLanguage(name, state, graphLanguage, where);
    if (state.Next !== undefined) check(name, 'Next', state.Next);
    if (state.Default !== undefined) check(name, 'Default', state.Default);
    for (const rule of state.Choices ?? []) check(name, 'a Choice rule Next', rule.Next);
    for (const c of state.Catch ?? []) check(name, 'a Catch Next', c.Next);
    for (const [i, branch] of (state.Branches ?? []).entries())
      validateGraph(branch, `branch ${i} of '${name}'`, language);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) validateGraph(processor, `the item processor of '${name}'`, language);
  }
}

/** A running (or finished) execution of a {@link StateMachineEngine}. */
export class Execution {
  public status: 'RUNNING' | ExecutionResult['status'] = 'RUNNING';
  public output?: unknown;
  public error?: string;
  public cause?: string;
  public readonly startedAt: string;
  public stoppedAt?: string;
  /** Every transition so far, in order. */
  public readonly transitions: EngineTransition[] = [];
  /** Settles when the execution ends (it never rejects). */
  public readonly done: Promise<ExecutionResult>;
  public readonly executionArn: string;
  private readonly scope = new Scope();

  constructor(
    private readonly engine: StateMachineEngine,
    public readonly name: string,
    public readonly input: unknown,
    executionArn?: string,
  ) {
    const clock = engine.options.clock;
    this.startedAt = isoNow(clock);
    const run = engine.runContext(this, input, this.startedAt, executionArn);
    this.executionArn = run.executionArn;
    const definition = engine.definition;
    const frame: Frame = {
      run,
      scope: this.scope,
      variables: {},
      language: (definition.QueryLanguage ?? 'JSONPath') as QueryLanguage,
    };
    let cancelTimeout: (() => void) | undefined;
    if (definition.TimeoutSeconds !== undefined)
      cancelTimeout = clock.schedule(definition.TimeoutSeconds * 1000, () =>
        this.scope.abort(
          new StatesError(
            StatesErrors.TIMEOUT,
            `The execution ran longer than the state machine's TimeoutSeconds (${definition.TimeoutSeconds} s).`,
          ),
        ),
      );
    this.done = runGraph(definition, input, frame).then(
      (output) => this.finish({ status: 'SUCCEEDED', output }, cancelTimeout),
      (thrown) => this.finish(this.failure(thrown), cancelTimeout),
    );
  }

  /** Stops the execution: it ends ABORTED, its waits and timers are cancelled. */
  public stop(error?: string, cause?: string): void {
    if (this.status !== 'RUNNING') return;
    this.stopDetails = { error, cause };
    this.scope.abort('stopped');
  }

  /** As {@link StateMachineEngine.sendTaskSuccess}. */
  public sendTaskSuccess(token: string, output: unknown): void {
    this.engine.sendTaskSuccess(token, output);
  }

  /** As {@link StateMachineEngine.sendTaskFailure}. */
  public sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.engine.sendTaskFailure(token, error, cause);
  }

  /** As {@link StateMachineEngine.sendTaskHeartbeat}. */
  public sendTaskHeartbeat(token: string): void {
    this.engine.sendTaskHeartbeat(token);
  }

  private stopDetails?: { error?: string; cause?: string };

  private failure(thrown: unknown): ExecutionResult {
    const signal = thrown instanceof Aborted ? thrown : this.scope.aborted;
    if (signal?.reason === 'stopped') return { status: 'ABORTED', ...this.stopDetails };
    if (
      signal &&
      signal.reason instanceof StatesError &&
      signal.reason.error === StatesErrors.TIMEOUT
    )
      return { status: 'TIMED_OUT', error: signal.reason.error, cause: signal.reason.cause };
    const error = asStatesError(thrown);
    return { status: 'FAILED', error: error.error, cause: error.cause };
  }

  private finish(result: ExecutionResult, cancelTimeout?: () => void): ExecutionResult {
    cancelTimeout?.();
    this.status = result.status;
    this.output = result.output;
    this.error = result.error;
    this.cause = result.cause;
    this.stoppedAt = isoNow(this.engine.options.clock);
    // Timers and token waits still pending in branches end with the execution.
    if (this.scope.watched) this.scope.abort('stopped');
    return result;
  }
}

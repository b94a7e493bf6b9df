import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { Activity } from './activity';
import { LocalStateMachineSpec } from './assembly';
import { VirtualClock } from './clock';
import {
  ENTERED_TIME_PLACEHOLDER,
  fillPlaceholder,
  LOCAL_WAIT_RESOURCE,
  LocalDefinition,
  localDefinition,
  TASK_TOKEN_PLACEHOLDER,
} from './definition-transform';
import { ExecutionStatus, RecordedExecution, RunRecord } from './record';
import { UnsupportedCallError } from './sdk-interceptor';

// aws-local-stepfunctions calls Promise.withResolvers (Node 22) when it runs a task; Node 20 lacks it.
if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== 'function') {
  (Promise as unknown as { withResolvers: () => unknown }).withResolvers = function withResolvers<
    T,
  >() {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/**
 * aws-local-stepfunctions evaluates every JSONPath with jsonpath-plus called
 * without `new`, which returns scalar results by throwing and catching an
 * Error: a stack trace per path, most of a run's time. The same evaluation
 * without the throw gives the same results.
 */
function speedUpJsonPath(): void {
  const library = path.dirname(require.resolve('aws-local-stepfunctions'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jsonpath = require(require.resolve('jsonpath-plus', { paths: [library] })) as {
    JSONPath: any;
  };
  const original = jsonpath.JSONPath;
  if (original.ensembleFast) return;
  const fast = function (this: unknown, opts: any, ...rest: unknown[]) {
    if (
      new.target ||
      rest.length > 0 ||
      !opts ||
      typeof opts !== 'object' ||
      opts.autostart === false
    ) {
      return new.target ? new original(opts, ...rest) : original(opts, ...rest);
    }
    const simple = simplePath(opts.path);
    if (simple) return walk(opts.json ?? null, simple);
    const instance = new original({ ...opts, autostart: false });
    return instance.evaluate({ path: opts.path, json: opts.json ?? null });
  };
  Object.assign(fast, original, { prototype: original.prototype, ensembleFast: true });
  jsonpath.JSONPath = fast;
}

const SIMPLE_PATH = /^\$((\.[A-Za-z_$][\w$-]*)*)$/;
const simplePaths = new Map<string, string[] | null>();

/** The property names of a plain `$.a.b` path (the common case), or null for anything richer. */
function simplePath(path: unknown): string[] | null {
  if (typeof path !== 'string') return null;
  let keys = simplePaths.get(path);
  if (keys === undefined) {
    const match = SIMPLE_PATH.exec(path);
    keys = match ? match[1].split('.').slice(1) : null;
    simplePaths.set(path, keys);
  }
  return keys;
}

/** jsonpath-plus's answer for a plain path: the value, or undefined when a step is missing. */
function walk(json: unknown, keys: string[]): unknown {
  let value = json;
  for (const key of keys) {
    if (
      value === null ||
      typeof value !== 'object' ||
      !Object.prototype.hasOwnProperty.call(value, key)
    )
      return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** What the executor needs from the rest of the runtime. */
export interface ExecutorServices {
  readonly clock: VirtualClock;
  readonly record: RunRecord;
  invokeFunction(ref: string, payload: unknown, cause: string): Promise<unknown>;
  putEvents(
    entries: unknown[],
    publishedBy: string,
  ): { FailedEntryCount: number; Entries: unknown[] };
  /** What runs and what waits: executions are registered there from start to terminal status. */
  readonly activity: Activity;
}

/** A task waiting for its token to be sent back. */
export interface TokenWait {
  readonly executionArn: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
  settled: boolean;
}

type LogEntry = { type: string; state?: { name: string; type: string }; Error?: string };

/** An error with a Step Functions error name, so that Retry and Catch match it. */
export function statesError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * Runs a bounded context's state machine with aws-local-stepfunctions,
 * serving every integration the library's constructs emit (`lambda:invoke`,
 * direct Lambda ARNs, `.waitForTaskToken`, `events:putEvents`) and failing
 * loudly on any other, naming the service and action.
 */
export class StateMachineExecutor {
  private readonly prepared: LocalDefinition;
  private machine?: InstanceType<typeof StateMachine>;
  private readonly tokens: Map<string, TokenWait>;
  private readonly pending = new Set<TokenWait>();
  private readonly running = new Map<RecordedExecution, () => void>();
  /** Tasks running now, each released at once by {@link abandon}. */
  private readonly tasksInFlight = new Set<{ reject: (error: Error) => void }>();
  private disposed = false;
  /** Executions started with a name of the caller's, for StartExecution's idempotency. */
  private readonly names = new Map<string, { execution: RecordedExecution; inputText: string }>();
  /** Each Task state: name, resource, whether its parameters read the state's entered time. */
  private readonly taskSpecs: [string, string, boolean][];

  constructor(
    public readonly spec: LocalStateMachineSpec,
    private readonly services: ExecutorServices,
    tokens: Map<string, TokenWait>,
  ) {
    // Only once a local run is set up: importing the library changes nothing.
    speedUpJsonPath();
    this.prepared = localDefinition(spec.definition);
    this.tokens = tokens;
    this.taskSpecs = [...this.prepared.tasks].map(([name, state]) => [
      name,
      String(state.Resource),
      JSON.stringify(state.Parameters ?? {}).includes('$$.State.EnteredTime'),
    ]);
  }

  /**
   * Start an execution; returns its record at once, the execution runs in the background.
   *
   * As StartExecution: the input must be JSON (`InvalidExecutionInput`), and a
   * name already used on this state machine returns the running execution
   * when the input is the same, or fails with `ExecutionAlreadyExists`.
   */
  public start(input: unknown, startedBy: string, name?: string): RecordedExecution {
    const inputText = executionInput(input);
    if (name !== undefined) {
      const same = this.reusedName(name, inputText);
      if (same) return same;
    }
    const executionName = name ?? randomUUID();
    const executionArn = `${this.spec.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const execution: RecordedExecution = {
      executionArn,
      stateMachine: this.spec.logicalId,
      contextName: this.spec.contextName,
      input,
      startedAt: this.services.clock.iso(),
      startOrder: this.services.record.nextOrder(),
      startedBy,
      status: 'RUNNING',
      transitions: [],
    };
    if (name !== undefined) this.names.set(name, { execution, inputText });
    this.services.record.allExecutions.push(execution);
    this.services.activity.started(execution);
    this.run(execution, executionName).catch((error: Error) =>
      this.finish(execution, 'FAILED', undefined, error.name, error.message),
    );
    return execution;
  }

  /**
   * The execution already started under `name`, when StartExecution would return it.
   *
   * StartExecution is idempotent for Standard workflows: the same name and
   * input as a running execution return that execution; a closed execution or
   * another input fail with `ExecutionAlreadyExists`, until 90 days after the
   * execution closed. (The runtime treats every workflow as Standard, the
   * library's default and the only type that can await.)
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
   */
  private reusedName(name: string, inputText: string): RecordedExecution | undefined {
    const used = this.names.get(name);
    if (!used) return undefined;
    const { execution } = used;
    if (execution.status === 'RUNNING' && used.inputText === inputText) return execution;
    const reusableAt =
      execution.stoppedAt === undefined
        ? Infinity
        : Date.parse(execution.stoppedAt) + NAME_REUSE_DAYS * 86_400_000;
    if (this.services.clock.now() >= reusableAt) return undefined;
    // The message AWS returns, checked against AWS by LocalStack's aws_verified tests.
    throw statesError(
      'ExecutionAlreadyExists',
      `Execution Already Exists: '${execution.executionArn}'`,
    );
  }

  private async run(execution: RecordedExecution, name: string): Promise<void> {
    // Validated by asl-validator in the library's tests; skipping it here saves ~0.4 s per machine.
    this.machine ??= new StateMachine(this.prepared.definition as never, {
      validationOptions: { noValidate: true },
    });
    const run = this.machine.run(execution.input as never, {
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: name,
          Input: execution.input as never,
          StartTime: execution.startedAt,
        },
        StateMachine: { Id: this.spec.arn, Name: this.spec.name },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
        State: { EnteredTime: ENTERED_TIME_PLACEHOLDER },
      },
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(execution) as never,
        retryIntervalOverrides: Object.fromEntries(this.prepared.retryable.map((n) => [n, 0])),
      },
    });
    this.running.set(execution, run.abort);
    const cancelTimeout =
      this.prepared.timeoutSeconds === undefined
        ? undefined
        : this.services.clock.schedule(this.prepared.timeoutSeconds * 1000, () => {
            this.finish(
              execution,
              'TIMED_OUT',
              undefined,
              'States.Timeout',
              'the execution timed out',
            );
            run.abort();
          });
    const logs = this.collect(run.eventLogs as unknown as AsyncGenerator<LogEntry>, execution);
    let outcome: { output?: unknown; error?: unknown };
    try {
      outcome = { output: await run.result };
    } catch (error) {
      outcome = { error };
    }
    cancelTimeout?.();
    this.running.delete(execution);
    // The log ends with the execution's own end, read within microtasks; an execution that
    // failed before its first state (input the library cannot copy) never logs its end.
    await Promise.race([logs, new Promise((resolve) => setImmediate(resolve))]);
    if (outcome.error === undefined) {
      this.finish(execution, 'SUCCEEDED', outcome.output);
    } else {
      const { Error: errorName, Cause } = failureOf(outcome.error);
      this.finish(execution, 'FAILED', undefined, errorName, Cause);
    }
  }

  private finish(
    execution: RecordedExecution,
    status: ExecutionStatus,
    output?: unknown,
    error?: string,
    cause?: string,
  ): void {
    // The one terminal transition: whatever ends an execution first (its end, its timeout,
    // a terminal error, dispose) decides, and the runtime stops counting it exactly once.
    if (execution.status !== 'RUNNING') return;
    execution.status = status;
    execution.output = output;
    execution.error = error;
    execution.cause = cause;
    execution.stoppedAt = this.services.clock.iso();
    execution.stopOrder = this.services.record.nextOrder();
    this.services.activity.stopped(execution.executionArn);
    // Its tokens no longer resume anything (SendTaskSuccess answers TaskTimedOut); a task
    // still waiting is released by abandon() or its own timeout, which clears its timers.
    for (const [token, wait] of this.tokens) {
      if (wait.executionArn === execution.executionArn) this.tokens.delete(token);
    }
  }

  private async collect(
    logs: AsyncGenerator<LogEntry>,
    execution: RecordedExecution,
  ): Promise<void> {
    const kinds: Record<string, 'entered' | 'exited' | 'failed' | 'retried' | 'caught'> = {
      StateEntered: 'entered',
      StateExited: 'exited',
      StateFailed: 'failed',
      StateRetried: 'retried',
      StateCaught: 'caught',
    };
    for await (const log of logs) {
      const kind = kinds[log.type];
      if (!kind || !log.state) continue;
      this.services.activity.moved();
      execution.transitions.push({
        state: log.state.name,
        type:
          this.prepared.tasks.get(log.state.name)?.Resource === LOCAL_WAIT_RESOURCE
            ? 'Wait'
            : log.state.type,
        at: this.services.clock.iso(),
        event: kind,
        error: kind === 'failed' ? String(log.Error) : undefined,
      });
    }
  }

  private taskHandlers(
    execution: RecordedExecution,
  ): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, resource, usesTime] of this.taskSpecs) {
      handlers[name] = (raw) => {
        if (this.disposed) return Promise.reject(disposedError());
        // Every task in flight can be released by abandon(): aws-local-stepfunctions keeps a
        // real timer per running task, which would keep the process alive.
        return new Promise((resolve, reject) => {
          const task = { reject };
          this.tasksInFlight.add(task);
          // An execution that has ended runs no more tasks: this one waits for dispose.
          if (execution.status !== 'RUNNING') return;
          const input = usesTime
            ? fillPlaceholder(raw, ENTERED_TIME_PLACEHOLDER, this.services.clock.iso())
            : raw;
          this.checkedTask(execution, name, resource, input).then(
            (result) => {
              this.tasksInFlight.delete(task);
              resolve(result);
            },
            (error: Error) => {
              this.tasksInFlight.delete(task);
              reject(error);
            },
          );
        });
      };
    }
    return handlers;
  }

  /** The task, with its input and result held to Step Functions' payload quota. */
  private async checkedTask(
    execution: RecordedExecution,
    stateName: string,
    resource: string,
    input: unknown,
  ): Promise<unknown> {
    const inputTooLarge = this.dataLimit(execution, stateName, 'input', input);
    if (inputTooLarge) return inputTooLarge;
    const result = await this.runTask(execution, stateName, resource, input);
    return this.dataLimit(execution, stateName, 'output', result) ?? result;
  }

  private async runTask(
    execution: RecordedExecution,
    stateName: string,
    resource: string,
    input: any,
  ): Promise<unknown> {
    const cause = `${this.spec.contextName ?? this.spec.logicalId}/${stateName}`;
    if (/^arn:aws:lambda:[^:]*:[^:]*:function:/.test(resource)) {
      return this.services.invokeFunction(resource, input, cause);
    }
    const integration = resource.replace(/^arn:aws:states:::/, '');
    switch (integration) {
      case 'lambda:invoke':
        return {
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          Payload: await this.services.invokeFunction(input.FunctionName, input.Payload, cause),
        };
      case 'lambda:invoke.waitForTaskToken':
        return this.waitForToken(execution, stateName, input);
      case 'events:putEvents':
        return this.putEvents(input.Entries ?? [], cause);
      case 'ensemble-local:wait':
        return this.sleep(execution, input);
      default:
        throw new UnsupportedCallError(
          `${integration.replace(':', '.')} (state '${stateName}' of ${cause.split('/')[0]})`,
        );
    }
  }

  /**
   * Fail the execution with `States.DataLimitExceeded` when a task's input (after
   * `Parameters`) or its result is over Step Functions' payload quota, as AWS does.
   *
   * The error is terminal: `States.ALL` does not catch it, so the execution
   * fails at once unless the state names `States.DataLimitExceeded` itself.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
   */
  private dataLimit(
    execution: RecordedExecution,
    stateName: string,
    what: 'input' | 'output',
    payload: unknown,
  ): Promise<never> | undefined {
    const bytes = payloadBytes(payload);
    if (bytes <= MAX_PAYLOAD_BYTES) return undefined;
    const error = statesError(
      'States.DataLimitExceeded',
      what === 'output'
        ? `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit (${bytes} bytes, at most ${MAX_PAYLOAD_BYTES}).`
        : `The state/task '${stateName}' has an input after Parameters with a size exceeding the maximum number of bytes service limit (${bytes} bytes, at most ${MAX_PAYLOAD_BYTES}).`,
    );
    const state = this.prepared.tasks.get(stateName) as
      { Catch?: { ErrorEquals?: string[] }[]; Retry?: { ErrorEquals?: string[] }[] } | undefined;
    const named = [...(state?.Catch ?? []), ...(state?.Retry ?? [])].some((c) =>
      c.ErrorEquals?.includes(error.name),
    );
    if (named) return Promise.reject(error);
    this.finish(execution, 'FAILED', undefined, error.name, error.message);
    this.running.get(execution)?.();
    // The execution is over: this state does not complete (until dispose), so no Catch runs.
    return new Promise<never>(() => undefined);
  }

  private putEvents(entries: unknown[], cause: string): unknown {
    const result = this.services.putEvents(entries, cause);
    if (result.FailedEntryCount > 0)
      throw statesError('EventBridge.FailedEntry', JSON.stringify(result.Entries));
    return result;
  }

  private waitForToken(
    execution: RecordedExecution,
    stateName: string,
    input: unknown,
  ): Promise<unknown> {
    const token = `${execution.executionArn}#${stateName}#${randomUUID()}`;
    const filled = fillPlaceholder(input, TASK_TOKEN_PLACEHOLDER, token) as {
      Payload?: unknown;
      FunctionName?: string;
    };
    return new Promise((resolve, reject) => {
      const release = this.services.activity.work();
      const resumeExecution = this.services.activity.wait(execution.executionArn);
      const timeout = this.prepared.taskTimeouts.get(stateName);
      const wait: TokenWait = {
        executionArn: execution.executionArn,
        settled: false,
        resolve: (output) => finish(() => resolve(output)),
        reject: (error) => finish(() => reject(error)),
      };
      const cancel =
        timeout === undefined
          ? undefined
          : this.services.clock.schedule(timeout * 1000, () =>
              wait.reject(statesError('States.Timeout', `no answer within ${timeout} s`)),
            );
      const finish = (settle: () => void) => {
        if (wait.settled) return;
        wait.settled = true;
        this.tokens.delete(token);
        this.pending.delete(wait);
        cancel?.();
        resumeExecution();
        settle();
      };
      this.tokens.set(token, wait);
      this.pending.add(wait);
      // The waiting itself does not keep the runtime busy: only the registering call does.
      this.services
        .invokeFunction(
          filled.FunctionName!,
          filled.Payload,
          `${execution.contextName ?? execution.stateMachine}/${stateName}`,
        )
        .catch((error: Error) => wait.reject(error))
        .finally(release);
    });
  }

  private sleep(
    execution: RecordedExecution,
    input: { seconds?: number; timestamp?: string },
  ): Promise<unknown> {
    const ms =
      input.timestamp !== undefined
        ? Date.parse(input.timestamp) - this.services.clock.now()
        : (input.seconds ?? 0) * 1000;
    return new Promise((resolve, reject) => {
      const resumeExecution = this.services.activity.wait(execution.executionArn);
      const sleeper = {
        resolve: () => finish(() => resolve({})),
        reject: (error: Error) => finish(() => reject(error)),
        settled: false,
        executionArn: '',
      };
      const cancel = this.services.clock.schedule(ms, () => sleeper.resolve());
      const finish = (settle: () => void) => {
        if (sleeper.settled) return;
        sleeper.settled = true;
        this.pending.delete(sleeper);
        cancel();
        resumeExecution();
        settle();
      };
      this.pending.add(sleeper);
    });
  }

  /**
   * Abort every running execution (status ABORTED, as StopExecution would),
   * then release the tasks still waiting so that nothing is left pending. The
   * executions stop after their current state: no Catch path runs.
   */
  public abandon(): void {
    this.disposed = true;
    for (const [execution, abort] of this.running) {
      this.finish(
        execution,
        'ABORTED',
        undefined,
        'States.Aborted',
        'the local runtime was disposed',
      );
      abort();
    }
    this.running.clear();
    for (const wait of [...this.pending]) wait.reject(disposedError());
    for (const task of [...this.tasksInFlight]) task.reject(disposedError());
    this.tasksInFlight.clear();
  }
}

/**
 * Step Functions' quota on the input or output of a task, state or execution:
 * 256 KiB as a UTF-8 encoded string.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export const MAX_PAYLOAD_BYTES = 262_144;

/** Days after an execution closes before its name can start another execution. */
const NAME_REUSE_DAYS = 90;

/** The payload's size as Step Functions counts it: its JSON text in UTF-8. */
function payloadBytes(payload: unknown): number {
  const text = JSON.stringify(payload) ?? '';
  // Three bytes per UTF-16 unit at most: most payloads are far below the quota.
  return text.length * 3 <= MAX_PAYLOAD_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
}

/**
 * The input as StartExecution receives it, JSON text, or `InvalidExecutionInput`
 * for what JSON cannot hold (a circular object, a BigInt).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
function executionInput(input: unknown): string {
  try {
    return JSON.stringify(input) ?? '{}';
  } catch (error) {
    throw statesError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message.split('\n')[0]}'`,
    );
  }
}

function disposedError(): Error {
  return statesError('LocalRuntime.Disposed', 'the local runtime was disposed');
}

function failureOf(error: unknown): { Error: string; Cause?: string } {
  const e = error as {
    name?: string;
    message?: string;
    cause?: unknown;
    Error?: string;
    Cause?: string;
  };
  const inner = (e.cause ?? {}) as {
    name?: string;
    message?: string;
    errorOutput?: { Error?: string; Cause?: string };
  };
  if (inner.errorOutput?.Error)
    return { Error: inner.errorOutput.Error, Cause: inner.errorOutput.Cause };
  return { Error: inner.name ?? e.name ?? 'Error', Cause: inner.message ?? e.message };
}

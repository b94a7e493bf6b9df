import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
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
  /** Work started: the runtime is busy until `done` is called. */
  busy(): () => void;
  /** Running work blocks (on a token or the clock): the runtime is idle until `resume` is called. */
  pause(): () => void;
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

  /** Start an execution; returns its ARN at once, the execution runs in the background. */
  public start(input: unknown, startedBy: string, name: string = randomUUID()): RecordedExecution {
    const executionArn = `${this.spec.arn.replace(':stateMachine:', ':execution:')}:${name}`;
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
    this.services.record.allExecutions.push(execution);
    const done = this.services.busy();
    void this.run(execution, name).finally(done);
    return execution;
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
    try {
      const output = await run.result;
      if (execution.status === 'RUNNING') this.finish(execution, 'SUCCEEDED', output);
    } catch (error) {
      const { Error: errorName, Cause } = failureOf(error);
      if (execution.status === 'RUNNING')
        this.finish(execution, 'FAILED', undefined, errorName, Cause);
    } finally {
      cancelTimeout?.();
      this.running.delete(execution);
      await logs;
    }
  }

  private finish(
    execution: RecordedExecution,
    status: ExecutionStatus,
    output?: unknown,
    error?: string,
    cause?: string,
  ): void {
    execution.status = status;
    execution.output = output;
    execution.error = error;
    execution.cause = cause;
    execution.stoppedAt = this.services.clock.iso();
    execution.stopOrder = this.services.record.nextOrder();
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
        const input = usesTime
          ? fillPlaceholder(raw, ENTERED_TIME_PLACEHOLDER, this.services.clock.iso())
          : raw;
        return this.runTask(execution, name, resource, input);
      };
    }
    return handlers;
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
        return this.sleep(input);
      default:
        throw new UnsupportedCallError(
          `${integration.replace(':', '.')} (state '${stateName}' of ${cause.split('/')[0]})`,
        );
    }
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
      const release = this.services.busy();
      const resumeExecution = this.services.pause();
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

  private sleep(input: { seconds?: number; timestamp?: string }): Promise<unknown> {
    const ms =
      input.timestamp !== undefined
        ? Date.parse(input.timestamp) - this.services.clock.now()
        : (input.seconds ?? 0) * 1000;
    return new Promise((resolve, reject) => {
      const resumeExecution = this.services.pause();
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
    for (const wait of [...this.pending])
      wait.reject(statesError('LocalRuntime.Disposed', 'the local runtime was disposed'));
  }
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

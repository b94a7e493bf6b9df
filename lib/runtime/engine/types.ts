import { StatesError } from './errors';

/** The query language of a state: JSONPath (the default) or JSONata. */
export type QueryLanguage = 'JSONPath' | 'JSONata';

/** One state of a definition, as written in the Amazon States Language. */
export interface StateDefinition {
  readonly Type: string;
  readonly [field: string]: any;
}

/** A graph of states: the whole machine, a Parallel branch or a Map's item processor. */
export interface GraphDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, StateDefinition>>;
  readonly QueryLanguage?: QueryLanguage;
  readonly TimeoutSeconds?: number;
  readonly Comment?: string;
}

/**
 * The time source of the engine: `VirtualClock` of the local runtime fits it.
 * The engine never reads `Date.now()` nor sets real timers.
 */
export interface EngineClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fire` once the clock reaches now + `ms`; returns a cancel function. */
  schedule(ms: number, fire: () => void): () => void;
  /** The current time as an ISO string, if the clock keeps one ready. */
  iso?(): string;
}

/** The clock's time as an ISO string, as Step Functions writes times. */
export function isoNow(clock: EngineClock): string {
  return clock.iso ? clock.iso() : new Date(clock.now()).toISOString();
}

/** What a task handler receives. */
export interface TaskRequest {
  /** The state's Resource, as written. */
  readonly resource: string;
  /** The name of the Task state. */
  readonly stateName: string;
  /** The task's input, after InputPath and Parameters (JSONPath) or Arguments (JSONata). */
  readonly input: unknown;
  /** The task token, for `.waitForTaskToken` resources. */
  readonly taskToken?: string;
  /** The execution's ARN. */
  readonly executionArn: string;
  /** The context object as the state saw it. */
  readonly context: Readonly<Record<string, unknown>>;
}

/**
 * Runs one Task state's work: returns its result, or throws. An error's
 * `name` (or a `StatesError`'s `error`) is the error name Retry and Catch match.
 * For a `.waitForTaskToken` resource the return value is ignored: the task
 * ends when a callback is sent for `request.taskToken`.
 */
export type TaskHandler = (request: TaskRequest) => unknown;

/** One step of an execution's history. */
export interface EngineTransition {
  readonly state: string;
  readonly type: string;
  /** ISO time on the engine's clock. */
  readonly at: string;
  readonly event: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
  readonly error?: string;
}

/** How an execution ended. */
export interface ExecutionResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** What a state function returns: its output and the next state, or none at the end. */
export interface Outcome {
  readonly output: unknown;
  readonly next?: string;
}

/** What every state's work can reach: its definition, the execution, the variables, time. */
export interface StateContext {
  readonly name: string;
  readonly state: StateDefinition;
  readonly language: QueryLanguage;
  readonly frame: Frame;
  readonly retryCount: number;
  readonly enteredTime: string;
  /** The context object (`$$` / `$states.context`), built once per attempt. */
  contextObject(): Record<string, any>;
  /** Sets the task token of this attempt (Task states with `.waitForTaskToken`). */
  setTaskToken(token: string): void;
}

/** A running graph: the whole execution, or one Parallel branch or Map iteration. */
export interface Frame {
  readonly run: RunContext;
  readonly scope: Scope;
  /** Variables: an inner frame reads its outer frames' variables and writes its own. */
  readonly variables: Record<string, unknown>;
  readonly language: QueryLanguage;
  /** `$$.Map.Item`, inside a Map iteration. */
  readonly mapItem?: { readonly Index: number; readonly Value: unknown };
}

/** The execution-wide services a state uses. */
export interface RunContext {
  readonly clock: EngineClock;
  readonly random: () => number;
  readonly executionArn: string;
  readonly executionName: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly input: unknown;
  readonly startTime: string;
  readonly roleArn: string;
  record(transition: EngineTransition): void;
  handlerFor(resource: string, stateName: string): TaskHandler | undefined;
  issueToken(scope: Scope, stateName: string): TaskTokenWait;
  /**
   * Wraps what the execution waits for that only the clock or a callback can end
   * (a Wait state, a retry interval, a task token), so a driver knows it is blocked.
   */
  blockedOn<T>(wait: Promise<T>): Promise<T>;
  /** Counts handler calls in flight, so a driver knows when only the clock can move things. */
  busy(delta: number): void;
  /** Runs a nested graph (a Parallel branch, a Map iteration) in `frame`. */
  runGraph(graph: GraphDefinition, input: unknown, frame: Frame): Promise<unknown>;
}

/** A callback the execution waits for: settled by sendTaskSuccess/Failure, or a timeout. */
export interface TaskTokenWait {
  readonly token: string;
  readonly result: Promise<unknown>;
  /** Called on each SendTaskHeartbeat. */
  onHeartbeat(listener: () => void): void;
  dispose(): void;
}

/** Why a scope was aborted: the execution was stopped or timed out, or a sibling branch failed. */
export class Aborted extends Error {
  constructor(public readonly reason: StatesError | 'stopped') {
    super('aborted');
  }
}

/**
 * A cancellation scope: stopping an execution aborts its root scope; a failed
 * Parallel branch aborts its siblings' scope. Waits and timers end on abort.
 */
export class Scope {
  private abortedWith?: Aborted;
  private readonly listeners = new Set<(signal: Aborted) => void>();

  /** A scope aborted whenever this one is. */
  public child(): Scope {
    const child = new Scope();
    if (this.abortedWith) child.abort(this.abortedWith.reason);
    else {
      const off = this.onAbort((s) => child.abort(s.reason));
      child.onAbort(off);
    }
    return child;
  }

  /** Whether anything (a wait, a timer, a child scope) would notice an abort. */
  public get watched(): boolean {
    return this.listeners.size > 0;
  }

  public get aborted(): Aborted | undefined {
    return this.abortedWith;
  }

  public abort(reason: StatesError | 'stopped'): void {
    if (this.abortedWith) return;
    this.abortedWith = new Aborted(reason);
    for (const listener of [...this.listeners]) listener(this.abortedWith);
    this.listeners.clear();
  }

  /** Registers `listener`; returns a function that removes it. */
  public onAbort(listener: (signal: Aborted) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  public throwIfAborted(): void {
    if (this.abortedWith) throw this.abortedWith;
  }

  /** Settles with `promise`, or rejects as soon as the scope is aborted. */
  public race<T>(promise: Promise<T>): Promise<T> {
    if (this.abortedWith) {
      // Nobody waits for the work any more: its own failure must not go unhandled.
      promise.catch(() => undefined);
      return Promise.reject(this.abortedWith);
    }
    return new Promise<T>((resolve, reject) => {
      const off = this.onAbort(reject);
      promise.then(
        (v) => {
          off();
          resolve(v);
        },
        (e) => {
          off();
          reject(e);
        },
      );
    });
  }

  /** Waits `ms` on `clock`; ends early, rejecting, when the scope is aborted. */
  public sleep(clock: EngineClock, ms: number): Promise<void> {
    if (this.abortedWith) return Promise.reject(this.abortedWith);
    return new Promise<void>((resolve, reject) => {
      const cancel = clock.schedule(ms, () => {
        off();
        resolve();
      });
      const off = this.onAbort((signal) => {
        cancel();
        reject(signal);
      });
    });
  }
}

import { RecordedExecution } from './record';

/** Thrown by `settle()` or `advance()` when work is pending but nothing has moved for too long. */
export class StalledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalRuntime.Stalled';
  }
}

interface ActiveExecution {
  readonly execution: RecordedExecution;
  /** Tasks and Wait states of this execution blocked on a token or on the clock. */
  waits: number;
}

/**
 * What the local runtime is doing, kept in one place so that it cannot drift.
 *
 * An execution is active from its start to its terminal status and is counted
 * once, by ARN, however many ways it ends (success, failure, timeout, abort).
 * It blocks `settle()` unless it waits on a token or on the clock. Other work
 * (event deliveries, invocations that register a wait) is counted apart, and
 * each piece is released at most once. Every change moves a progress counter,
 * which tells a slow run from a stalled one.
 */
export class Activity {
  private readonly executions = new Map<string, ActiveExecution>();
  private inFlight = 0;
  /** Active executions with no wait: kept as a count so that `idle` costs nothing per round. */
  private runnable = 0;
  private moves = 0;

  /** A count that grows whenever anything starts, ends or changes. */
  public get progress(): number {
    return this.moves;
  }

  /** Note that something happened (a state entered, an invocation answered). */
  public moved(): void {
    this.moves++;
  }

  /** An execution started: active until {@link stopped}. */
  public started(execution: RecordedExecution): void {
    if (this.executions.has(execution.executionArn)) return;
    this.executions.set(execution.executionArn, { execution, waits: 0 });
    this.runnable++;
    this.moves++;
  }

  /** An execution reached its terminal status; later calls for it do nothing. */
  public stopped(executionArn: string): void {
    const active = this.executions.get(executionArn);
    if (!active) return;
    this.executions.delete(executionArn);
    if (active.waits === 0) this.runnable--;
    this.moves++;
  }

  /** Whether the execution is active (started, no terminal status yet). */
  public isActive(executionArn: string): boolean {
    return this.executions.has(executionArn);
  }

  /** Work started outside any execution; call the returned function (once counts) when it ends. */
  public work(): () => void {
    this.inFlight++;
    this.moves++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      this.moves++;
    };
  }

  /**
   * Part of an execution blocks on a token or on the clock; call the returned
   * function (once counts) when it goes on. A wait of an execution that has
   * ended counts for nothing.
   */
  public wait(executionArn: string): () => void {
    const active = this.executions.get(executionArn);
    if (active && active.waits++ === 0) this.runnable--;
    this.moves++;
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      // Once the execution has ended its waits no longer count (it was removed as it was).
      if (active && this.executions.get(executionArn) === active && --active.waits === 0)
        this.runnable++;
      this.moves++;
    };
  }

  /** Nothing can run until a token is sent or the clock moves. */
  public get idle(): boolean {
    return this.inFlight === 0 && this.runnable === 0;
  }

  /** What keeps the runtime busy, for an error message: each running execution and its state. */
  public describeBusy(): string {
    const running = [...this.executions.values()]
      .filter((a) => a.waits === 0)
      .map((a) => `${a.execution.executionArn} in state '${currentState(a.execution)}'`);
    const work = this.inFlight > 0 ? [`${this.inFlight} event deliveries or invocations`] : [];
    return [...running, ...work].join('; ');
  }
}

function currentState(execution: RecordedExecution): string {
  for (let i = execution.transitions.length - 1; i >= 0; i--) {
    const transition = execution.transitions[i];
    if (transition.event === 'entered') return transition.state;
  }
  return '(before its first state)';
}

import { VirtualClock } from '../clock';
import { StateMachineEngine } from './state-machine-engine';
import { ExecutionResult, TaskHandler } from './types';

/** Event-loop turns without progress after which a running handler is taken as hanging. */
const STALLED_TURNS = 3;

/** Options of {@link runStateMachine}. */
export interface RunStateMachineOptions {
  /**
   * What each Task returns, keyed by state name or by Resource (full, or its
   * service and action such as `lambda:invoke`). A handler gets the task's
   * input and returns its result or throws (the error's `name` is the error
   * Retry and Catch see). For a `.waitForTaskToken` task, the value returned
   * is sent as the callback's result: `$$.Task.Token` is in the input as the definition puts it.
   * @default - none: a Task without a handler fails with LocalRuntime.Unsupported
   */
  readonly tasks?: Readonly<Record<string, (input: unknown) => unknown | Promise<unknown>>>;
  /**
   * Randomness of JitterStrategy FULL, States.MathRandom, $random() and $uuid().
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * When the execution starts, on its virtual clock.
   * @default 2026-01-01T12:00:00Z
   */
  readonly startTime?: Date;
}

/**
 * Runs one Amazon States Language definition (JSONPath or JSONata) to its end
 * on a virtual clock of its own: waits, retry intervals and timeouts take no
 * real time. Unit-test one workflow with it:
 *
 * ```ts
 * const { status, output } = await runStateMachine(definition, { orderId: '1' }, {
 *   tasks: { ChargeCard: (input) => ({ charged: true }) },
 * });
 * ```
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */
export async function runStateMachine(
  definition: object,
  input: unknown,
  options: RunStateMachineOptions = {},
): Promise<ExecutionResult> {
  const clock = new VirtualClock(options.startTime);
  const handlers: Record<string, TaskHandler> = {};
  let engine: StateMachineEngine | undefined = undefined;
  for (const [key, fn] of Object.entries(options.tasks ?? {}))
    handlers[key] = async (request) => {
      const result = await fn(request.input);
      if (request.taskToken !== undefined) engine!.sendTaskSuccess(request.taskToken, result);
      return result;
    };
  engine = new StateMachineEngine(definition, {
    clock,
    tasks: handlers,
    resources: handlers,
    random: options.random,
  });
  const execution = engine.start(input);
  let finished = false;
  void execution.done.then(() => (finished = true));
  let lastActivity = -1;
  let stalledTurns = 0;
  for (;;) {
    // Let every promise settle: the execution runs until it waits on a handler or the clock.
    await new Promise((resolve) => setImmediate(resolve));
    if (finished) break;
    if (engine.busy > 0) {
      // A handler is running: give it event-loop turns while it makes progress. One that
      // stays silent for a few turns hangs (as the guide's sleep10 does): the clock moves
      // on, so its TimeoutSeconds can end it.
      if (engine.activity !== lastActivity) {
        lastActivity = engine.activity;
        stalledTurns = 0;
        continue;
      }
      if (++stalledTurns < STALLED_TURNS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        continue;
      }
    }
    stalledTurns = 0;
    const next = clock.nextTimerAt();
    if (next === undefined) {
      execution.stop(
        'States.Runtime',
        `The execution waits for something that never comes (a task token nobody sends, or a handler that never settles); it was stopped. Pending tokens: ${engine.pendingTokens.join(', ') || 'none'}.`,
      );
      await execution.done;
      break;
    }
    clock.fireDue(next);
  }
  const result = await execution.done;
  // Only the fields that apply: output on success, error and cause otherwise.
  return Object.fromEntries(
    Object.entries(result).filter(([, v]) => v !== undefined),
  ) as ExecutionResult;
}

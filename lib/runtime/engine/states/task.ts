import { asStatesError, checkPayloadSize, StatesError, StatesErrors } from '../errors';
import { effectiveInput, numberField, stateOutput, statePayload } from '../io';
import { Aborted, Outcome, StateContext, StateDefinition } from '../types';

/**
 * Task: runs the handler the caller gave for the state's Resource, with
 * TimeoutSeconds and, for `.waitForTaskToken`, a native task token and
 * HeartbeatSeconds, all on the engine's clock.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
export async function runTask(
  state: StateDefinition,
  raw: unknown,
  ctx: StateContext,
): Promise<Outcome> {
  const { run, scope } = ctx.frame;
  const resource = String(state.Resource);
  const callback = resource.endsWith('.waitForTaskToken');
  const wait = callback ? run.issueToken(scope, ctx.name) : undefined;
  if (wait) ctx.setTaskToken(wait.token);
  try {
    const effective = effectiveInput(ctx, raw);
    const input = await statePayload(ctx, raw, effective);
    checkPayloadSize(input, ctx.name, 'input');
    const timeout = await numberField(ctx, raw, effective, 'TimeoutSeconds');
    const heartbeat = await numberField(ctx, raw, effective, 'HeartbeatSeconds');
    const handler = run.handlerFor(resource, ctx.name);
    if (!handler)
      throw new StatesError(
        'LocalRuntime.Unsupported',
        `No handler for the Task state '${ctx.name}' (Resource ${resource}): give one by state name or by Resource, such as tasks: { '${ctx.name}': (input) => result }.`,
      );
    const work = call(
      handler,
      {
        resource,
        stateName: ctx.name,
        input,
        taskToken: wait?.token,
        executionArn: run.executionArn,
        context: ctx.contextObject(),
      },
      run.busy,
    );
    const result = await withTimers(
      ctx,
      wait ? work.then(() => run.blockedOn(wait.result)) : work,
      timeout,
      heartbeat,
      wait,
    );
    checkPayloadSize(result, ctx.name, 'result');
    const output = await stateOutput(ctx, raw, effective, result, true);
    return { output, next: state.End ? undefined : state.Next };
  } finally {
    wait?.dispose();
  }
}

async function call(
  handler: (request: any) => unknown,
  request: object,
  busy: (delta: number) => void,
): Promise<unknown> {
  busy(1);
  try {
    return await handler(request);
  } catch (error) {
    throw asStatesError(error);
  } finally {
    busy(-1);
  }
}

/** Races the work against TimeoutSeconds and HeartbeatSeconds timers and the scope's abort. */
function withTimers(
  ctx: StateContext,
  work: Promise<unknown>,
  timeoutSeconds: number | undefined,
  heartbeatSeconds: number | undefined,
  wait: { onHeartbeat(listener: () => void): void } | undefined,
): Promise<unknown> {
  const { clock } = ctx.frame.run;
  if (timeoutSeconds === undefined && (heartbeatSeconds === undefined || !wait))
    return ctx.frame.scope.race(work);
  return ctx.frame.scope.race(
    new Promise((resolve, reject) => {
      const cancels: (() => void)[] = [];
      const settle = (fn: () => void) => {
        cancels.forEach((c) => c());
        fn();
      };
      if (timeoutSeconds !== undefined)
        cancels.push(
          clock.schedule(timeoutSeconds * 1000, () =>
            settle(() =>
              reject(
                new StatesError(
                  StatesErrors.TIMEOUT,
                  `The Task state '${ctx.name}' ran longer than its TimeoutSeconds (${timeoutSeconds} s).`,
                ),
              ),
            ),
          ),
        );
      if (heartbeatSeconds !== undefined && wait) {
        let cancelBeat = (): void => undefined;
        const arm = () => {
          cancelBeat();
          cancelBeat = clock.schedule(heartbeatSeconds * 1000, () =>
            settle(() =>
              reject(
                new StatesError(
                  StatesErrors.HEARTBEAT_TIMEOUT,
                  `The Task state '${ctx.name}' got no heartbeat for ${heartbeatSeconds} s (HeartbeatSeconds).`,
                ),
              ),
            ),
          );
        };
        arm();
        cancels.push(() => cancelBeat());
        wait.onHeartbeat(arm);
      }
      work.then(
        (v) => settle(() => resolve(v)),
        (e) => settle(() => reject(e instanceof Aborted ? e : asStatesError(e))),
      );
    }),
  );
}

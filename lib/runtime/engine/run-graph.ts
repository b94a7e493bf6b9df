import { asStatesError, checkPayloadSize, StatesError, StatesErrors } from './errors';
import { jsonataScope, payloadTemplate, pathScope } from './io';
import { evaluateTemplate } from './jsonata';
import { applyResultPath } from './jsonpath';
import { Catcher, findCatcher, RetryCounters, retryCounters, retryDelay } from './retry';
import { runChoice } from './states/choice';
import { runFail } from './states/fail';
import { runMap } from './states/map';
import { runParallel } from './states/parallel';
import { runPass } from './states/pass';
import { runSucceed } from './states/succeed';
import { runTask } from './states/task';
import { runWait } from './states/wait';
import {
  Aborted,
  Frame,
  GraphDefinition,
  isoNow,
  Outcome,
  StateContext,
  StateDefinition,
} from './types';

type StateFunction = (
  state: StateDefinition,
  input: unknown,
  ctx: StateContext,
) => Promise<Outcome>;

/** One function per state type. */
export const STATE_TYPES: Record<string, StateFunction> = {
  Task: runTask,
  Pass: runPass,
  Choice: runChoice,
  Wait: runWait,
  Succeed: runSucceed,
  Fail: runFail,
  Parallel: runParallel,
  Map: runMap,
};

/** Walks a graph from StartAt until a state ends it; returns the last output. */
export async function runGraph(
  graph: GraphDefinition,
  input: unknown,
  frame: Frame,
): Promise<unknown> {
  let name = graph.StartAt;
  let data = input;
  for (;;) {
    frame.scope.throwIfAborted();
    const outcome = await runState(name, graph.States[name], data, frame);
    if (outcome.next === undefined) return outcome.output;
    name = outcome.next;
    data = outcome.output;
  }
}

/** Runs one state with its Retry and Catch, recording each transition. */
async function runState(
  name: string,
  state: StateDefinition,
  input: unknown,
  frame: Frame,
): Promise<Outcome> {
  const { run } = frame;
  const record = (event: 'entered' | 'exited' | 'failed' | 'retried' | 'caught', error?: string) =>
    run.record({
      state: name,
      type: state.Type,
      at: isoNow(run.clock),
      event,
      error,
    });
  record('entered');
  const enteredTime = isoNow(run.clock);
  const language = state.QueryLanguage ?? frame.language;
  let counters: RetryCounters | undefined;
  for (let retryCount = 0; ; retryCount++) {
    const ctx = stateContext(name, state, frame, language, retryCount, enteredTime);
    try {
      const outcome = await STATE_TYPES[state.Type](state, input, ctx);
      // An output that is the input itself was measured when it came in.
      if (outcome.output !== input) checkPayloadSize(outcome.output, name, 'output');
      record('exited');
      return outcome;
    } catch (thrown) {
      if (thrown instanceof Aborted) throw thrown;
      const error = asStatesError(thrown);
      counters ??= retryCounters(state.Retry);
      const delay = retryDelay(state.Retry, counters, error, run.random);
      if (delay !== undefined) {
        record('retried', error.error);
        await run.blockedOn(frame.scope.sleep(run.clock, delay));
        continue;
      }
      const catcher = findCatcher(state.Catch, error);
      if (catcher) {
        record('caught', error.error);
        return { output: await caught(ctx, catcher, input, error), next: catcher.Next };
      }
      record('failed', error.error);
      throw error;
    }
  }
}

/** The output of a Catcher: the error output placed at ResultPath, or its Output (JSONata). */
async function caught(ctx: StateContext, catcher: Catcher, input: unknown, error: StatesError) {
  const errorOutput = { Error: error.error, Cause: error.cause };
  if (ctx.language === 'JSONata') {
    const scope = jsonataScope(ctx, { input, errorOutput });
    const values =
      catcher.Assign === undefined
        ? undefined
        : await evaluateTemplate(catcher.Assign, scope, 'Assign');
    const output =
      catcher.Output === undefined
        ? errorOutput
        : await evaluateTemplate(catcher.Output, scope, 'Output');
    if (values) Object.assign(ctx.frame.variables, values);
    return output;
  }
  const values =
    catcher.Assign === undefined
      ? undefined
      : payloadTemplate(catcher.Assign, pathScope(ctx, errorOutput), 'Assign');
  const output = applyResultPath(input, catcher.ResultPath, errorOutput);
  if (values) Object.assign(ctx.frame.variables, values as object);
  return output;
}

function stateContext(
  name: string,
  state: StateDefinition,
  frame: Frame,
  language: 'JSONPath' | 'JSONata',
  retryCount: number,
  enteredTime: string,
): StateContext {
  let token: string | undefined;
  let built: Record<string, any> | undefined;
  return {
    name,
    state,
    language,
    frame,
    retryCount,
    enteredTime,
    setTaskToken(t) {
      token = t;
      built = undefined;
    },
    contextObject() {
      if (!built) {
        const { run } = frame;
        // @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
        built = {
          Execution: {
            Id: run.executionArn,
            Input: run.input,
            Name: run.executionName,
            RoleArn: run.roleArn,
            StartTime: run.startTime,
            RedriveCount: 0,
          },
          State: { EnteredTime: enteredTime, Name: name, RetryCount: retryCount },
          StateMachine: { Id: run.stateMachineArn, Name: run.stateMachineName },
        };
        if (token !== undefined) built.Task = { Token: token };
      }
      return built;
    },
  };
}

/** Fails with States.Runtime: the definition is not one this engine can run. */
export function definitionError(why: string): StatesError {
  return new StatesError(StatesErrors.RUNTIME, why);
}

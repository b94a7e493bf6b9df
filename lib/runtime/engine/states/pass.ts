import { effectiveInput, payloadTemplate, pathScope, stateOutput } from '../io';
import { Outcome, StateContext, StateDefinition } from '../types';

/**
 * Pass: passes its input (or Result, or its Parameters/Output) to the next state.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html
 */
export async function runPass(
  state: StateDefinition,
  raw: unknown,
  ctx: StateContext,
): Promise<Outcome> {
  const next = state.End ? undefined : state.Next;
  if (ctx.language === 'JSONata') {
    // A JSONata Pass has no result: its Output (default: its input) is what it passes on.
    const output = await stateOutput(ctx, raw, raw, undefined, false);
    return { output, next };
  }
  const effective = effectiveInput(ctx, raw);
  const result =
    state.Result !== undefined
      ? state.Result
      : state.Parameters !== undefined
        ? payloadTemplate(state.Parameters, pathScope(ctx, effective), 'Parameters')
        : effective;
  return { output: await stateOutput(ctx, raw, effective, result, true), next };
}

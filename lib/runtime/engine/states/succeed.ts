import { effectiveInput, stateOutput } from '../io';
import { Outcome, StateContext, StateDefinition } from '../types';

/**
 * Succeed: ends the execution (or branch) successfully with its input.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-succeed.html
 */
export async function runSucceed(
  _state: StateDefinition,
  raw: unknown,
  ctx: StateContext,
): Promise<Outcome> {
  const effective = effectiveInput(ctx, raw);
  // Succeed has no Assign: pass none.
  return { output: await stateOutput(ctx, raw, effective, undefined, false, undefined) };
}

import { StatesError, StatesErrors } from '../errors';
import { evaluateExpression, isExpression } from '../jsonata';
import { effectiveInput, jsonataScope, numberField, pathScope, stateOutput } from '../io';
import { readPath } from '../jsonpath';
import { Outcome, StateContext, StateDefinition } from '../types';

/**
 * Wait: waits on the engine's clock for Seconds or until Timestamp (or their Path forms).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
 */
export async function runWait(
  state: StateDefinition,
  raw: unknown,
  ctx: StateContext,
): Promise<Outcome> {
  const effective = effectiveInput(ctx, raw);
  const { clock } = ctx.frame.run;
  let ms: number;
  const seconds = await numberField(ctx, raw, effective, 'Seconds');
  if (seconds !== undefined) ms = seconds * 1000;
  else {
    const at = await timestamp(ctx, raw, effective);
    ms = Math.max(0, at - clock.now());
  }
  await ctx.frame.run.blockedOn(ctx.frame.scope.sleep(clock, ms));
  return {
    output: await stateOutput(ctx, raw, effective, undefined, false),
    next: state.End ? undefined : state.Next,
  };
}

async function timestamp(ctx: StateContext, raw: unknown, effective: unknown): Promise<number> {
  const value = ctx.state.Timestamp;
  const path = ctx.state.TimestampPath;
  let text: unknown;
  if (isExpression(value))
    text = await evaluateExpression(value, jsonataScope(ctx, { input: raw }), 'Timestamp');
  else if (value !== undefined) text = value;
  else if (typeof path === 'string')
    text = readPath(path, pathScope(ctx, effective), 'TimestampPath');
  else
    throw new StatesError(
      StatesErrors.RUNTIME,
      `The Wait state '${ctx.name}' needs one of Seconds, SecondsPath, Timestamp or TimestampPath.`,
    );
  const at = typeof text === 'string' ? Date.parse(text) : NaN;
  if (Number.isNaN(at))
    throw new StatesError(
      isExpression(value) ? StatesErrors.QUERY_EVALUATION_ERROR : StatesErrors.RUNTIME,
      `The Wait state '${ctx.name}' got ${JSON.stringify(text)} as its timestamp: use an ISO 8601 time such as 2026-01-01T12:00:00Z.`,
    );
  return at;
}

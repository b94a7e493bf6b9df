import { StatesError, StatesErrors } from '../errors';
import { evaluateIntrinsic, isIntrinsic } from '../intrinsics';
import { evaluateExpression, isExpression } from '../jsonata';
import { pathScope, jsonataScope } from '../io';
import { readPath } from '../jsonpath';
import { Outcome, StateContext, StateDefinition } from '../types';

/**
 * Fail: stops the execution (or branch) with an error name and a cause.
 * ErrorPath and CausePath take a path or an intrinsic; JSONata states use expressions.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
 */
export async function runFail(
  _state: StateDefinition,
  raw: unknown,
  ctx: StateContext,
): Promise<Outcome> {
  const error = await field(ctx, raw, 'Error');
  const cause = await field(ctx, raw, 'Cause');
  throw new StatesError(error ?? 'States.Fail', cause ?? '');
}

async function field(ctx: StateContext, raw: unknown, name: 'Error' | 'Cause') {
  const value = ctx.state[name];
  const path = ctx.state[`${name}Path`];
  let out: unknown;
  if (isExpression(value))
    out = await evaluateExpression(value, jsonataScope(ctx, { input: raw }), name);
  else if (value !== undefined) out = value;
  else if (typeof path === 'string')
    out = isIntrinsic(path)
      ? evaluateIntrinsic(path, pathScope(ctx, raw))
      : readPath(path, pathScope(ctx, raw), `${name}Path`);
  else return undefined;
  if (typeof out !== 'string')
    throw new StatesError(
      isExpression(value) ? StatesErrors.QUERY_EVALUATION_ERROR : StatesErrors.RUNTIME,
      `The ${name} of the Fail state '${ctx.name}' must be a string, got ${JSON.stringify(out)}.`,
    );
  return out;
}

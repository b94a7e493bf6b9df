import { StatesError, StatesErrors } from './errors';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics';
import { evaluateExpression, evaluateTemplate, isExpression, JsonataScope } from './jsonata';
import { applyResultPath, compilePath, NOT_FOUND, PathScope, readPath } from './jsonpath';
import { StateContext } from './types';

/**
 * Input and output processing shared by the state types, for both query languages.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */

/** The path scope of a JSONPath state: its data, `$$` and the variables. */
export function pathScope(
  ctx: StateContext,
  data: unknown,
): PathScope & {
  random: () => number;
} {
  return {
    data,
    context: ctx.contextObject(),
    variables: ctx.frame.variables,
    random: ctx.frame.run.random,
  };
}

/** The JSONata scope of a state: `$states` and the variables. */
export function jsonataScope(ctx: StateContext, states: Record<string, unknown>): JsonataScope {
  return {
    states: { ...states, context: ctx.contextObject() },
    variables: ctx.frame.variables,
    now: () => ctx.frame.run.clock.now(),
    random: ctx.frame.run.random,
  };
}

/** InputPath: `null` gives `{}`, a path selects part of the input. */
export function effectiveInput(ctx: StateContext, raw: unknown): unknown {
  if (ctx.language === 'JSONata') return raw;
  const path = ctx.state.InputPath;
  if (path === null) return {};
  if (path === undefined || path === '$') return raw;
  return readPath(path, pathScope(ctx, raw), 'InputPath');
}

/**
 * A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign):
 * a field ending in `.$` takes the value of its path or intrinsic.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */
export function payloadTemplate(
  template: unknown,
  scope: PathScope & { random?: () => number },
  field: string,
): unknown {
  return compileTemplate(template, field)(scope);
}

type Builder = (scope: PathScope & { random?: () => number }) => unknown;

// Templates are parts of the definition: each is compiled once, on first use.
const compiledTemplates = new WeakMap<object, Builder>();

function compileTemplate(template: unknown, field: string): Builder {
  if (template === null || typeof template !== 'object') return () => template;
  let builder = compiledTemplates.get(template);
  if (builder) return builder;
  if (Array.isArray(template)) {
    const items = template.map((v, i) => compileTemplate(v, `${field}[${i}]`));
    builder = (scope) => items.map((item) => item(scope));
  } else {
    const fields: [string, Builder][] = Object.entries(template).map(([key, value]) => {
      if (!key.endsWith('.$')) return [key, compileTemplate(value, `${field}.${key}`)];
      if (typeof value !== 'string')
        throw new StatesError(
          StatesErrors.RUNTIME,
          `The value of the field '${key}' in ${field} must be a path or an intrinsic function, got ${JSON.stringify(value)}.`,
        );
      const name = key.slice(0, -2);
      if (isIntrinsic(value)) return [name, (scope) => evaluateIntrinsic(value, scope)];
      const path = compilePath(value);
      return [
        name,
        (scope) => {
          const v = path(scope);
          return v === NOT_FOUND ? readPath(value, scope, `${field}.${key}`) : v;
        },
      ];
    });
    builder = (scope) => {
      const out: Record<string, unknown> = {};
      for (const [name, build] of fields) out[name] = build(scope);
      return out;
    };
  }
  compiledTemplates.set(template, builder);
  return builder;
}

/** Parameters (JSONPath) or Arguments (JSONata): what the state's work receives. */
export async function statePayload(ctx: StateContext, raw: unknown, effective: unknown) {
  if (ctx.language === 'JSONata') {
    const args = ctx.state.Arguments;
    return args === undefined
      ? raw
      : evaluateTemplate(args, jsonataScope(ctx, { input: raw }), 'Arguments');
  }
  const params = ctx.state.Parameters;
  return params === undefined
    ? effective
    : payloadTemplate(params, pathScope(ctx, effective), 'Parameters');
}

/**
 * Ends a state: ResultSelector, Assign, ResultPath and OutputPath (JSONPath),
 * or Assign and Output (JSONata). `result` is undefined for states without one
 * (Choice, Wait, Succeed), whose output is their input.
 */
export async function stateOutput(
  ctx: StateContext,
  raw: unknown,
  effective: unknown,
  result: unknown,
  hasResult: boolean,
  assign: unknown = ctx.state.Assign,
  output: unknown = ctx.state.Output,
): Promise<unknown> {
  if (ctx.language === 'JSONata') {
    const states: Record<string, unknown> = { input: raw };
    if (hasResult) states.result = result;
    const scope = jsonataScope(ctx, states);
    // Assign and Output both read the variables as they were on entering the state.
    const values =
      assign === undefined ? undefined : await evaluateTemplate(assign, scope, 'Assign');
    const out =
      output === undefined
        ? hasResult
          ? result
          : raw
        : await evaluateTemplate(output, scope, 'Output');
    if (values) Object.assign(ctx.frame.variables, values);
    return out;
  }
  let selected = result;
  if (hasResult && ctx.state.ResultSelector !== undefined)
    selected = payloadTemplate(ctx.state.ResultSelector, pathScope(ctx, result), 'ResultSelector');
  const values =
    assign === undefined
      ? undefined
      : (payloadTemplate(
          assign,
          pathScope(ctx, hasResult ? selected : effective),
          'Assign',
        ) as object);
  const placed = hasResult ? applyResultPath(raw, ctx.state.ResultPath, selected) : effective;
  const out = applyOutputPath(ctx, placed);
  if (values) Object.assign(ctx.frame.variables, values);
  return out;
}

/** OutputPath: `null` gives `{}`. */
export function applyOutputPath(ctx: StateContext, data: unknown): unknown {
  const path = ctx.state.OutputPath;
  if (path === null) return {};
  if (path === undefined || path === '$') return data;
  return readPath(path, pathScope(ctx, data), 'OutputPath');
}

/**
 * A number field with a path form (`TimeoutSeconds`/`TimeoutSecondsPath`), or
 * a JSONata expression in JSONata states. Undefined when neither is set.
 */
export async function numberField(
  ctx: StateContext,
  raw: unknown,
  effective: unknown,
  field: string,
): Promise<number | undefined> {
  const value = ctx.state[field];
  const path = ctx.state[`${field}Path`];
  let n: unknown;
  if (isExpression(value))
    n = await evaluateExpression(value, jsonataScope(ctx, { input: raw }), field);
  else if (value !== undefined) n = value;
  else if (typeof path === 'string') {
    n = compilePath(path)(pathScope(ctx, effective));
    if (n === NOT_FOUND) readPath(path, pathScope(ctx, effective), `${field}Path`);
  } else return undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new StatesError(
      isExpression(value) ? StatesErrors.QUERY_EVALUATION_ERROR : StatesErrors.RUNTIME,
      `The value of ${field}${path !== undefined && value === undefined ? 'Path' : ''} must be a non-negative integer, got ${JSON.stringify(n)}.`,
    );
  return n;
}

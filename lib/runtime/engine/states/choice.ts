import { StatesError, StatesErrors } from '../errors';
import { effectiveInput, jsonataScope, pathScope, stateOutput } from '../io';
import { evaluateExpression } from '../jsonata';
import { compilePath, NOT_FOUND, PathScope } from '../jsonpath';
import { Outcome, StateContext, StateDefinition } from '../types';

/**
 * Choice: goes to the Next of the first rule that matches, else to Default,
 * else fails with States.NoChoiceMatched.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
export async function runChoice(
  state: StateDefinition,
  raw: unknown,
  ctx: StateContext,
): Promise<Outcome> {
  const effective = effectiveInput(ctx, raw);
  for (const rule of (state.Choices ?? []) as Record<string, any>[]) {
    const matched =
      ctx.language === 'JSONata'
        ? await condition(ctx, raw, rule.Condition)
        : matchesRule(rule, pathScope(ctx, effective));
    if (matched) {
      // A rule may carry its own Assign and Output, used instead of the state's.
      const output = await stateOutput(
        ctx,
        raw,
        effective,
        undefined,
        false,
        rule.Assign ?? state.Assign,
        rule.Output ?? state.Output,
      );
      return { output, next: rule.Next };
    }
  }
  if (state.Default === undefined)
    throw new StatesError(
      StatesErrors.NO_CHOICE_MATCHED,
      `No Choice rule of the state '${ctx.name}' matched the input, and it has no Default.`,
    );
  return { output: await stateOutput(ctx, raw, effective, undefined, false), next: state.Default };
}

async function condition(ctx: StateContext, raw: unknown, text: unknown): Promise<boolean> {
  const value =
    typeof text === 'boolean'
      ? text
      : await evaluateExpression(String(text), jsonataScope(ctx, { input: raw }), 'Condition');
  if (typeof value !== 'boolean')
    throw new StatesError(
      StatesErrors.QUERY_EVALUATION_ERROR,
      `The Condition of a rule of the Choice state '${ctx.name}' gave ${JSON.stringify(value)}: a Condition must give true or false.`,
    );
  return value;
}

type Test = (value: unknown, operand: unknown) => boolean;

const isNumber = (v: unknown): v is number => typeof v === 'number';
const isString = (v: unknown): v is string => typeof v === 'string';
const isTimestamp = (v: unknown): v is string =>
  // RFC 3339: a date, 'T', a time, and a zone (Z or an offset).
  isString(v) &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
  !Number.isNaN(Date.parse(v));
const time = (v: string) => Date.parse(v);

function compare<T>(guard: (v: unknown) => v is T, cmp: (a: T, b: T) => boolean): Test {
  return (a, b) => guard(a) && guard(b) && cmp(a, b);
}

/**
 * The comparison operators, each with a `...Path` twin whose operand is a path.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html#amazon-states-language-choice-state-rules
 */
export const COMPARATORS: Record<string, Test> = {
  StringEquals: compare(isString, (a, b) => a === b),
  StringLessThan: compare(isString, (a, b) => a < b),
  StringGreaterThan: compare(isString, (a, b) => a > b),
  StringLessThanEquals: compare(isString, (a, b) => a <= b),
  StringGreaterThanEquals: compare(isString, (a, b) => a >= b),
  StringMatches: (a, b) => isString(a) && isString(b) && wildcard(b).test(a),
  NumericEquals: compare(isNumber, (a, b) => a === b),
  NumericLessThan: compare(isNumber, (a, b) => a < b),
  NumericGreaterThan: compare(isNumber, (a, b) => a > b),
  NumericLessThanEquals: compare(isNumber, (a, b) => a <= b),
  NumericGreaterThanEquals: compare(isNumber, (a, b) => a >= b),
  BooleanEquals: (a, b) => typeof a === 'boolean' && a === b,
  TimestampEquals: compare(isTimestamp, (a, b) => time(a) === time(b)),
  TimestampLessThan: compare(isTimestamp, (a, b) => time(a) < time(b)),
  TimestampGreaterThan: compare(isTimestamp, (a, b) => time(a) > time(b)),
  TimestampLessThanEquals: compare(isTimestamp, (a, b) => time(a) <= time(b)),
  TimestampGreaterThanEquals: compare(isTimestamp, (a, b) => time(a) >= time(b)),
  IsNull: (a, b) => (a === null) === b,
  IsNumeric: (a, b) => isNumber(a) === b,
  IsString: (a, b) => isString(a) === b,
  IsBoolean: (a, b) => (typeof a === 'boolean') === b,
  IsTimestamp: (a, b) => isTimestamp(a) === b,
};

const patterns = new Map<string, RegExp>();

/**
 * StringMatches: `*` stands for any characters, line breaks included; `\*`
 * is a literal star and `\\` a literal backslash.
 */
export function wildcard(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\'))
        source += '\\' + pattern[++i];
      else if (ch === '*') source += '[\\s\\S]*';
      else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`);
    patterns.set(pattern, re);
  }
  return re;
}

/** Whether a JSONPath Choice rule (with And/Or/Not nesting) matches. */
export function matchesRule(rule: Record<string, any>, scope: PathScope): boolean {
  if (rule.And) return (rule.And as Record<string, any>[]).every((r) => matchesRule(r, scope));
  if (rule.Or) return (rule.Or as Record<string, any>[]).some((r) => matchesRule(r, scope));
  if (rule.Not) return !matchesRule(rule.Not, scope);
  const variable = rule.Variable as string;
  const value = compilePath(variable)(scope);
  if ('IsPresent' in rule) return (value !== NOT_FOUND) === rule.IsPresent;
  for (const [key, operand] of Object.entries(rule)) {
    if (
      key === 'Variable' ||
      key === 'Next' ||
      key === 'Comment' ||
      key === 'Assign' ||
      key === 'Output'
    )
      continue;
    const byPath = key.endsWith('Path');
    const test = COMPARATORS[byPath ? key.slice(0, -4) : key];
    if (!test) continue;
    if (value === NOT_FOUND)
      throw new StatesError(
        StatesErrors.RUNTIME,
        `Invalid path '${variable}': The choice state's condition path references an invalid value.`,
      );
    let against = operand;
    if (byPath) {
      against = compilePath(operand as string)(scope);
      if (against === NOT_FOUND)
        throw new StatesError(
          StatesErrors.RUNTIME,
          `Invalid path '${operand}': The choice state's condition path references an invalid value.`,
        );
    }
    return test(value, against);
  }
  throw new StatesError(
    StatesErrors.RUNTIME,
    `A rule on '${variable}' has no comparison operator such as StringEquals or IsPresent.`,
  );
}

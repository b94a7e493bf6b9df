/**
 * Amazon EventBridge event-pattern content filtering, evaluated locally.
 *
 * The semantics follow the EventBridge user guide and, where the guide is silent, the
 * behaviour of AWS Event Ruler (the open-source matching engine behind EventBridge), so
 * that a unit test can tell whether a rule would fire without deploying it.
 *
 * What a valid pattern is (operators, operands, limits) is decided by the grammar shared
 * with the constructs, in `lib/routing/event-pattern-grammar.ts`; this file only matches.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */

import {
  ANYTHING_BUT_FORMS,
  CidrBlock,
  EventPatternScalar,
  IGNORE_CASE,
  isPlainObject,
  isScalar,
  NUMERIC_LIMIT,
  NumericRange,
  OperatorName,
  OR_KEY,
  parseCidr,
  parseIpAddress,
  parseNumericRange,
  toFixedPoint,
  validateEventPattern,
} from '../routing/event-pattern-grammar';

export { validateEventPattern };
export type { EventPatternScalar };

type StringOrIgnoreCase = string | { readonly 'equals-ignore-case': string };
type StringOrStrings = string | readonly string[];

/**
 * A comparison operator object such as `{ prefix: 'us-' }` or `{ numeric: ['>', 0] }`.
 *
 * Each object names exactly one operator; combining conditions on one field is done by
 * listing several objects in the field's array (OR) or by `$or` across fields.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export type EventPatternOperator =
  | { readonly prefix: StringOrIgnoreCase }
  | { readonly suffix: StringOrIgnoreCase }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | {
      readonly 'anything-but':
        | string
        | number
        | readonly string[]
        | readonly number[]
        | { readonly prefix: StringOrStrings }
        | { readonly suffix: StringOrStrings }
        | { readonly 'equals-ignore-case': StringOrStrings }
        | { readonly wildcard: StringOrStrings };
    }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean }
  | { readonly cidr: string };

/**
 * An EventBridge event pattern: nested objects mirroring the event, with arrays at the leaves.
 *
 * Keys are ANDed, values inside a leaf array are ORed, and the special `$or` key holds an
 * array of alternative sub-patterns evaluated against the same level of the event.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export interface EventPattern {
  readonly [field: string]:
    EventPattern | readonly (EventPatternScalar | EventPatternOperator)[] | readonly EventPattern[];
}

/** A JSON leaf value found in an event. */
type Leaf = EventPatternScalar;

/** How a pattern operator, once validated, tests the leaves of an event field. */
interface OperatorMatcher {
  matches(operand: unknown, values: readonly Leaf[]): boolean;
}

/**
 * Decide whether an event matches an event pattern the way EventBridge would.
 *
 * Both arguments may be given as JSON text or as already-parsed objects. The pattern is
 * validated first so that a malformed pattern fails loudly rather than never matching —
 * EventBridge itself would reject it at `PutRule` time.
 *
 * @param pattern - the event pattern (object or JSON string)
 * @param event - the full event, including top-level fields such as `source` and `detail`
 * @returns true when every field condition of the pattern is satisfied
 * @throws Error whose message starts with `Invalid event pattern:` when the pattern is invalid,
 *   or with `Invalid event:` when the event is not a JSON object
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function matchesEventPattern(
  pattern: EventPattern | string,
  event: Record<string, unknown> | string,
): boolean {
  let parsed: Record<string, unknown>;
  try {
    parsed = typeof pattern === 'string' ? JSON.parse(pattern) : pattern;
  } catch (error) {
    throw new Error(`Invalid event pattern: not valid JSON (${(error as Error).message})`);
  }
  // A pattern object is validated once; a router matches it against every event.
  if (!VALIDATED.has(parsed)) {
    const problems = validateEventPattern(parsed);
    if (problems.length > 0) {
      throw new Error(`Invalid event pattern: ${problems.join('; ')}`);
    }
    VALIDATED.add(parsed);
  }
  return matchObject(parsed, parseEvent(event));
}

/** Pattern objects already validated (patterns are not mutated once built). */
const VALIDATED = new WeakSet<object>();

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

function parseEvent(event: Record<string, unknown> | string): Record<string, unknown> {
  let parsed: unknown = event;
  if (typeof event === 'string') {
    try {
      parsed = JSON.parse(event);
    } catch (error) {
      throw new Error(`Invalid event: not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isPlainObject(parsed)) {
    throw new Error('Invalid event: must be a JSON object');
  }
  return parsed;
}

function matchObject(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, condition]) => {
    if (key === OR_KEY) {
      return (condition as Record<string, unknown>[]).some((branch) => matchObject(branch, event));
    }
    const value = Object.prototype.hasOwnProperty.call(event, key) ? event[key] : undefined;
    return Array.isArray(condition)
      ? matchLeaf(condition, leafValues(value))
      : matchNested(condition as Record<string, unknown>, value);
  });
}

// A sub-pattern must be satisfied within a single element of an array of objects, so that
// `{ firstName: ["Anna"], lastName: ["Jones"] }` cannot pair fields of different employees.
// When there is no object to descend into, only absence checks (`exists: false`) can hold.
function matchNested(pattern: Record<string, unknown>, value: unknown): boolean {
  const candidates = flatten(value).filter(isPlainObject);
  return candidates.length === 0
    ? matchObject(pattern, {})
    : candidates.some((candidate) => matchObject(pattern, candidate));
}

function matchLeaf(conditions: readonly unknown[], values: readonly Leaf[]): boolean {
  return conditions.some((condition) => {
    if (!isPlainObject(condition)) {
      return values.some((value) => equalsScalar(condition as Leaf, value));
    }
    const [name, operand] = Object.entries(condition)[0];
    return OPERATORS[name as OperatorName].matches(operand, values);
  });
}

// Only scalars count as leaves: an object (or an array of objects) in place of a leaf is
// an intermediate node, which is why `exists: false` matches it.
function leafValues(value: unknown): Leaf[] {
  return flatten(value).filter(isScalar);
}

function flatten(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

// Numbers compare by value (300 matches 300.0) because both sides are parsed JSON numbers.
function equalsScalar(expected: Leaf, actual: Leaf): boolean {
  if (typeof expected === 'string' && typeof actual === 'string') {
    // EventBridge compiles IP-address literals to address ranges, so 2001:db8::1 and
    // 2001:0db8:0:0:0:0:0:1 are the same value.
    return expected === actual || sameIpAddress(expected, actual);
  }
  return expected === actual;
}

function inNumericLimit(value: number): boolean {
  return Math.abs(value) <= NUMERIC_LIMIT;
}

// ---------------------------------------------------------------------------
// Operator table
// ---------------------------------------------------------------------------

type StringTest = (expected: string, actual: string) => boolean;

/** String comparisons shared by the positive operators and their anything-but forms. */
const STRING_TESTS: Record<(typeof ANYTHING_BUT_FORMS)[number], StringTest> = {
  prefix: (expected, actual) => actual.startsWith(expected),
  suffix: (expected, actual) => actual.endsWith(expected),
  [IGNORE_CASE]: (expected, actual) => foldCase(actual, expected, (a, e) => a === e),
  wildcard: (expected, actual) => wildcardToRegExp(expected).test(actual),
};

function anyString(values: readonly Leaf[], test: (value: string) => boolean): boolean {
  return values.some((value) => typeof value === 'string' && test(value));
}

function matchAffix(kind: 'prefix' | 'suffix'): OperatorMatcher['matches'] {
  return (operand, values) => {
    if (typeof operand === 'string') {
      return anyString(values, (value) => STRING_TESTS[kind](operand, value));
    }
    const expected = (operand as Record<string, string>)[IGNORE_CASE];
    const test = kind === 'prefix' ? startsWith : endsWith;
    return anyString(values, (value) => foldCase(value, expected, test));
  };
}

const startsWith = (actual: string, expected: string): boolean => actual.startsWith(expected);
const endsWith = (actual: string, expected: string): boolean => actual.endsWith(expected);

/**
 * Every operator of the grammar. Keyed by the grammar's operator names, so an operator can
 * never be accepted by the validator but unknown to the matcher.
 */
const OPERATORS: Record<OperatorName, OperatorMatcher> = {
  prefix: { matches: matchAffix('prefix') },
  suffix: { matches: matchAffix('suffix') },
  [IGNORE_CASE]: {
    matches: (operand, values) =>
      anyString(values, (value) => STRING_TESTS[IGNORE_CASE](operand as string, value)),
  },
  wildcard: {
    matches: (operand, values) =>
      anyString(values, (value) => STRING_TESTS.wildcard(operand as string, value)),
  },
  // Anything-but needs a value to reject, so a missing field never satisfies it; a value of
  // another type than the excluded ones (e.g. a number against a string) is not excluded.
  'anything-but': {
    matches: (operand, values) => values.some((value) => !isExcluded(operand, value)),
  },
  numeric: {
    matches: (operand, values) => {
      const range = parseNumericRange(operand) as NumericRange;
      return values.some((value) => typeof value === 'number' && inRange(range, value));
    },
  },
  exists: {
    matches: (operand, values) => values.length > 0 === operand,
  },
  cidr: {
    matches: (operand, values) => {
      const block = parseCidr(operand as string) as CidrBlock;
      return anyString(values, (value) => inCidrBlock(block, value));
    },
  },
};

function isExcluded(operand: unknown, value: Leaf): boolean {
  if (Array.isArray(operand)) {
    return operand.includes(value);
  }
  if (isPlainObject(operand)) {
    const [name, expected] = Object.entries(operand)[0];
    const list = (Array.isArray(expected) ? expected : [expected]) as string[];
    const test = STRING_TESTS[name as keyof typeof STRING_TESTS];
    return anyString([value], (actual) => list.some((item) => test(item, actual)));
  }
  return value === operand;
}

// Case-insensitive comparison that tolerates characters whose lower- and upper-case forms
// do not round-trip (e.g. the German sharp s), as EventBridge tries both foldings.
function foldCase(
  actual: string,
  expected: string,
  test: (actual: string, expected: string) => boolean,
): boolean {
  return (
    test(actual.toLowerCase(), expected.toLowerCase()) ||
    test(actual.toUpperCase(), expected.toUpperCase())
  );
}

function wildcardToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*') {
      source += '[\\s\\S]*';
    } else {
      const literal = pattern[i] === '\\' ? pattern[++i] : pattern[i];
      source += literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function inRange(range: NumericRange, value: number): boolean {
  if (!inNumericLimit(value)) return false;
  const point = toFixedPoint(value);
  const aboveLower = range.lowerOpen ? point > range.lower : point >= range.lower;
  const belowUpper = range.upperOpen ? point < range.upper : point <= range.upper;
  return aboveLower && belowUpper;
}

function inCidrBlock(block: CidrBlock, value: string): boolean {
  const address = parseIpAddress(value);
  return (
    address !== undefined &&
    address.length === block.first.length &&
    compareBytes(address, block.first) >= 0 &&
    compareBytes(address, block.last) <= 0
  );
}

function sameIpAddress(a: string, b: string): boolean {
  // Most compared strings are not addresses: skip parsing unless both could be.
  if (!MAYBE_IP.test(a) || !MAYBE_IP.test(b)) return false;
  const first = parseIpAddress(a);
  const second = parseIpAddress(b);
  return first !== undefined && second !== undefined && compareBytes(first, second) === 0;
}

const MAYBE_IP = /^[0-9A-Fa-f:.]+$/;

function compareBytes(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  const index = a.findIndex((byte, i) => byte !== b[i]);
  return index === -1 ? 0 : a[index] - b[index];
}

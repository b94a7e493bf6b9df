/**
 * Amazon EventBridge event-pattern content filtering, evaluated locally.
 *
 * The semantics follow the EventBridge user guide and, where the guide is silent, the
 * behaviour of AWS Event Ruler (the open-source matching engine behind EventBridge), so
 * that a unit test can tell whether a rule would fire without deploying it.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */

/**
 * A JSON scalar a pattern can compare an event field against.
 *
 * Scalars in a pattern match by equality; `null` only matches `null` and `""` only matches
 * the empty string, because EventBridge does not treat them as interchangeable.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export type EventPatternScalar = string | number | boolean | null;

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

/** A pattern operator: how to check its operand once, and how to test event leaves. */
interface OperatorSpec {
  validate(operand: unknown): string[];
  matches(operand: unknown, values: readonly Leaf[]): boolean;
}

/** Inclusive/exclusive bounds in millionths, the unit EventBridge compares numbers in. */
interface NumericRange {
  readonly lower: number;
  readonly lowerOpen: boolean;
  readonly upper: number;
  readonly upperOpen: boolean;
}

// EventBridge's default quota for an event pattern; it can be raised to 4096 on request.
const MAX_PATTERN_LENGTH = 2048;
// Numbers are compared as fixed-point values: ±5.0e9 with six decimal places.
const NUMERIC_LIMIT = 5e9;
const NUMERIC_DECIMALS = 6;
const NUMERIC_SCALE = 10 ** NUMERIC_DECIMALS;
const OR_KEY = '$or';
const IGNORE_CASE = 'equals-ignore-case';

// Event Ruler refuses these as field names inside `$or`, so a typo such as
// `{ "$or": [{ "prefix": "a" }, ...] }` is reported instead of silently never matching.
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
]);

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

/**
 * List the reasons EventBridge would reject an event pattern.
 *
 * Mirrors the checks made when a rule is created: the pattern must be a non-empty JSON
 * object no longer than 2048 characters, every leaf must be a non-empty array, and every
 * operator must be known and carry a well-formed operand. An empty list means valid.
 *
 * @param pattern - a candidate pattern, as an object or as JSON text
 * @returns human-readable problems, each prefixed with the dotted path it concerns
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function validateEventPattern(pattern: unknown): string[] {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      return [`Event pattern is not valid JSON: ${(error as Error).message}`];
    }
  }
  if (!isPlainObject(parsed)) {
    return ['Event pattern must be a JSON object'];
  }
  if (Object.keys(parsed).length === 0) {
    return ['Event pattern must not be empty'];
  }
  return [...lengthProblems(pattern, parsed), ...validateObject(parsed, '', false)];
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

function lengthProblems(raw: unknown, parsed: object): string[] {
  const length = typeof raw === 'string' ? raw.length : JSON.stringify(parsed).length;
  return length > MAX_PATTERN_LENGTH
    ? [`Event pattern is ${length} characters long; the maximum is ${MAX_PATTERN_LENGTH}`]
    : [];
}

function validateObject(node: Record<string, unknown>, path: string, insideOr: boolean): string[] {
  if (Object.keys(node).length === 0) {
    return [`${path}: empty objects are not allowed`];
  }
  return Object.entries(node).flatMap(([key, value]) => {
    const keyPath = path ? `${path}.${key}` : key;
    if (key === OR_KEY) return validateOr(value, keyPath);
    if (insideOr && RESERVED_IN_OR.has(key)) {
      return [`${keyPath}: "${key}" is an operator name and cannot be a field name inside $or`];
    }
    if (Array.isArray(value)) return validateLeaf(value, keyPath);
    if (isPlainObject(value)) return validateObject(value, keyPath, insideOr);
    return [`${keyPath}: must be an object or an array, got ${typeOf(value)}`];
  });
}

function validateOr(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.length < 2) {
    return [`${path}: must be an array of at least 2 sub-patterns`];
  }
  return value.flatMap((branch, index) =>
    isPlainObject(branch)
      ? validateObject(branch, `${path}[${index}]`, true)
      : [`${path}[${index}]: each $or entry must be an object, got ${typeOf(branch)}`],
  );
}

function validateLeaf(values: readonly unknown[], path: string): string[] {
  if (values.length === 0) {
    return [`${path}: empty arrays are not allowed`];
  }
  return values.flatMap((value) => {
    if (isScalar(value)) return numberIsFinite(value) ? [] : [`${path}: numbers must be finite`];
    if (isPlainObject(value)) return validateOperator(value, path);
    return [`${path}: match values must be a string, number, boolean, null or operator object`];
  });
}

function validateOperator(expression: Record<string, unknown>, path: string): string[] {
  const names = Object.keys(expression);
  if (names.length !== 1) {
    return [`${path}: an operator object must have exactly one key, got ${names.length}`];
  }
  const name = names[0];
  if (!Object.hasOwn(OPERATORS, name)) {
    return [`${path}: unknown operator "${name}"`];
  }
  return OPERATORS[name].validate(expression[name]).map((problem) => `${path}: ${name} ${problem}`);
}

function validateStringOrIgnoreCase(operand: unknown): string[] {
  if (typeof operand === 'string') return [];
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length === 1 && keys[0] === IGNORE_CASE && typeof operand[IGNORE_CASE] === 'string') {
      return [];
    }
  }
  return [`value must be a string or { "${IGNORE_CASE}": string }`];
}

function validateString(operand: unknown): string[] {
  return typeof operand === 'string' ? [] : [`value must be a string, got ${typeOf(operand)}`];
}

function validateWildcard(operand: unknown): string[] {
  if (typeof operand !== 'string') return [`value must be a string, got ${typeOf(operand)}`];
  const problem = wildcardSyntaxProblem(operand);
  return problem ? [problem] : [];
}

function validateExists(operand: unknown): string[] {
  return typeof operand === 'boolean' ? [] : ['value must be true or false'];
}

function validateCidr(operand: unknown): string[] {
  if (typeof operand !== 'string') return [`value must be a string, got ${typeOf(operand)}`];
  const parsed = parseCidr(operand);
  return typeof parsed === 'string' ? [parsed] : [];
}

function validateNumeric(operand: unknown): string[] {
  const parsed = parseNumericRange(operand);
  return typeof parsed === 'string' ? [parsed] : [];
}

function validateAnythingBut(operand: unknown): string[] {
  if (typeof operand === 'string') return [];
  if (typeof operand === 'number') return numericOperandProblems(operand);
  if (Array.isArray(operand)) return validateAnythingButList(operand);
  if (isPlainObject(operand)) return validateAnythingButObject(operand);
  return [`value must be a string, a number, a list, or an operator object`];
}

function validateAnythingButList(list: readonly unknown[]): string[] {
  const allStrings = list.every((item) => typeof item === 'string');
  const allNumbers = list.every((item) => typeof item === 'number');
  if (list.length === 0 || (!allStrings && !allNumbers)) {
    return ['list must be non-empty and contain only strings or only numbers'];
  }
  return allNumbers ? list.flatMap((item) => numericOperandProblems(item as number)) : [];
}

function validateAnythingButObject(operand: Record<string, unknown>): string[] {
  const names = Object.keys(operand);
  const name = names[0];
  if (names.length !== 1 || !Object.hasOwn(STRING_TESTS, name)) {
    return [`object must have exactly one of: ${Object.keys(STRING_TESTS).join(', ')}`];
  }
  const values = operand[name];
  const list = Array.isArray(values) ? values : [values];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) {
    return [`${name} must be a string or a non-empty list of strings`];
  }
  return list.flatMap((item: string) => anythingButItemProblems(name, item));
}

function anythingButItemProblems(name: string, item: string): string[] {
  if ((name === 'prefix' || name === 'suffix') && item === '') {
    return [`${name} must not be empty`];
  }
  const problem = name === 'wildcard' ? wildcardSyntaxProblem(item) : undefined;
  return problem ? [problem] : [];
}

function numericOperandProblems(value: unknown): string[] {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return [`expects finite numbers, got ${typeOf(value)}`];
  }
  if (Math.abs(value) > NUMERIC_LIMIT) {
    return [`value ${value} is outside the supported range -5e9..5e9`];
  }
  if (Number(value.toFixed(NUMERIC_DECIMALS)) !== value) {
    return [`value ${value} has more than ${NUMERIC_DECIMALS} decimal places`];
  }
  return [];
}

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
    return OPERATORS[name].matches(operand, values);
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

function toFixedPoint(value: number): number {
  return Math.round(value * NUMERIC_SCALE);
}

// ---------------------------------------------------------------------------
// Operator table
// ---------------------------------------------------------------------------

type StringTest = (expected: string, actual: string) => boolean;

/** String comparisons shared by the positive operators and their anything-but forms. */
const STRING_TESTS: Record<string, StringTest> = {
  prefix: (expected, actual) => actual.startsWith(expected),
  suffix: (expected, actual) => actual.endsWith(expected),
  [IGNORE_CASE]: (expected, actual) => foldCase(actual, expected, (a, e) => a === e),
  wildcard: (expected, actual) => wildcardToRegExp(expected).test(actual),
};

function anyString(values: readonly Leaf[], test: (value: string) => boolean): boolean {
  return values.some((value) => typeof value === 'string' && test(value));
}

function matchAffix(kind: 'prefix' | 'suffix'): OperatorSpec['matches'] {
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
 * Every supported operator. Keeping validation next to matching means an operator can never
 * be accepted by the validator but unknown to the matcher.
 */
const OPERATORS: Record<string, OperatorSpec> = {
  prefix: { validate: validateStringOrIgnoreCase, matches: matchAffix('prefix') },
  suffix: { validate: validateStringOrIgnoreCase, matches: matchAffix('suffix') },
  [IGNORE_CASE]: {
    validate: validateString,
    matches: (operand, values) =>
      anyString(values, (value) => STRING_TESTS[IGNORE_CASE](operand as string, value)),
  },
  wildcard: {
    validate: validateWildcard,
    matches: (operand, values) =>
      anyString(values, (value) => STRING_TESTS.wildcard(operand as string, value)),
  },
  // Anything-but needs a value to reject, so a missing field never satisfies it; a value of
  // another type than the excluded ones (e.g. a number against a string) is not excluded.
  'anything-but': {
    validate: validateAnythingBut,
    matches: (operand, values) => values.some((value) => !isExcluded(operand, value)),
  },
  numeric: {
    validate: validateNumeric,
    matches: (operand, values) => {
      const range = parseNumericRange(operand) as NumericRange;
      return values.some((value) => typeof value === 'number' && inRange(range, value));
    },
  },
  exists: {
    validate: validateExists,
    matches: (operand, values) => values.length > 0 === operand,
  },
  cidr: {
    validate: validateCidr,
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
    return anyString([value], (actual) => list.some((item) => STRING_TESTS[name](item, actual)));
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

// ---------------------------------------------------------------------------
// Wildcards
// ---------------------------------------------------------------------------

function wildcardSyntaxProblem(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*' && pattern[i + 1] === '*') {
      return `has consecutive wildcard characters at position ${i}`;
    }
    if (pattern[i] === '\\') {
      if (pattern[i + 1] !== '*' && pattern[i + 1] !== '\\') {
        return `has an invalid escape at position ${i}; only \\* and \\\\ are allowed`;
      }
      i++;
    }
  }
  return undefined;
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

// ---------------------------------------------------------------------------
// Numeric ranges
// ---------------------------------------------------------------------------

const LOWER_OPERATORS = new Set(['>', '>=']);
const UPPER_OPERATORS = new Set(['<', '<=']);

function parseNumericRange(operand: unknown): NumericRange | string {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    return 'value must be an array like [">", 0] or [">", 0, "<=", 5]';
  }
  const [operator, value, upperOperator, upperValue] = operand as unknown[];
  const problem =
    numericTermProblem(operator, value) ?? numericTermProblem(upperOperator, upperValue);
  if (problem) return problem;
  if (operand.length === 2) return singleBound(operator as string, value as number);
  if (!LOWER_OPERATORS.has(operator as string) || !UPPER_OPERATORS.has(upperOperator as string)) {
    return 'range must be a lower bound (> or >=) followed by an upper bound (< or <=)';
  }
  return checkedRange(
    operator as string,
    value as number,
    upperOperator as string,
    upperValue as number,
  );
}

function numericTermProblem(operator: unknown, value: unknown): string | undefined {
  if (operator === undefined && value === undefined) return undefined;
  if (
    typeof operator !== 'string' ||
    !['=', ...LOWER_OPERATORS, ...UPPER_OPERATORS].includes(operator)
  ) {
    return `has unknown comparison operator ${JSON.stringify(operator)}`;
  }
  return numericOperandProblems(value)[0];
}

function singleBound(operator: string, value: number): NumericRange | string {
  if (operator === '=') {
    const point = toFixedPoint(value);
    return { lower: point, lowerOpen: false, upper: point, upperOpen: false };
  }
  return LOWER_OPERATORS.has(operator)
    ? checkedRange(operator, value, '<=', NUMERIC_LIMIT)
    : checkedRange('>=', -NUMERIC_LIMIT, operator, value);
}

function checkedRange(
  lowerOperator: string,
  lower: number,
  upperOperator: string,
  upper: number,
): NumericRange | string {
  if (lower >= upper) {
    return `range lower bound ${lower} must be less than upper bound ${upper}`;
  }
  return {
    lower: toFixedPoint(lower),
    lowerOpen: lowerOperator === '>',
    upper: toFixedPoint(upper),
    upperOpen: upperOperator === '<',
  };
}

function inRange(range: NumericRange, value: number): boolean {
  if (!inNumericLimit(value)) return false;
  const point = toFixedPoint(value);
  const aboveLower = range.lowerOpen ? point > range.lower : point >= range.lower;
  const belowUpper = range.upperOpen ? point < range.upper : point <= range.upper;
  return aboveLower && belowUpper;
}

// ---------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------

/** First and last address of a block, as bytes (4 for IPv4, 16 for IPv6). */
interface CidrBlock {
  readonly first: readonly number[];
  readonly last: readonly number[];
}

function parseCidr(cidr: string): CidrBlock | string {
  const parts = cidr.split('/');
  if (parts.length !== 2 || !/^\d+$/.test(parts[1])) {
    return `value "${cidr}" must look like "10.0.0.0/24" or "2001:db8::/64"`;
  }
  const address = parseIpAddress(parts[0]);
  if (!address) return `value "${cidr}" does not start with a valid IPv4 or IPv6 address`;
  const bits = Number(parts[1]);
  // Event Ruler rejects host-sized masks; an exact address is matched with a plain string.
  const maxBits = address.length * 8 - 1;
  if (bits > maxBits)
    return `mask /${bits} must be at most /${maxBits}; match a single address exactly`;
  return { first: address, last: address.map((byte, i) => byte | hostMask(bits, i)) };
}

function hostMask(prefixBits: number, byteIndex: number): number {
  const networkBitsInByte = Math.min(8, Math.max(0, prefixBits - byteIndex * 8));
  return 0xff >> networkBitsInByte;
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

function parseIpAddress(text: string): number[] | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): number[] | undefined {
  const octets = text.split('.');
  if (octets.length !== 4 || !octets.every((octet) => /^\d{1,3}$/.test(octet))) return undefined;
  const bytes = octets.map(Number);
  return bytes.every((byte) => byte <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = ipv6Groups(halves[0]);
  const tail = halves.length === 2 ? ipv6Groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

function ipv6Groups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  return groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))
    ? groups.map((group) => parseInt(group, 16))
    : undefined;
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Leaf {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function numberIsFinite(value: Leaf): boolean {
  return typeof value !== 'number' || Number.isFinite(value);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

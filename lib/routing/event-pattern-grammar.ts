/**
 * The grammar of Amazon EventBridge event patterns: what `PutRule` accepts.
 *
 * One checker for the whole library: `context.on(event, { filter })` refuses a
 * filter that EventBridge would refuse (or that would never match) at synth
 * time, and the local runtime's matcher (`lib/runtime/event-pattern.ts`)
 * validates every pattern with it before matching. aws-cdk-lib's own
 * validator only warns, and unit tests and local runs turn it off.
 *
 * Written from AWS's pages (and, where they are silent, from Event Ruler, the
 * open-source engine EventBridge runs):
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */

/**
 * A JSON scalar a pattern can compare an event field against.
 *
 * Scalars in a pattern match by equality; `null` only matches `null` and `""` only matches
 * the empty string, because EventBridge does not treat them as interchangeable.
 */
export type EventPatternScalar = string | number | boolean | null;

/** The forms `anything-but` takes as an object ("Anything-but (begins with)", …). */
export const ANYTHING_BUT_FORMS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'] as const;

/**
 * Every comparison operator of the "Comparison operators for use in event
 * patterns" table, with the operand AWS documents for it. An operator object
 * names exactly one of them: `{ "prefix": "us-" }`.
 *
 * | operator | operand |
 * |---|---|
 * | `prefix`, `suffix` | a string, or `{ "equals-ignore-case": string }` (begins/ends with, ignore case) |
 * | `equals-ignore-case` | a string |
 * | `wildcard` | a string where `*` matches anything; `\*` and `\\` escape, `**` is refused |
 * | `anything-but` | a string, a number, a non-empty list of strings or of numbers, or `{ prefix \| suffix \| equals-ignore-case \| wildcard: string or list of strings }` |
 * | `numeric` | `[op, n]` with op one of `=` `<` `<=` `>` `>=`, or a range `[">" or ">=", n, "<" or "<=", m]` with n < m; numbers within ±5.0e9, six decimals |
 * | `exists` | `true` or `false` |
 * | `cidr` | an IPv4 or IPv6 block, `10.0.0.0/24` |
 *
 * Besides operators, a leaf array lists scalars (exact match, `""` for empty,
 * `null`), and `$or` holds at least two sub-patterns.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export const OPERATOR_GRAMMAR = {
  prefix: { validate: validateStringOrIgnoreCase },
  suffix: { validate: validateStringOrIgnoreCase },
  'equals-ignore-case': { validate: validateString },
  wildcard: { validate: validateWildcard },
  'anything-but': { validate: validateAnythingBut },
  numeric: { validate: validateNumeric },
  exists: { validate: validateExists },
  cidr: { validate: validateCidr },
} satisfies Record<string, { validate(operand: unknown): string[] }>;

/** The name of a comparison operator. */
export type OperatorName = keyof typeof OPERATOR_GRAMMAR;

/** Inclusive/exclusive bounds in millionths, the unit EventBridge compares numbers in. */
export interface NumericRange {
  readonly lower: number;
  readonly lowerOpen: boolean;
  readonly upper: number;
  readonly upperOpen: boolean;
}

// EventBridge's default quota for an event pattern; it can be raised to 4096 on request.
const MAX_PATTERN_LENGTH = 2048;
// Numbers are compared as fixed-point values: ±5.0e9 with six decimal places.
export const NUMERIC_LIMIT = 5e9;
const NUMERIC_DECIMALS = 6;
const NUMERIC_SCALE = 10 ** NUMERIC_DECIMALS;
export const OR_KEY = '$or';
export const IGNORE_CASE = 'equals-ignore-case';

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
  return [...lengthProblems(pattern, parsed), ...patternContentProblems(parsed)];
}

/**
 * The problems of a pattern object's fields and operators, without the length
 * limit: for a part of a pattern (a content filter) whose whole is checked elsewhere.
 */
export function patternContentProblems(pattern: Record<string, unknown>): string[] {
  return validateObject(pattern, '', false);
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
  if (!Object.hasOwn(OPERATOR_GRAMMAR, name)) {
    return [
      `${path}: unknown operator "${name}"; EventBridge knows ${Object.keys(OPERATOR_GRAMMAR).join(', ')}`,
    ];
  }
  return OPERATOR_GRAMMAR[name as OperatorName]
    .validate(expression[name])
    .map((problem) => `${path}: ${name} ${problem}`);
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
  if (names.length !== 1 || !(ANYTHING_BUT_FORMS as readonly string[]).includes(name)) {
    return [`object must have exactly one of: ${ANYTHING_BUT_FORMS.join(', ')}`];
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

/** A number as EventBridge compares it: in millionths. */
export function toFixedPoint(value: number): number {
  return Math.round(value * NUMERIC_SCALE);
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

// ---------------------------------------------------------------------------
// Numeric ranges
// ---------------------------------------------------------------------------

const LOWER_OPERATORS = new Set(['>', '>=']);
const UPPER_OPERATORS = new Set(['<', '<=']);

/** The range a `numeric` operand describes, or the reason EventBridge would refuse it. */
export function parseNumericRange(operand: unknown): NumericRange | string {
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

// ---------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------

/** First and last address of a block, as bytes (4 for IPv4, 16 for IPv6). */
export interface CidrBlock {
  readonly first: readonly number[];
  readonly last: readonly number[];
}

/** The addresses a `cidr` operand covers, or the reason EventBridge would refuse it. */
export function parseCidr(cidr: string): CidrBlock | string {
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

/** An IPv4 or IPv6 address as bytes, or undefined when the text is not one. */
export function parseIpAddress(text: string): number[] | undefined {
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

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON scalar: what a pattern's array can list besides operators. */
export function isScalar(value: unknown): value is EventPatternScalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function numberIsFinite(value: EventPatternScalar): boolean {
  return typeof value !== 'number' || Number.isFinite(value);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

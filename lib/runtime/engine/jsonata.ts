import { createHash, randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { StatesError, StatesErrors } from './errors';
import { seeded } from './intrinsics';

/**
 * JSONata as JSONata states use it: `{% expression %}` strings, anywhere in a
 * field's value, evaluated by the `jsonata` package with `$states` and the
 * workflow variables bound, plus the functions Step Functions adds. The
 * package is pinned to 2.0.6, the version Step Functions implements.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */

/** What an expression sees besides its own text. */
export interface JsonataScope {
  /** `$states`: input, result, errorOutput, context. */
  readonly states: Record<string, unknown>;
  /** Workflow variables, each bound as `$name`. */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** The clock's time in ms, for `$now()` and `$millis()`. */
  readonly now?: () => number;
  /** Randomness for `$random()` without a seed and `$uuid()`. */
  readonly random?: () => number;
}

const compiled = new Map<string, jsonata.Expression>();

/** Whether a value is a JSONata expression string: starts with `{%` and ends with `%}`. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}');
}

/** Evaluates one `{% ... %}` string. */
export async function evaluateExpression(
  text: string,
  scope: JsonataScope,
  field: string,
): Promise<unknown> {
  const body = text.slice(2, -2);
  let expression = compiled.get(body);
  if (!expression) {
    try {
      expression = jsonata(body);
    } catch (error) {
      throw queryError(field, text, error);
    }
    for (const [name, fn, signature] of AWS_FUNCTIONS)
      expression.registerFunction(name, fn, signature);
    compiled.set(body, expression);
  }
  const bindings: Record<string, unknown> = {};
  // for...in, not a spread: an inner scope's variables inherit the outer ones through the prototype.
  for (const name in scope.variables) bindings[name] = scope.variables[name];
  bindings.states = scope.states;
  const clock = scope.now;
  if (clock) {
    bindings.now = () => new Date(clock()).toISOString();
    bindings.millis = () => clock();
  }
  const random = scope.random ?? Math.random;
  bindings.random = (seed?: number) => (seed === undefined ? random() : seeded(seed)());
  bindings.uuid = () => (scope.random ? uuidFrom(random) : randomUUID());
  // "$eval is not supported in Step Functions workflows": $parse stands in for it.
  bindings.eval = () =>
    fail('$eval', 'not supported in Step Functions; use $parse() to read a JSON string');
  let value: unknown;
  try {
    value = await expression.evaluate(undefined, bindings);
  } catch (error) {
    throw queryError(field, text, error);
  }
  if (value === undefined)
    throw new StatesError(
      StatesErrors.QUERY_EVALUATION_ERROR,
      `The JSONata expression '${body.trim()}' specified for the field '${field}' returned nothing. A field needs a value: check the names it reads, or give a default with ?: or $exists().`,
    );
  return plain(value);
}

/**
 * Evaluates every `{% %}` string inside `template` (an object, array or
 * string), keeping the other values as they are.
 */
export async function evaluateTemplate(
  template: unknown,
  scope: JsonataScope,
  field: string,
): Promise<unknown> {
  if (typeof template === 'string')
    return isExpression(template) ? evaluateExpression(template, scope, field) : template;
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (let i = 0; i < template.length; i++)
      out.push(await evaluateTemplate(template[i], scope, `${field}[${i}]`));
    return out;
  }
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template))
      out[key] = await evaluateTemplate(value, scope, `${field}.${key}`);
    return out;
  }
  return template;
}

function queryError(field: string, text: string, error: unknown): StatesError {
  // jsonata throws plain objects ({ code, message, position, ... }), `$error()` included.
  const carried = (error as { message?: unknown } | null)?.message;
  const message = typeof carried === 'string' ? carried : String(error);
  return new StatesError(
    StatesErrors.QUERY_EVALUATION_ERROR,
    `An error occurred while evaluating the JSONata expression '${text}' specified for the field '${field}': ${message}`,
  );
}

/**
 * JSONata sequences carry marker properties and results may hold functions;
 * a state's data is plain JSON. A value that holds neither is returned as it
 * is: the engine never changes data in place, so sharing it is safe, and a
 * handler gets its own copy from the runtime.
 */
function plain(value: unknown): unknown {
  return isPlain(value) ? value : toPlain(value);
}

function isPlain(value: unknown): boolean {
  if (typeof value === 'function') return false;
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    // A JSONata sequence is an array with marker properties (sequence, keepSingleton, ...).
    if (Object.keys(value).length !== value.length) return false;
    for (const item of value) if (!isPlain(item)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const field = record[key];
    if (field === undefined || !isPlain(field)) return false;
  }
  return true;
}

function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'function') return undefined;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = toPlain(v);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return value;
}

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function fail(name: string, why: string): never {
  throw new Error(`${name}: ${why}`);
}

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/**
 * The functions Step Functions adds to JSONata, standing in for the
 * intrinsics JSONata has no equivalent of. `$random` and `$uuid` are bound
 * per evaluation instead, so they follow the engine's random source.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
const AWS_FUNCTIONS: [string, (...args: any[]) => unknown, string?][] = [
  [
    'partition',
    (array: unknown[], size: number) => {
      if (!Array.isArray(array)) fail('$partition', 'the first argument must be an array');
      // "Built-in JSONata functions that require integer values ... round down any non-integer numbers."
      size = Math.floor(size);
      if (!Number.isInteger(size) || size <= 0)
        fail('$partition', 'the chunk size must be a positive integer');
      const chunks: unknown[][] = [];
      for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
      return chunks;
    },
  ],
  [
    'range',
    (start: number, end: number, step: number) => {
      [start, end, step] = [start, end, step].map(Math.floor);
      if (![start, end, step].every(Number.isInteger) || step === 0)
        fail('$range', 'start, end and a non-zero step must be integers');
      const values: number[] = [];
      for (let v = start; step > 0 ? v <= end : v >= end; v += step) values.push(v);
      return values;
    },
  ],
  [
    'hash',
    (data: unknown, algorithm: string) => {
      const name = HASHES[algorithm];
      if (!name) fail('$hash', `the algorithm must be one of ${Object.keys(HASHES).join(', ')}`);
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      return createHash(name).update(text).digest('hex');
    },
  ],
  [
    'parse',
    (text: string) => {
      if (typeof text !== 'string') fail('$parse', 'the argument must be a string');
      try {
        return JSON.parse(text);
      } catch (error) {
        return fail('$parse', `the string is not JSON (${(error as Error).message})`);
      }
    },
  ],
];

import { createHash, randomUUID } from 'node:crypto';
import { StatesError, StatesErrors } from './errors';
import { compilePath, NOT_FOUND, PathScope } from './jsonpath';

/**
 * The intrinsic functions of JSONPath states (`States.Format`, `States.Array`, ...).
 *
 * A call is parsed once into a tree and evaluated against the state's data,
 * context object and variables. A function given arguments of the wrong kind
 * fails with States.IntrinsicFailure; a path that selects nothing, with
 * States.Runtime, as for any path.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */

type Node =
  | { kind: 'literal'; value: unknown; template?: string }
  | { kind: 'path'; path: string }
  | { kind: 'call'; name: string; args: Node[] };

/** What intrinsics need beyond the paths: a source of randomness and of UUIDs. */
export interface IntrinsicEnvironment extends PathScope {
  readonly random?: () => number;
  readonly uuid?: () => string;
}

const parsed = new Map<string, Node>();

/** Whether a `.$` value is an intrinsic call rather than a path. */
export function isIntrinsic(text: string): boolean {
  return text.startsWith('States.');
}

/** Evaluates an intrinsic call such as `States.Format('{}', $.name)`. */
export function evaluateIntrinsic(text: string, env: IntrinsicEnvironment): unknown {
  let tree = parsed.get(text);
  if (!tree) {
    tree = new Parser(text).parseTop();
    parsed.set(text, tree);
  }
  return evaluate(tree, env, 0);
}

function evaluate(node: Node, env: IntrinsicEnvironment, depth: number): unknown {
  if (node.kind === 'literal') return node.value;
  if (node.kind === 'path') {
    const value = compilePath(node.path)(env);
    if (value === NOT_FOUND)
      throw new StatesError(
        StatesErrors.RUNTIME,
        `The JSONPath '${node.path}' in an intrinsic function could not be found in the input '${JSON.stringify(env.data)}'`,
      );
    return value;
  }
  if (node.name === 'States.Format' && node.args[0]?.kind === 'literal' && node.args[0].template) {
    // An escaped \\{ or \\} in the template is a brace, never part of a {} placeholder.
    const [first, ...rest] = node.args;
    return FUNCTIONS['States.Format'](
      [first.template, ...rest.map((a) => evaluate(a, env, depth + 1))],
      env,
    );
  }
  // "You can nest up to 10 intrinsic functions within a field."
  if (depth >= 10) fail(node.name, 'more than 10 intrinsic functions are nested');
  const fn = FUNCTIONS[node.name];
  if (!fn) fail(node.name, 'there is no such intrinsic function');
  return fn(
    node.args.map((a) => evaluate(a, env, depth + 1)),
    env,
  );
}

function fail(name: string, why: string): never {
  throw new StatesError(StatesErrors.INTRINSIC_FAILURE, `Invalid arguments in ${name}: ${why}`);
}

function count(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max)
    fail(name, `it takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function stringArg(name: string, value: unknown): string {
  if (typeof value !== 'string') fail(name, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function arrayArg(name: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) fail(name, `expected an array, got ${JSON.stringify(value)}`);
  return value;
}

function integerArg(name: string, value: unknown): number {
  if (!isInteger(value)) fail(name, `expected an integer, got ${JSON.stringify(value)}`);
  return value;
}

/** A number argument that Step Functions rounds to the nearest integer when it is not one. */
function roundedArg(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(name, `expected a number, got ${JSON.stringify(value)}`);
  return Math.round(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** The functions, by name, each from evaluated arguments to a value. */
const FUNCTIONS: Record<string, (args: unknown[], env: IntrinsicEnvironment) => unknown> = {
  'States.Format': (args) => {
    const name = 'States.Format';
    if (args.length < 1) fail(name, 'it takes a template string');
    const template = stringArg(name, args[0]);
    const values = args.slice(1);
    let next = 0;
    const text = template.replace(/\{\}/g, () => {
      if (next >= values.length) fail(name, 'the template has more {} than arguments');
      const value = values[next++];
      if (value !== null && typeof value === 'object')
        fail(name, 'an argument is an object or array; format it with States.JsonToString');
      return String(value);
    });
    if (next !== values.length) fail(name, 'the template has fewer {} than arguments');
    return restoreBraces(text);
  },
  'States.StringToJson': (args) => {
    count('States.StringToJson', args, 1);
    try {
      return JSON.parse(stringArg('States.StringToJson', args[0]));
    } catch (error) {
      return fail('States.StringToJson', `the string is not JSON (${(error as Error).message})`);
    }
  },
  'States.JsonToString': (args) => {
    count('States.JsonToString', args, 1);
    return JSON.stringify(args[0]);
  },
  'States.Array': (args) => args,
  'States.ArrayPartition': (args) => {
    const name = 'States.ArrayPartition';
    count(name, args, 2);
    const array = arrayArg(name, args[0]);
    const size = roundedArg(name, args[1]);
    if (size <= 0) fail(name, 'the chunk size must be a positive integer');
    const chunks: unknown[][] = [];
    for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
    return chunks;
  },
  'States.ArrayContains': (args) => {
    count('States.ArrayContains', args, 2);
    return arrayArg('States.ArrayContains', args[0]).some((v) => deepEqual(v, args[1]));
  },
  'States.ArrayRange': (args) => {
    const name = 'States.ArrayRange';
    count(name, args, 3);
    const [start, end, step] = args.map((a) => roundedArg(name, a));
    if (step === 0) fail(name, 'the step must not be 0');
    const values: number[] = [];
    for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
      values.push(v);
      // "The array can contain a maximum of 1000 items."
      if (values.length > 1000) fail(name, 'the range has more than 1000 items');
    }
    return values;
  },
  'States.ArrayGetItem': (args) => {
    const name = 'States.ArrayGetItem';
    count(name, args, 2);
    const array = arrayArg(name, args[0]);
    const index = integerArg(name, args[1]);
    if (index < 0 || index >= array.length)
      fail(name, `index ${index} is outside the array of ${array.length} items`);
    return array[index];
  },
  'States.ArrayLength': (args) => {
    count('States.ArrayLength', args, 1);
    return arrayArg('States.ArrayLength', args[0]).length;
  },
  'States.ArrayUnique': (args) => {
    count('States.ArrayUnique', args, 1);
    const seen = new Set<string>();
    return arrayArg('States.ArrayUnique', args[0]).filter((v) => {
      const key = JSON.stringify(v);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  'States.Base64Encode': (args) => {
    count('States.Base64Encode', args, 1);
    const text = stringArg('States.Base64Encode', args[0]);
    // "The input string can contain a maximum of 10,000 characters."
    if (text.length > 10000) fail('States.Base64Encode', 'the string is over 10,000 characters');
    return Buffer.from(text, 'utf8').toString('base64');
  },
  'States.Base64Decode': (args) => {
    count('States.Base64Decode', args, 1);
    const text = stringArg('States.Base64Decode', args[0]);
    if (text.length > 10000) fail('States.Base64Decode', 'the string is over 10,000 characters');
    return Buffer.from(text, 'base64').toString('utf8');
  },
  'States.Hash': (args) => {
    const name = 'States.Hash';
    count(name, args, 2);
    if (args[0] === null || args[0] === undefined) fail(name, 'the data to hash is null');
    const algorithm = HASH_ALGORITHMS[stringArg(name, args[1])];
    if (!algorithm)
      fail(name, `the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
    const data = typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
    return createHash(algorithm).update(data).digest('hex');
  },
  'States.JsonMerge': (args) => {
    const name = 'States.JsonMerge';
    count(name, args, 3);
    const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (!isObject(args[0]) || !isObject(args[1])) fail(name, 'both values must be objects');
    // "Step Functions supports only the shallow merging mode": the third argument must be false.
    if (args[2] !== false) fail(name, 'only shallow merging is supported: pass false');
    return { ...(args[0] as object), ...(args[1] as object) };
  },
  'States.MathRandom': (args, env) => {
    const name = 'States.MathRandom';
    count(name, args, 2, 3);
    const start = roundedArg(name, args[0]);
    const end = roundedArg(name, args[1]);
    const random =
      args.length === 3 ? seeded(integerArg(name, args[2])) : (env.random ?? Math.random);
    return start + Math.floor(random() * (end - start));
  },
  'States.MathAdd': (args) => {
    const name = 'States.MathAdd';
    count(name, args, 2);
    const [a, b] = args.map((v) => roundedArg(name, v));
    // "You must specify integer values in the range of -2147483648 and 2147483647."
    if ([a, b].some((v) => v < -2147483648 || v > 2147483647))
      fail(name, 'the values must lie between -2147483648 and 2147483647');
    return a + b;
  },
  'States.StringSplit': (args) => {
    const name = 'States.StringSplit';
    count(name, args, 2);
    const text = stringArg(name, args[0]);
    const delimiters = stringArg(name, args[1]);
    // Every character of the second argument is a delimiter; empty pieces are dropped.
    const parts: string[] = [];
    let current = '';
    for (const ch of text) {
      if (delimiters.includes(ch)) {
        if (current) parts.push(current);
        current = '';
      } else current += ch;
    }
    if (current) parts.push(current);
    return parts;
  },
  'States.UUID': (args, env) => {
    count('States.UUID', args, 0);
    return (env.uuid ?? randomUUID)();
  },
};

/** A small deterministic generator, so a seeded call gives the same number every time. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Escaped braces stay apart from placeholders until States.Format has done its work.
const OPEN = '\uE000';
const CLOSE = '\uE001';

function restoreBraces(text: string): string {
  return text.includes(OPEN) || text.includes(CLOSE)
    ? text.replace(/\uE000/g, '{').replace(/\uE001/g, '}')
    : text;
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  public parseTop(): Node {
    const node = this.parseValue();
    this.skipSpace();
    if (this.at !== this.text.length) this.error('unexpected text after the call');
    if (node.kind !== 'call') this.error('expected a States.* function call');
    return node;
  }

  private parseValue(): Node {
    this.skipSpace();
    const ch = this.text[this.at];
    if (ch === "'") {
      const template = this.parseString();
      const value = restoreBraces(template);
      return value === template ? { kind: 'literal', value } : { kind: 'literal', value, template };
    }
    if (ch === '$') return { kind: 'path', path: this.parsePath() };
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    for (const [word, value] of [
      ['null', null],
      ['true', true],
      ['false', false],
    ] as const) {
      if (
        this.text.startsWith(word, this.at) &&
        !/[\w.]/.test(this.text[this.at + word.length] ?? '')
      ) {
        this.at += word.length;
        return { kind: 'literal', value };
      }
    }
    const name = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.at));
    if (!name) return this.error('expected a string, number, path or States.* call');
    this.at += name[0].length;
    this.skipSpace();
    if (this.text[this.at] !== '(') this.error(`expected ( after ${name[0]}`);
    this.at++;
    const args: Node[] = [];
    this.skipSpace();
    if (this.text[this.at] === ')') this.at++;
    else {
      for (;;) {
        args.push(this.parseValue());
        this.skipSpace();
        const sep = this.text[this.at++];
        if (sep === ')') break;
        if (sep !== ',') this.error('expected , or )');
      }
    }
    return { kind: 'call', name: name[0], args };
  }

  private parseString(): string {
    // Inside an intrinsic string, \' \{ \} and \\ escape the character after the backslash.
    let value = '';
    this.at++;
    while (this.at < this.text.length) {
      const ch = this.text[this.at++];
      if (ch === '\\') {
        const escaped = this.text[this.at++] ?? '';
        value += escaped === '{' ? OPEN : escaped === '}' ? CLOSE : escaped;
      } else if (ch === "'") return value;
      else value += ch;
    }
    return this.error('unterminated string');
  }

  private parsePath(): string {
    const start = this.at;
    let depth = 0;
    let quote: string | undefined;
    while (this.at < this.text.length) {
      const ch = this.text[this.at];
      if (quote) {
        if (ch === '\\') this.at++;
        else if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '[' || ch === '(') depth++;
      else if (ch === ']' || ch === ')') {
        if (depth === 0) break;
        depth--;
      } else if ((ch === ',' || ch === ' ') && depth === 0) break;
      this.at++;
    }
    return this.text.slice(start, this.at);
  }

  private skipSpace(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  private error(why: string): never {
    throw new StatesError(
      StatesErrors.RUNTIME,
      `Invalid intrinsic function call '${this.text}' at character ${this.at}: ${why}.`,
    );
  }
}

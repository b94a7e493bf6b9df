import { JSONPath } from 'jsonpath-plus';
import { StatesError, StatesErrors } from './errors';

/**
 * JSONPath as the Amazon States Language uses it: paths into the state input,
 * the context object (`$$`) and workflow variables (`$name`).
 *
 * A definite path (`$.a.b`, `$['a b'][0]`) is compiled once into a list of
 * steps; anything else (`*`, `..`, filters, slices) goes to jsonpath-plus,
 * used as documented (`wrap: true`, so a result is always a list).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 */

/** What a path reads: the state's data, the context object, or the variables. */
export interface PathScope {
  readonly data: unknown;
  readonly context?: unknown;
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** A compiled path: returns the value, or `NOT_FOUND` when a step is missing. */
export type CompiledPath = (scope: PathScope) => unknown;

/** What a compiled path returns when the value is absent. */
export const NOT_FOUND: unique symbol = Symbol('not found');

const cache = new Map<string, CompiledPath>();

/** Compiles a path once; the same text always gives the same function. */
export function compilePath(path: string): CompiledPath {
  let compiled = cache.get(path);
  if (!compiled) {
    compiled = compile(path);
    cache.set(path, compiled);
  }
  return compiled;
}

/**
 * Reads `path`, failing with States.Runtime when it selects nothing, as Step
 * Functions does for InputPath, Parameters, ItemsPath and Choice variables.
 */
export function readPath(path: string, scope: PathScope, field: string): unknown {
  const value = compilePath(path)(scope);
  if (value === NOT_FOUND)
    throw new StatesError(
      StatesErrors.RUNTIME,
      `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(scope.data)}'`,
    );
  return value;
}

type Step = string | number;

function compile(path: string): CompiledPath {
  let root: 'data' | 'context' | 'variable';
  let rest: string;
  let variable = '';
  if (path.startsWith('$$')) {
    root = 'context';
    rest = path.slice(2);
  } else if (path === '$' || path.startsWith('$.') || path.startsWith('$[')) {
    root = 'data';
    rest = path.slice(1);
  } else if (/^\$[A-Za-z_]/.test(path)) {
    root = 'variable';
    const name = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path)!;
    variable = name[1];
    rest = path.slice(name[0].length);
  } else {
    throw new StatesError(
      StatesErrors.RUNTIME,
      `'${path}' is not a JSONPath: a path starts with '$', '$$' or '$variableName'.`,
    );
  }
  const pick = (scope: PathScope): unknown => {
    if (root === 'data') return scope.data;
    if (root === 'context') return scope.context;
    const variables = scope.variables ?? {};
    return variable in variables ? variables[variable] : NOT_FOUND;
  };
  const steps = definiteSteps(rest);
  if (steps) {
    return (scope) => {
      let value = pick(scope);
      for (const step of steps) {
        if (value === null || typeof value !== 'object') return NOT_FOUND;
        if (typeof step === 'number') {
          if (!Array.isArray(value) || step >= value.length) return NOT_FOUND;
          value = value[step];
        } else {
          if (Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, step))
            return NOT_FOUND;
          value = (value as Record<string, unknown>)[step];
        }
      }
      return value;
    };
  }
  const libraryPath = '$' + rest;
  return (scope) => {
    const json = pick(scope);
    if (json === NOT_FOUND) return NOT_FOUND;
    // jsonpath-plus reads objects and arrays only; an indefinite path always gives a list.
    if (json === null || typeof json !== 'object') return [];
    return JSONPath({ path: libraryPath, json: json as object, wrap: true });
  };
}

/** The steps of a definite path, or undefined when the path needs the library. */
function definiteSteps(rest: string): Step[] | undefined {
  const steps: Step[] = [];
  const re = /\.([^.[\]*@?()'",:]+)|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]/y;
  let at = 0;
  while (at < rest.length) {
    re.lastIndex = at;
    const m = re.exec(rest);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(m[2].replace(/\\(.)/g, '$1'));
    else if (m[3] !== undefined) steps.push(m[3].replace(/\\(.)/g, '$1'));
    else steps.push(Number(m[4]));
    at = re.lastIndex;
  }
  return steps;
}

/**
 * Places `result` into `input` at a ResultPath: `null` keeps the input,
 * `$` replaces it, `$.a.b` sets a field, creating the objects on the way,
 * without changing `input` itself.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
 */
export function applyResultPath(input: unknown, path: string | null | undefined, result: unknown) {
  if (path === null) return input;
  if (path === undefined || path === '$') return result;
  if (!path.startsWith('$')) throw resultPathError(path, 'a ResultPath starts with $');
  const steps = definiteSteps(path.slice(1));
  if (!steps || steps.length === 0)
    throw resultPathError(path, 'a ResultPath is a definite path such as $.result');
  return setAt(input, steps, 0, result, path);
}

function setAt(target: unknown, steps: Step[], i: number, value: unknown, path: string): unknown {
  if (i === steps.length) return value;
  const step = steps[i];
  if (typeof step === 'number') {
    if (!Array.isArray(target) || step >= target.length)
      throw resultPathError(path, `there is no item ${step} to replace`);
    const copy = target.slice();
    copy[step] = setAt(copy[step], steps, i + 1, value, path);
    return copy;
  }
  if (
    target !== undefined &&
    (target === null || typeof target !== 'object' || Array.isArray(target))
  )
    throw new StatesError(
      StatesErrors.RUNTIME,
      `Unable to apply ResultPath '${path}' to input '${JSON.stringify(target)}': the field '${step}' would go into a value that is not an object.`,
    );
  const object = (target ?? {}) as Record<string, unknown>;
  return { ...object, [step]: setAt(object[step], steps, i + 1, value, path) };
}

function resultPathError(path: string, why: string): StatesError {
  return new StatesError(StatesErrors.RUNTIME, `Invalid ResultPath '${path}': ${why}.`);
}

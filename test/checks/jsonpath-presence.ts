/**
 * Which JSONPaths a state machine reads that may be absent at run time.
 *
 * A JSONPath state that reads a path pointing at nothing (in `InputPath`,
 * `Parameters`, an intrinsic's argument, a Choice `Variable`, a Fail's
 * `ErrorPath`/`CausePath`) fails with `States.Runtime`, which neither `Retry`
 * nor `Catch` can handle: the execution ends with no compensation and no
 * failure event. This walk computes, from ASL's documented input and output
 * processing, the paths present on every way into each state, starting from a
 * valid envelope, and lists every read outside them.
 *
 * Written from the Amazon States Language semantics, not from the library:
 * @see https://states-language.net/spec.html#filters (InputPath, Parameters, ResultPath, OutputPath)
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 *   ("the error output ... a JSON object with Error and Cause fields"; States.Runtime is not retriable)
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */

type Json = any;
type States = Record<string, Json>;

/** A read of a path that may be absent. */
export interface UnsafeRead {
  readonly state: string;
  readonly field: string;
  readonly path: string;
}

/** Context-object paths that always exist in a Standard workflow's state. */
const CONTEXT_PATHS = [
  '$$.Execution.Id',
  '$$.Execution.Name',
  '$$.Execution.StartTime',
  '$$.State.EnteredTime',
  '$$.State.Name',
  '$$.StateMachine.Id',
  '$$.StateMachine.Name',
];
/** Only inside a `.waitForTaskToken` task's Parameters. */
const TASK_TOKEN = '$$.Task.Token';

/** Paths present as a set of dotted keys (`data`, `metadata.correlationId`), prefix-closed. */
class Presence {
  constructor(readonly paths: Set<string>) {}
  static of(...paths: string[]): Presence {
    const set = new Set<string>();
    for (const p of paths) for (const prefix of prefixes(p)) set.add(prefix);
    return new Presence(set);
  }
  has(key: string): boolean {
    return key === '' || this.paths.has(key);
  }
  intersect(other: Presence): Presence {
    return new Presence(new Set([...this.paths].filter((p) => other.paths.has(p))));
  }
  /** What is present under `key`, re-rooted at `$`. */
  under(key: string): Presence {
    if (key === '') return this;
    const inner = [...this.paths].filter((p) => p.startsWith(`${key}.`));
    return new Presence(new Set(inner.map((p) => p.slice(key.length + 1))));
  }
  /** This presence with `result` placed at `key` (ResultPath semantics). */
  placed(key: string, result: Presence): Presence {
    if (key === '') return result;
    const kept = [...this.paths].filter((p) => p !== key && !p.startsWith(`${key}.`));
    return Presence.of(...kept, key, ...[...result.paths].map((p) => `${key}.${p}`));
  }
  equals(other: Presence): boolean {
    return this.paths.size === other.paths.size && [...this.paths].every((p) => other.paths.has(p));
  }
}

function prefixes(key: string): string[] {
  const parts = key.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** `$.a.b` → `a.b`; `$` → ``; undefined for anything that is not a plain reference path. */
function keyOf(path: string): string | undefined {
  if (path === '$') return '';
  const m = /^\$((?:\.[^.[\]]+)+)$/.exec(path);
  return m ? m[1].slice(1) : undefined;
}

/** The JSONPaths an intrinsic function call reads (`States.Format('..', $.a, $$.b)`). */
function intrinsicPaths(expression: string): string[] {
  const withoutStrings = expression.replace(/'(?:\\.|[^'\\])*'/g, "''");
  return withoutStrings.match(/\$\$?(?:\.[A-Za-z0-9_-]+|\[\d+\])*/g) ?? [];
}

/** `States.Name(arg, ...)` split into its name and top-level arguments. */
function parseCall(expression: string): { name: string; args: string[] } | undefined {
  const m = /^(States\.\w+)\((.*)\)$/s.exec(expression.trim());
  if (!m) return undefined;
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < m[2].length; i++) {
    const c = m[2][i];
    if (quoted && c === '\\') {
      current += c + m[2][++i];
      continue;
    }
    if (c === "'") quoted = !quoted;
    if (!quoted && c === '(') depth++;
    if (!quoted && c === ')') depth--;
    if (!quoted && depth === 0 && c === ',') {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) args.push(current.trim());
  return { name: m[1], args };
}

/** The text of an intrinsic's string literal, with its `{}` placeholders filled. */
function formatLiteral(literal: string): string {
  let out = '';
  for (let i = 1; i < literal.length - 1; i++) {
    if (literal[i] === '\\') out += literal[++i];
    else if (literal[i] === '{' && literal[i + 1] === '}') {
      out += 'x';
      i++;
    } else out += literal[i];
  }
  return out;
}

/**
 * What is known present in an intrinsic's result: `States.JsonMerge` keeps
 * every key of both objects (the second's values win, but no key is dropped),
 * and `States.StringToJson(States.Format('<json>', ...))` has the keys of its
 * literal. Of anything else nothing is known.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-json-manipulate
 */
function intrinsicPresence(expression: string, input: Presence): Presence {
  const call = parseCall(expression);
  const argument = (arg: string): Presence => {
    const key = keyOf(arg);
    if (key !== undefined) return input.has(key) ? input.under(key) : Presence.of();
    return arg.startsWith('States.') ? intrinsicPresence(arg, input) : Presence.of();
  };
  if (call?.name === 'States.JsonMerge' && call.args.length === 3) {
    return Presence.of(...argument(call.args[0]).paths, ...argument(call.args[1]).paths);
  }
  if (call?.name === 'States.StringToJson') {
    const format = parseCall(call.args[0]);
    if (format?.name === 'States.Format' && format.args[0].startsWith("'")) {
      try {
        return jsonPresence(JSON.parse(formatLiteral(format.args[0])));
      } catch {
        return Presence.of();
      }
    }
  }
  return Presence.of();
}

function jsonPresence(value: Json, prefix = ''): Presence {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return Presence.of();
  return Presence.of(
    ...Object.entries(value).flatMap(([k, v]) => {
      const here = prefix ? `${prefix}.${k}` : k;
      return [here, ...jsonPresence(v, here).paths];
    }),
  );
}

/** Every (field, path) a payload template reads, and the keys it produces from `input`. */
function template(
  value: Json,
  field: string,
  input: Presence = Presence.of(),
): { reads: [string, string][]; produced: Presence } {
  const reads: [string, string][] = [];
  const produced: string[] = [];
  const walk = (node: Json, at: string, prefix: string) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [k, v] of Object.entries(node)) {
      const key = k.endsWith('.$') ? k.slice(0, -2) : k;
      const here = prefix ? `${prefix}.${key}` : key;
      produced.push(here);
      if (k.endsWith('.$') && typeof v === 'string' && v.startsWith('States.')) {
        for (const p of intrinsicPaths(v)) reads.push([`${at}.${k}`, p]);
        produced.push(...[...intrinsicPresence(v, input).paths].map((p) => `${here}.${p}`));
      } else if (k.endsWith('.$') && typeof v === 'string') {
        reads.push([`${at}.${k}`, v]);
        const from = keyOf(v);
        if (from !== undefined && input.has(from)) {
          produced.push(...[...input.under(from).paths].map((p) => `${here}.${p}`));
        }
      } else if (Array.isArray(v)) {
        v.forEach((item, i) => walk(item, `${at}.${k}[${i}]`, ''));
      } else {
        walk(v, `${at}.${k}`, here);
      }
    }
  };
  walk(value, field, '');
  return { reads, produced: Presence.of(...produced) };
}

/** Reads of a Choice rule, with the paths an earlier `IsPresent` in the same `And` guards. */
function choiceReads(
  rule: Json,
  guarded: Set<string>,
  reads: [string, string][],
  at: string,
): void {
  if (rule.And) {
    const local = new Set(guarded);
    for (const [i, r] of rule.And.entries()) {
      choiceReads(r, local, reads, `${at}.And[${i}]`);
      if (r.Variable && r.IsPresent === true) local.add(r.Variable);
    }
  } else if (rule.Or) {
    rule.Or.forEach((r: Json, i: number) => choiceReads(r, guarded, reads, `${at}.Or[${i}]`));
  } else if (rule.Not) {
    choiceReads(rule.Not, guarded, reads, `${at}.Not`);
  } else if (rule.Variable && rule.IsPresent === undefined && !guarded.has(rule.Variable)) {
    reads.push([`${at}.Variable`, rule.Variable]);
  }
}

/** Paths a Choice branch proves present: the top-level `IsPresent: true` conjuncts. */
function provenPresent(rule: Json): string[] {
  const conjuncts = rule.And ?? [rule];
  return conjuncts
    .filter((r: Json) => r.Variable && r.IsPresent === true)
    .map((r: Json) => keyOf(r.Variable))
    .filter((k: string | undefined): k is string => k !== undefined);
}

interface Edge {
  readonly to: string;
  readonly out: (input: Presence) => Presence;
}

/** What a state does to the presence of paths, and where it goes. */
function edges(state: Json): Edge[] {
  const result: Edge[] = [];
  const apply = (input: Presence, effective: Presence): Presence => {
    const rp = state.ResultPath;
    const placed = rp === null ? input : input.placed(keyOf(rp ?? '$') ?? '', effective);
    const op = state.OutputPath;
    return op === undefined || op === '$' ? placed : placed.under(keyOf(op) ?? '');
  };
  const success = (input: Presence): Presence => {
    const effectiveInput = input.under(keyOf(state.InputPath ?? '$') ?? '');
    switch (state.Type) {
      case 'Pass':
        if (state.Parameters) {
          return apply(input, template(state.Parameters, 'Parameters', effectiveInput).produced);
        }
        if (state.Result !== undefined)
          return apply(input, Presence.of(...Object.keys(state.Result)));
        return apply(input, effectiveInput);
      case 'Task':
      case 'Parallel':
      case 'Map':
        // The result's shape is the integration's: nothing below ResultPath is known.
        return apply(input, Presence.of());
      default:
        return input;
    }
  };
  if (state.Next) result.push({ to: state.Next, out: success });
  if (state.Type === 'Choice') {
    for (const rule of state.Choices) {
      const proven = provenPresent(rule);
      result.push({ to: rule.Next, out: (input) => Presence.of(...input.paths, ...proven) });
    }
    if (state.Default) result.push({ to: state.Default, out: (input) => input });
  }
  for (const c of state.Catch ?? []) {
    const rp = c.ResultPath === undefined ? '$' : c.ResultPath;
    result.push({
      to: c.Next,
      out: (input) =>
        rp === null ? input : input.placed(keyOf(rp) ?? '', Presence.of('Error', 'Cause')),
    });
  }
  return result;
}

/** Every read of a state, as (field, JSONPath). */
function readsOf(state: Json): [string, string][] {
  const reads: [string, string][] = [];
  for (const field of ['InputPath', 'ItemsPath', 'ErrorPath', 'CausePath']) {
    if (typeof state[field] === 'string') reads.push([field, state[field]]);
  }
  if (state.Parameters) {
    // Parameters read from the effective input: the state's input after InputPath.
    const base = keyOf(state.InputPath ?? '$') ?? '';
    for (const [field, path] of template(state.Parameters, 'Parameters').reads) {
      const rebased = base && path.startsWith('$.') ? `$.${base}${path.slice(1)}` : path;
      reads.push([field, rebased]);
    }
  }
  if (state.Type === 'Choice') {
    state.Choices.forEach((rule: Json, i: number) =>
      choiceReads(rule, new Set(), reads, `Choices[${i}]`),
    );
  }
  return reads;
}

/**
 * The reads of `definition`'s states (those `check` selects) that may point at
 * nothing when the execution starts with `input` present.
 */
export function unsafeReads(
  definition: { StartAt: string; States: States },
  input: string[],
  check: (stateName: string) => boolean = () => true,
): UnsafeRead[] {
  const states = definition.States;
  const incoming = new Map<string, Presence>([[definition.StartAt, Presence.of(...input)]]);
  // Forward must-analysis to a fixpoint: a state's input is what is present on every way in.
  for (let changed = true, rounds = 0; changed && rounds < 1000; rounds++) {
    changed = false;
    for (const [name, state] of Object.entries(states)) {
      const here = incoming.get(name);
      if (!here) continue;
      for (const edge of edges(state)) {
        const out = edge.out(here);
        const before = incoming.get(edge.to);
        const merged = before ? before.intersect(out) : out;
        if (!before || !before.equals(merged)) {
          incoming.set(edge.to, merged);
          changed = true;
        }
      }
    }
  }
  const unsafe: UnsafeRead[] = [];
  for (const [name, state] of Object.entries(states)) {
    const present = incoming.get(name);
    if (!present || !check(name)) continue;
    const waitsForToken = String(state.Resource ?? '').endsWith('.waitForTaskToken');
    for (const [field, path] of readsOf(state)) {
      if (path.startsWith('$$.')) {
        const known = CONTEXT_PATHS.includes(path) || (waitsForToken && path === TASK_TOKEN);
        if (!known) unsafe.push({ state: name, field, path });
        continue;
      }
      const key = keyOf(path);
      if (key === undefined || !present.has(key)) unsafe.push({ state: name, field, path });
    }
  }
  return unsafe;
}

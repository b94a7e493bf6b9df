import { LIFECYCLE_EVENTS } from '../events/domain-event';
import { LocalAppSpec } from './assembly';

/**
 * The names a test can use against a loaded app: the handlers a fault can
 * target and the events each context declares. They come from the assembly
 * alone, so the same checks hold for any synthesized app.
 */
export interface AppNames {
  /** Task names (`ENSEMBLE_TASK`), sorted. */
  readonly tasks: string[];
  /** Every name a fault can target: task names, function logical ids and construct paths. */
  readonly faultTargets: Set<string>;
  /** The app's context sources (`food.orders`) and the events each declares. */
  readonly declared: Map<string, Set<string>>;
  /** Every event name known to the app: declared by a context or matched by a rule. */
  readonly events: Set<string>;
}

/** An error for a name the app does not know; `name` is `LocalRuntime.UnknownName`. */
export class UnknownNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalRuntime.UnknownName';
  }
}

/**
 * Read the names of an app: a context declares the events that its workflow
 * or its handlers publish, the lifecycle events, and the events of its source
 * that a rule of the app matches (an event published from outside the app,
 * such as a restaurant's answer, is declared by its context and awaited or
 * subscribed to by another).
 */
export function appNames(app: LocalAppSpec): AppNames {
  const declared = new Map<string, Set<string>>();
  const events = new Set<string>();
  const add = (source: string, detailType: string) => {
    events.add(detailType);
    declared.get(source)?.add(detailType);
  };
  const published: [string, string][] = [];
  for (const machine of app.stateMachines) published.push(...putEventsEntries(machine.definition));
  const tasks = new Set<string>();
  const faultTargets = new Set<string>();
  for (const fn of app.functions) {
    const env = fn.environment;
    if (env.ENSEMBLE_TASK) tasks.add(env.ENSEMBLE_TASK);
    for (const name of [env.ENSEMBLE_TASK, fn.logicalId, fn.constructPath])
      if (name) faultTargets.add(name);
    if (fn.constructPath) faultTargets.add(fn.constructPath.replace(/\/Resource$/, ''));
    if (env.ENSEMBLE_EVENT_SOURCE) declared.set(env.ENSEMBLE_EVENT_SOURCE, new Set());
    if (env.ENSEMBLE_EVENT_SOURCE && env.ENSEMBLE_EMITS)
      published.push([env.ENSEMBLE_EVENT_SOURCE, env.ENSEMBLE_EMITS]);
  }
  for (const [source] of published) if (!declared.has(source)) declared.set(source, new Set());
  for (const [source, detailType] of published) add(source, detailType);
  for (const source of declared.keys()) for (const name of LIFECYCLE_EVENTS) add(source, name);
  for (const rule of app.rules) {
    const pattern = rule.eventPattern as { source?: unknown; 'detail-type'?: unknown };
    const types = plainStrings(pattern['detail-type']);
    for (const detailType of types) events.add(detailType);
    for (const source of plainStrings(pattern.source))
      for (const detailType of types) add(source, detailType);
  }
  return { tasks: [...tasks].sort(), faultTargets, declared, events };
}

/** `(Source, DetailType)` of every PutEvents entry written in a definition. */
function putEventsEntries(definition: unknown): [string, string][] {
  const found: [string, string][] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      const entry = value as Record<string, unknown>;
      if (typeof entry.Source === 'string' && typeof entry.DetailType === 'string')
        found.push([entry.Source, entry.DetailType]);
      Object.values(entry).forEach(visit);
    }
  };
  visit(definition);
  return found;
}

/** The exact strings of an event pattern field (`["a", "b"]`); matchers such as prefix are skipped. */
function plainStrings(field: unknown): string[] {
  return Array.isArray(field) ? field.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The candidate closest to `name` when it is close enough to be a typo of it
 * (case ignored; a swap of two letters counts as one edit).
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `Did you mean 'X'? ` or nothing. */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const guess = didYouMean(name, candidates);
  return guess === undefined ? '' : `Did you mean '${guess}'? `;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

import { errorMatches, StatesError } from './errors';

/**
 * Retry and Catch: which retrier or catcher applies to an error, and how long
 * to wait before the next attempt.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error
 */

/** A Retrier as written in a definition. */
export interface Retrier {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** What a state's retriers have used so far, across all the attempts of one visit of the state. */
export interface RetryCounters {
  /** Retries per retrier: the backoff grows with them. */
  readonly visits: number[];
  /** Retries per retrier and error name: MaxAttempts bounds these. */
  readonly perError: Map<string, number>[];
}

/** Fresh counters for a state's retriers. */
export function retryCounters(retriers: readonly Retrier[] | undefined): RetryCounters {
  const n = retriers?.length ?? 0;
  return { visits: new Array(n).fill(0), perError: Array.from({ length: n }, () => new Map()) };
}

/**
 * The delay before the next attempt, in ms, or undefined when the error is
 * not retried: the first retrier whose ErrorEquals matches decides; once it
 * has retried that error MaxAttempts times the error goes to Catch.
 *
 * Defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0. The delay is
 * IntervalSeconds × BackoffRate^(retries of this retrier so far), capped by
 * MaxDelaySeconds; JitterStrategy FULL draws it uniformly between 0 and that.
 * As the guide's "complex retry scenario" shows, a retrier's interval keeps
 * growing across the errors it matches (waits of 1, 2, then 4 s), while its
 * MaxAttempts counts the retries of one error name.
 */
export function retryDelay(
  retriers: readonly Retrier[] | undefined,
  counters: RetryCounters,
  error: StatesError,
  random: () => number,
): number | undefined {
  if (!retriers) return undefined;
  for (let i = 0; i < retriers.length; i++) {
    const r = retriers[i];
    if (!errorMatches(r.ErrorEquals, error.error)) continue;
    const used = counters.perError[i].get(error.error) ?? 0;
    if (used >= (r.MaxAttempts ?? 3)) return undefined;
    counters.perError[i].set(error.error, used + 1);
    const visit = counters.visits[i]++;
    let seconds = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, visit);
    if (r.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, r.MaxDelaySeconds);
    if (r.JitterStrategy === 'FULL') seconds = random() * seconds;
    return Math.round(seconds * 1000);
  }
  return undefined;
}

/** A Catcher as written in a definition. */
export interface Catcher {
  readonly ErrorEquals: string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
  readonly Output?: unknown;
  readonly Assign?: unknown;
}

/** The first catcher that matches the error, if any. */
export function findCatcher(catchers: readonly Catcher[] | undefined, error: StatesError) {
  return catchers?.find((c) => errorMatches(c.ErrorEquals, error.error));
}

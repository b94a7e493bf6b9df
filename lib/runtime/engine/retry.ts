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

/**
 * The delay before the next attempt, in ms, or undefined when the error is
 * not retried: the first retrier whose ErrorEquals matches decides; once its
 * MaxAttempts are used up the error goes to Catch.
 *
 * Defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0. The delay is
 * IntervalSeconds × BackoffRate^(attempt − 1), capped by MaxDelaySeconds;
 * JitterStrategy FULL draws it uniformly between 0 and that value.
 */
export function retryDelay(
  retriers: readonly Retrier[] | undefined,
  attempts: number[],
  error: StatesError,
  random: () => number,
): number | undefined {
  if (!retriers) return undefined;
  for (let i = 0; i < retriers.length; i++) {
    const r = retriers[i];
    if (!errorMatches(r.ErrorEquals, error.error)) continue;
    const max = r.MaxAttempts ?? 3;
    if (attempts[i] >= max) return undefined;
    const attempt = attempts[i]++;
    let seconds = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, attempt);
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

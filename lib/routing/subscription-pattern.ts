import { DomainEvent } from '../events/domain-event';
import { patternContentProblems } from './event-pattern-grammar';

/** EventBridge's limit on the length of an event pattern. */
export const MAX_EVENT_PATTERN_LENGTH = 2048;

/**
 * The EventBridge pattern of a subscription: the event's `source` and
 * `detail-type`, plus an optional content filter on `detail.data`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export function subscriptionPattern(
  event: DomainEvent,
  filter?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    source: [event.source],
    'detail-type': [event.name],
    ...(filter && Object.keys(filter).length > 0 ? { detail: { data: filter } } : {}),
  };
}

/**
 * Problems with a content filter given to `context.on()`, or an empty list.
 *
 * The filter is checked against EventBridge's whole pattern grammar (every
 * operator and operand form), so that a filter EventBridge would refuse, or
 * one that could never match, fails synth instead of the deployment.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function filterProblems(filter: Record<string, unknown> | undefined): string[] {
  if (filter === undefined || Object.keys(filter).length === 0) return [];
  // The length of the whole pattern is checked by the subscription, which knows all of it.
  return patternContentProblems(filter).map((problem) => {
    const at = problem.indexOf(': ');
    return at < 0
      ? `filter ${problem}`
      : `filter field '${problem.slice(0, at)}': ${problem.slice(at + 2)}`;
  });
}

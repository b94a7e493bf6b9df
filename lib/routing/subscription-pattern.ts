import { DomainEvent } from '../context/domain-event';

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

/** Problems with a content filter given to `context.on()`, or an empty list. */
export function filterProblems(filter: Record<string, unknown> | undefined): string[] {
  if (filter === undefined) return [];
  const problems: string[] = [];
  walkLeaves(filter, '', (fieldPath, value) => {
    if (!Array.isArray(value)) {
      problems.push(
        `filter field '${fieldPath}' must be an array of values or operators (for example ['pizza'] or [{ prefix: 'piz' }])`,
      );
    } else if (value.length === 0) {
      problems.push(`filter field '${fieldPath}' is an empty array, which matches nothing`);
    }
  });
  return problems;
}

function walkLeaves(
  obj: Record<string, unknown>,
  prefix: string,
  visit: (fieldPath: string, value: unknown) => void,
): void {
  for (const [key, value] of Object.entries(obj)) {
    const fieldPath = prefix ? `${prefix}.${key}` : key;
    if (key === '$or' && Array.isArray(value)) {
      value.forEach((branch, i) =>
        walkLeaves(branch as Record<string, unknown>, `${fieldPath}[${i}]`, visit),
      );
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      walkLeaves(value as Record<string, unknown>, fieldPath, visit);
    } else {
      visit(fieldPath, value);
    }
  }
}

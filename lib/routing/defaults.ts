import { Duration } from 'aws-cdk-lib';

/**
 * Retry attempts of a rule target before the event goes to its dead-letter queue.
 *
 * EventBridge's own maximum: a target that is down for a day is still reached
 * once it comes back.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
 */
export const DEFAULT_RETRY_ATTEMPTS = 185;

/** How long EventBridge keeps retrying a rule target: its maximum, 24 hours. */
export const DEFAULT_MAX_EVENT_AGE = Duration.hours(24);

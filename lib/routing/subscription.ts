import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DomainEvent } from '../events/domain-event';
import { ValidationError } from '../checks/validation-error';
import { physicalRuleName } from '../monitoring/alarms';
import { DEFAULT_MAX_EVENT_AGE, DEFAULT_RETRY_ATTEMPTS } from './defaults';
import {
  filterProblems,
  MAX_EVENT_PATTERN_LENGTH,
  subscriptionPattern,
} from './subscription-pattern';

/** Options of `context.on(event, options)`. */
export interface SubscriptionOptions {
  /**
   * A content filter on the event's `detail.data`, in EventBridge pattern syntax.
   *
   * @example { cuisine: ['pizza'], total: [{ numeric: ['>', 100] }] }
   * @default - every occurrence of the event starts the workflow
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
   */
  readonly filter?: Record<string, unknown>;
  /**
   * How many times EventBridge retries starting the workflow before the event
   * goes to the context's dead-letter queue.
   *
   * @default 185 - EventBridge's maximum
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying.
   *
   * @default Duration.hours(24) - EventBridge's maximum
   */
  readonly maxEventAge?: Duration;
}

/** Properties of a {@link Subscription}. */
export interface SubscriptionProps extends SubscriptionOptions {
  readonly eventBus: events.IEventBus;
  readonly event: DomainEvent;
  readonly deadLetterQueue: sqs.IQueue;
  /** The name of the subscribing context, for the rule's description. */
  readonly subscriberName: string;
}

/**
 * "When event E happens, start my workflow": an EventBridge rule whose target
 * starts the subscribing context's state machine.
 *
 * The target turns the event into the workflow's input envelope, carrying the
 * `correlationId` over and recording the event as the cause:
 * `{ metadata: { correlationId, causationId, trigger }, data, trigger }`, where `trigger`
 * is `{ source, detailType, eventId }` of the event.
 * Built by `context.on()`.
 */
export class Subscription extends Construct {
  /** The EventBridge rule. */
  public readonly rule: events.Rule;
  /** The event this subscription reacts to. */
  public readonly event: DomainEvent;
  /** The content filter on the event's `detail.data`, if any. */
  public readonly filter?: Record<string, unknown>;
  private readonly props: SubscriptionProps;

  constructor(scope: Construct, id: string, props: SubscriptionProps) {
    // Validated before the construct joins the tree, so a bad call leaves nothing behind.
    const eventPattern = subscriptionPattern(props.event, props.filter);
    validateSubscription(`${scope.node.path}/${id}`, props, eventPattern);
    super(scope, id);
    this.props = props;
    this.event = props.event;
    this.filter = props.filter;
    this.rule = new events.Rule(this, 'Rule', {
      // A name of our own: the RuleName its metrics (and our alarm) are published with.
      ruleName: physicalRuleName(this, 'Rule'),
      eventBus: props.eventBus,
      description: `${props.subscriberName} reacts to ${props.event.source} ${props.event.name}`,
      eventPattern: eventPattern as events.EventPattern,
    });
  }

  /** Start `stateMachine` for every matching event; called once the workflow exists. */
  public startWorkflow(stateMachine: sfn.IStateMachine): void {
    this.rule.addTarget(
      new targets.SfnStateMachine(stateMachine, {
        input: workflowInput(),
        deadLetterQueue: this.props.deadLetterQueue,
        retryAttempts: this.props.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
        maxEventAge: this.props.maxEventAge ?? DEFAULT_MAX_EVENT_AGE,
      }),
    );
  }
}

/** The input transformer from a domain event to a workflow input envelope. */
export function workflowInput(): events.RuleTargetInput {
  const eventId = events.EventField.fromPath('$.detail.metadata.eventId');
  const trigger = {
    source: events.EventField.source,
    detailType: events.EventField.detailType,
    eventId,
  };
  return events.RuleTargetInput.fromObject({
    // In `metadata` too, which every task's request carries whole: a direct
    // start has no trigger, and a JSONPath to a missing field would fail the state.
    metadata: {
      correlationId: events.EventField.fromPath('$.detail.metadata.correlationId'),
      causationId: eventId,
      trigger,
    },
    data: events.EventField.fromPath('$.detail.data'),
    trigger,
  });
}

function validateSubscription(
  path: string,
  props: SubscriptionProps,
  pattern: Record<string, unknown>,
): void {
  const problems = filterProblems(props.filter);
  if (problems.length > 0) {
    throw new ValidationError(
      path,
      'filter',
      props.filter,
      `${problems.join('; ')}. Write the filter in EventBridge's pattern syntax: each field takes an array of values or operator objects, for example ['pizza'] or [{ numeric: ['>', 100] }] (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).`,
    );
  }
  const length = JSON.stringify(pattern).length;
  if (length > MAX_EVENT_PATTERN_LENGTH) {
    throw new ValidationError(
      path,
      'filter',
      props.filter,
      `The event pattern would be ${length} characters; EventBridge allows ${MAX_EVENT_PATTERN_LENGTH}. Filter on fewer fields or values.`,
    );
  }
  const retries = props.retryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 185)) {
    throw new ValidationError(path, 'retryAttempts', retries, 'Use a whole number from 0 to 185.');
  }
  const age = props.maxEventAge?.toSeconds();
  if (age !== undefined && (age < 60 || age > 86400)) {
    throw new ValidationError(
      path,
      'maxEventAge',
      props.maxEventAge?.toHumanString(),
      'Use a duration from 1 minute to 24 hours.',
    );
  }
}

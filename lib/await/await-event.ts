import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DomainEvent } from '../events/domain-event';
import { TRANSIENT_LAMBDA_ERRORS } from '../workflow/context-task';
import { expr, isJsonata, lit, withDataKey, withError } from '../workflow/jsonata';

/** Options of `context.await(name, options)`. */
export interface AwaitOptions<E extends string = string> {
  /**
   * The events that end the wait, published by other contexts: `restaurants.event('OrderAccepted')`.
   * The first to arrive with the same correlation value wins.
   */
  readonly events: DomainEvent[];
  /**
   * The field that ties an event to this execution, as a dotted path in both
   * the workflow's `data` and the event's `data` (`orderId`).
   */
  readonly correlateBy: string;
  /**
   * How long to wait. Required: a wait without a timeout can hang for a year
   * and never trip an alarm.
   */
  readonly timeout: Duration;
  /** The event this context publishes when the wait times out (`OrderTimedOut`). */
  readonly onTimeout: E;
  /**
   * Where the awaited event lands in the workflow's `data`:
   * `data.<resultKey> = { event, source, eventId, data }`. On timeout
   * it holds `{ Error: 'States.Timeout', Cause }` instead.
   *
   * @default 'awaited'
   */
  readonly resultKey?: string;
  /**
   * What of the awaited event the workflow keeps besides its identity
   * (`event`, `source`, `eventId`, always kept: `when()` branches on them).
   *
   * @default - its whole `data`, not its `metadata`
   */
  readonly keep?: AwaitKeep;
}

/**
 * What an await keeps of the event that ends it. Whatever lands in the
 * workflow's data is re-published by the workflow's later events, so keep
 * what the workflow needs.
 */
export interface AwaitKeep {
  /**
   * Dotted paths of the fields of the event's `data` to keep (`['reason', 'tracking.number']`);
   * fields the event lacks are left out.
   *
   * @default - the whole `data`
   */
  readonly data?: string[];
  /**
   * Keep the event's envelope `metadata` (its correlation and causation ids,
   * the publisher's execution) at `data.<resultKey>.metadata`.
   *
   * @default false - another context's metadata stays in its own envelope
   */
  readonly metadata?: boolean;
}

/** The parts of an await, built by its bounded context. */
export interface AwaitEventParts {
  readonly wait: tasks.LambdaInvoke;
  readonly timeoutPublish: sfn.TaskStateBase;
  readonly events: DomainEvent[];
  readonly resultKey: string;
  readonly timeout: Duration;
  /** @default sfn.QueryLanguage.JSON_PATH */
  readonly queryLanguage?: sfn.QueryLanguage;
}

/**
 * The error of an await whose `when()` branches do not cover the event that
 * arrived: the Choice's Default, so that it never ends with `States.NoChoiceMatched`.
 */
export const UNEXPECTED_EVENT_ERROR = 'UnexpectedAwaitedEvent';

/**
 * A workflow step that pauses until another context publishes one of the
 * awaited events for this execution's correlation value, or times out.
 *
 * Continue with `.next(...)` whatever event came, or branch with
 * `.when(event, next)` for every awaited event. After a timeout the `onTimeout`
 * event is published, then the workflow follows `.whenTimedOut(next)` or, by
 * default, compensates and fails.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
export class AwaitEvent extends sfn.StateMachineFragment {
  public readonly startState: sfn.State;
  /** The `lambda:invoke.waitForTaskToken` state that registers the waiter and waits. */
  public readonly wait: tasks.LambdaInvoke;
  /** The state that publishes the `onTimeout` event. */
  public readonly timeoutPublish: sfn.TaskStateBase;
  /** The awaited events. */
  public readonly events: DomainEvent[];
  /** Where the awaited event lands: `$.data.<resultKey>`. */
  public readonly resultKey: string;
  /** The await's timeout, in seconds. */
  public readonly timeoutSeconds: number;
  /**
   * The Choice's Default once `when()` is used: a state that records
   * `UnexpectedAwaitedEvent` in `$.error`; the saga continues it on the failure path.
   */
  public unexpectedEvent?: sfn.Pass;
  private choice?: sfn.Choice;
  private readonly branches = new Set<DomainEvent>();
  private timeoutPath?: sfn.IChainable;
  private readonly queryLanguage?: sfn.QueryLanguage;

  /** @internal */
  constructor(scope: Construct, id: string, parts: AwaitEventParts) {
    super(scope, id);
    this.wait = parts.wait;
    this.timeoutPublish = parts.timeoutPublish;
    this.events = parts.events;
    this.resultKey = parts.resultKey;
    this.timeoutSeconds = parts.timeout.toSeconds();
    this.queryLanguage = parts.queryLanguage;
    this.startState = this.wait;
  }

  public get endStates(): sfn.INextable[] {
    return this.choice ? [] : [this.wait];
  }

  /** Continue with `next` when `event` is the one that arrived. */
  public when(event: DomainEvent, next: sfn.IChainable): this {
    if (!this.events.includes(event)) {
      throw new Error(
        `[${this.node.path}] when(${event.name}): ${event.name} is not awaited here; awaited: ${this.events.map((e) => e.name).join(', ')}`,
      );
    }
    const jsonata = isJsonata(this.queryLanguage);
    if (!this.choice) {
      const cause = `${this.wait.stateId} has no when() branch for the event that arrived`;
      this.choice = (jsonata ? sfn.Choice.jsonata : sfn.Choice.jsonPath)(this, 'Which', {
        stateName: `${this.wait.stateId}: which event?`,
      });
      this.unexpectedEvent = jsonata
        ? sfn.Pass.jsonata(this, 'Unexpected', {
            stateName: `${this.wait.stateId}: unexpected event`,
            outputs: expr(withError(UNEXPECTED_EVENT_ERROR, cause)),
          })
        : new sfn.Pass(this, 'Unexpected', {
            stateName: `${this.wait.stateId}: unexpected event`,
            parameters: { Error: UNEXPECTED_EVENT_ERROR, Cause: cause },
            resultPath: '$.error',
          });
      this.choice.otherwise(this.unexpectedEvent);
      this.wait.next(this.choice);
    }
    this.branches.add(event);
    if (jsonata) {
      // A comparison with a field that is absent is false in JSONata: no guard needed.
      const awaited = `$states.input.data.${this.resultKey}`;
      this.choice.when(
        sfn.Condition.jsonata(
          expr(
            `${awaited}.event = ${lit(event.name)} and ${awaited}.source = ${lit(event.source)}`,
          ),
        ),
        next,
      );
      return this;
    }
    const base = `$.data.${this.resultKey}`;
    // Guarded by IsPresent: a comparison on an absent path fails with the
    // uncatchable States.Runtime; an output without them goes to the Default.
    this.choice.when(
      sfn.Condition.and(
        sfn.Condition.isPresent(`${base}.event`),
        sfn.Condition.stringEquals(`${base}.event`, event.name),
        sfn.Condition.isPresent(`${base}.source`),
        sfn.Condition.stringEquals(`${base}.source`, event.source),
      ),
      next,
    );
    return this;
  }

  /** Continue with `next` after the `onTimeout` event is published, instead of compensating and failing. */
  public whenTimedOut(next: sfn.IChainable): this {
    this.timeoutPath = next;
    this.timeoutPublish.next(next);
    return this;
  }

  /** Whether {@link whenTimedOut} was given a path. */
  public get hasTimeoutPath(): boolean {
    return this.timeoutPath !== undefined;
  }

  /** Awaited events without a `when` branch, when branching is used. */
  public get unbranchedEvents(): DomainEvent[] {
    return this.choice ? this.events.filter((e) => !this.branches.has(e)) : [];
  }
}

/**
 * The wait state: invoke the resumer with the task token and the correlation
 * value, and wait until it sends the event back.
 */
export function waitState(
  scope: Construct,
  stateName: string,
  resumer: lambda.IFunction,
  options: {
    correlateBy: string;
    timeout: Duration;
    resultKey: string;
    queryLanguage?: sfn.QueryLanguage;
  },
): tasks.LambdaInvoke {
  const wait = isJsonata(options.queryLanguage)
    ? jsonataWait(scope, stateName, resumer, options)
    : jsonPathWait(scope, stateName, resumer, options);
  wait.addRetry({
    errors: TRANSIENT_LAMBDA_ERRORS,
    interval: Duration.seconds(1),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.seconds(30),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return wait;
}

/**
 * How long the correlation store remembers a waiter after its deadline: a
 * little longer than it can wait, after that a new execution may take the key.
 */
export const WAITER_GRACE_SECONDS = 60;

/**
 * The JSONata wait: the definition computes the await's deadline and the
 * waiter record's expiry (epoch seconds, DynamoDB TTL) from the clock JSONata
 * has, `$now()`, instead of the resumer computing them.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * @see https://docs.jsonata.org/date-time-functions
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-before-you-start.html
 */
function jsonataWait(
  scope: Construct,
  stateName: string,
  resumer: lambda.IFunction,
  options: { timeout: Duration; resultKey: string },
): tasks.LambdaInvoke {
  const seconds = options.timeout.toSeconds();
  return tasks.LambdaInvoke.jsonata(scope, 'Wait', {
    stateName,
    lambdaFunction: resumer,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromText(
      expr(
        `($t := $toMillis($now()); {"token": $states.context.Task.Token, "await": ${lit(stateName)}, ` +
          '"data": $states.input.data, "executionArn": $states.context.Execution.Id, ' +
          '"metadata": $states.input.metadata, ' +
          `"deadline": $fromMillis($t + ${seconds * 1000}), ` +
          `"expiresAt": $floor($t / 1000) + ${seconds + WAITER_GRACE_SECONDS}})`,
      ),
    ),
    taskTimeout: sfn.Timeout.duration(options.timeout),
    outputs: expr(withDataKey(options.resultKey, '$states.result')),
    retryOnServiceExceptions: false,
  });
}

function jsonPathWait(
  scope: Construct,
  stateName: string,
  resumer: lambda.IFunction,
  options: { timeout: Duration; resultKey: string },
): tasks.LambdaInvoke {
  return new tasks.LambdaInvoke(scope, 'Wait', {
    stateName,
    lambdaFunction: resumer,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      token: sfn.JsonPath.taskToken,
      await: stateName,
      // The whole data, not `$.data.<correlateBy>`: a path that points at nothing
      // fails the state with the uncatchable States.Runtime, while the resumer
      // raises CorrelationValueMissing, which the saga catches and compensates.
      // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
      'data.$': '$.data',
      'executionArn.$': '$$.Execution.Id',
      'metadata.$': '$.metadata',
    }),
    taskTimeout: sfn.Timeout.duration(options.timeout),
    resultPath: `$.data.${options.resultKey}`,
    retryOnServiceExceptions: false,
  });
}

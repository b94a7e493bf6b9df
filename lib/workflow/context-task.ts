import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DomainEvent } from '../events/domain-event';
import { ValidationError } from '../checks/validation-error';
import { businessErrorProblem } from './error-names';

/**
 * Errors of the Lambda service itself (not of the handler's code), which are
 * always worth retrying: AWS's recommended set ("Handle Lambda service
 * exceptions": ClientExecutionTimeoutException, ServiceException,
 * AWSLambdaException, SdkClientException), plus TooManyRequestsException,
 * raised when Lambda hits its concurrency limit.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 */
export const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** How a task retries before it fails for good. */
export interface TaskRetryOptions {
  /**
   * Error names retried on top of the transient Lambda service errors, for
   * example your handler's own `TransientError` class name.
   *
   * @default - only the transient Lambda service errors
   */
  readonly errors?: string[];
  /** @default 6 */
  readonly maxAttempts?: number;
  /** @default Duration.seconds(1) */
  readonly interval?: Duration;
  /** @default 2 */
  readonly backoffRate?: number;
  /** @default Duration.seconds(30) */
  readonly maxDelay?: Duration;
}

/** The undo of a completed task: its handler and the event it publishes. */
export interface TaskCompensation {
  readonly handler: lambda.IFunction;
  readonly event: DomainEvent;
}

/** The parts of a task, built by its bounded context. */
export interface ContextTaskParts {
  readonly handler: lambda.IFunction;
  readonly compensation?: TaskCompensation;
  readonly invoke: tasks.LambdaInvoke;
  readonly publish?: sfn.TaskStateBase;
  readonly event?: DomainEvent;
}

/**
 * One step of a workflow: invoke a handler, then publish the event it emits.
 *
 * Chain it like any Step Functions state (`a.next(b)`, inside a `Choice`,
 * `Parallel` or `Map`). Built with `context.task(...)`, never directly.
 */
export class ContextTask extends sfn.StateMachineFragment {
  public readonly startState: sfn.State;
  public readonly endStates: sfn.INextable[];
  /** The task's Lambda handler. */
  public readonly handler: lambda.IFunction;
  /** The `lambda:invoke` state, to add your own `Retry` or `Catch` rules. */
  public readonly invoke: tasks.LambdaInvoke;
  /** The state that publishes {@link event} once the handler has succeeded, if the task emits one. */
  public readonly publish?: sfn.TaskStateBase;
  /** The domain event published when this task completes, if any. */
  public readonly event?: DomainEvent;
  /** The task's name: its state name in the workflow. */
  public readonly taskName: string;
  /** How the task is undone when a later step fails, if it can be. */
  public readonly compensation?: TaskCompensation;
  private readonly routed = new Set<string>();

  /** @internal */
  constructor(scope: Construct, id: string, parts: ContextTaskParts) {
    super(scope, id);
    this.taskName = parts.invoke.stateId;
    this.handler = parts.handler;
    this.invoke = parts.invoke;
    this.publish = parts.publish;
    this.event = parts.event;
    this.compensation = parts.compensation;
    if (this.publish) this.invoke.next(this.publish);
    this.startState = this.invoke;
    this.endStates = [this.publish ?? this.invoke];
  }

  /**
   * Send the errors the handler throws under `error` (the error's `name`, for
   * example `PaymentDeclined`) to `next`, as a business outcome: no
   * `TaskFailed`, no compensation, and the execution goes on (and succeeds if
   * the path ends normally). `next` finds `{ Error, Cause }` at `$.error` and
   * the task's input unchanged at `$.data`.
   *
   * The task's retries still come first. Any other error fails the task for
   * good as before: `TaskFailed`, compensations, `WorkflowFailed`.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-fallback-states
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-handling-error-conditions.html - a Node.js handler's error `name` is the error Step Functions matches
   */
  public onError(error: string, next: sfn.IChainable): this {
    const problem = businessErrorProblem(error);
    if (problem) throw new ValidationError(this.node.path, 'onError error', error, problem);
    if (this.routed.has(error)) {
      throw new ValidationError(
        this.node.path,
        'onError error',
        error,
        `${this.taskName} already sends ${error} to a state; route each error once (one state can take several errors: call onError for each with the same next).`,
      );
    }
    this.routed.add(error);
    this.invoke.addCatch(next, { errors: [error], resultPath: '$.error' });
    return this;
  }

  /** The error names sent to a state with {@link onError}. */
  public get routedErrors(): string[] {
    return [...this.routed];
  }
}

/**
 * The `lambda:invoke` state of a task: the handler receives `{ metadata, data, task }`
 * and what it returns replaces `$.data`.
 *
 * The integration's own service-exception retry is replaced by one with full
 * jitter, so that throttled retries do not arrive in lockstep.
 */
export function invokeState(
  scope: Construct,
  id: string,
  stateName: string,
  handler: lambda.IFunction,
  retry: TaskRetryOptions = {},
  options: { resultPath?: string; payload?: Record<string, unknown> } = {},
): tasks.LambdaInvoke {
  const invoke = new tasks.LambdaInvoke(scope, id, {
    stateName,
    lambdaFunction: handler,
    payload: sfn.TaskInput.fromObject({
      'metadata.$': '$.metadata',
      'data.$': '$.data',
      task: stateName,
      ...options.payload,
    }),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    resultPath: options.resultPath ?? '$.data',
  });
  invoke.addRetry({
    errors: [...TRANSIENT_LAMBDA_ERRORS, ...(retry.errors ?? [])],
    interval: retry.interval ?? Duration.seconds(1),
    maxAttempts: retry.maxAttempts ?? 6,
    backoffRate: retry.backoffRate ?? 2,
    maxDelay: retry.maxDelay ?? Duration.seconds(30),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return invoke;
}

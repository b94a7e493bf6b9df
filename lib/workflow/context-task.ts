import { Duration, Lazy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DomainEvent } from '../events/domain-event';
import { ValidationError } from '../checks/validation-error';
import { businessErrorProblem } from './error-names';
import {
  checkedEnvelope,
  expr,
  isJsonata,
  NORMALIZED_METADATA,
  QUERY_EVALUATION_ERROR,
} from './jsonata';

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
  /** @default sfn.QueryLanguage.JSON_PATH */
  readonly queryLanguage?: sfn.QueryLanguage;
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
  private readonly routes = new Set<sfn.State>();
  private readonly queryLanguage?: sfn.QueryLanguage;

  /** @internal */
  constructor(scope: Construct, id: string, parts: ContextTaskParts) {
    super(scope, id);
    this.taskName = parts.invoke.stateId;
    this.handler = parts.handler;
    this.invoke = parts.invoke;
    this.publish = parts.publish;
    this.event = parts.event;
    this.compensation = parts.compensation;
    this.queryLanguage = parts.queryLanguage;
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
    this.routes.add(next.startState);
    const into = isJsonata(this.queryLanguage)
      ? {
          // Rendered at synthesis: the first state of a workflow also defaults causationId.
          outputs: Lazy.string({
            produce: () =>
              catchInto('error', this.queryLanguage, {
                normalizeMetadata: FIRST_STATES.has(this.invoke),
              }).outputs,
          }),
        }
      : catchInto('error', this.queryLanguage);
    this.invoke.addCatch(next, { errors: [error], ...into });
    return this;
  }

  /** The states that {@link onError} sends errors to. */
  public get routeTargets(): sfn.State[] {
    return [...this.routes];
  }

  /** The error names sent to a state with {@link onError}. */
  public get routedErrors(): string[] {
    return [...this.routed];
  }
}

/**
 * Catch props that record the error output at `key` of the state's input
 * (`ResultPath: $.<key>` in JSONPath, an `Output` that merges it in JSONata).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export function catchInto(
  key: string,
  queryLanguage: sfn.QueryLanguage | undefined,
  options: { normalizeMetadata?: boolean } = {},
): Pick<sfn.CatchProps, 'resultPath' | 'outputs'> {
  if (!isJsonata(queryLanguage)) return { resultPath: `$.${key}` };
  const metadata = options.normalizeMetadata ? `, "metadata": ${NORMALIZED_METADATA}` : '';
  return {
    outputs: expr(
      `$merge([$states.input, {${JSON.stringify(key)}: $states.errorOutput${metadata}}])`,
    ),
  };
}

/** How an invoke state reads and writes the workflow state. */
export interface InvokeStateOptions {
  /** Where the handler's result goes: `data` (default) or another key of the state. */
  readonly resultKey?: string;
  /** More payload fields, JSONPath Parameters (`'error.$': '$.error'`). */
  readonly payload?: Record<string, unknown>;
  /** The same fields as JSONata expressions (without `{% %}`). */
  readonly jsonataPayload?: Record<string, string>;
  /** @default sfn.QueryLanguage.JSON_PATH */
  readonly queryLanguage?: sfn.QueryLanguage;
}

/** The JSONata invokes that are their workflow's first state, with the envelope rules. */
const FIRST_STATES = new WeakMap<sfn.State, string>();

/**
 * Makes a JSONata invoke the first state of its workflow: it checks the
 * envelope before it invokes the handler (an invalid one fails it with
 * States.QueryEvaluationError, nothing invoked) and defaults `causationId`
 * in the payload and in its output.
 */
export function makeFirstState(invoke: tasks.LambdaInvoke, envelopeRules: string): void {
  FIRST_STATES.set(invoke, envelopeRules);
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
  options: InvokeStateOptions = {},
): tasks.LambdaInvoke {
  const invoke = isJsonata(options.queryLanguage)
    ? jsonataInvoke(scope, id, stateName, handler, options)
    : new tasks.LambdaInvoke(scope, id, {
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
        resultPath: `$.${options.resultKey ?? 'data'}`,
      });
  if (isJsonata(options.queryLanguage)) {
    // An expression that failed fails again: not retried, whatever the task's retry lists.
    invoke.addRetry({ errors: [QUERY_EVALUATION_ERROR], maxAttempts: 0 });
  }
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

/**
 * The JSONata invoke: Arguments build the payload, Output puts the result at
 * its key of the state's input. Both are rendered at synthesis, once the
 * workflow knows whether the invoke is its first state ({@link makeFirstState}).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
function jsonataInvoke(
  scope: Construct,
  id: string,
  stateName: string,
  handler: lambda.IFunction,
  options: InvokeStateOptions,
): tasks.LambdaInvoke {
  const rules = (): string | undefined => FIRST_STATES.get(invoke);
  const metadata = (): string =>
    rules() === undefined ? '$states.input.metadata' : NORMALIZED_METADATA;
  const payload = (): string => {
    const fields: [string, string][] = [
      ['metadata', metadata()],
      ['data', '$states.input.data'],
      ['task', JSON.stringify(stateName)],
      ...Object.entries(options.jsonataPayload ?? {}),
    ];
    const text = `{${fields.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`;
    const first = rules();
    return expr(first === undefined ? text : checkedEnvelope(text, first));
  };
  const output = (): string => {
    const normalized = rules() === undefined ? '' : `, "metadata": ${NORMALIZED_METADATA}`;
    return expr(
      `$merge([$states.input, {${JSON.stringify(options.resultKey ?? 'data')}: $states.result${normalized}}])`,
    );
  };
  const invoke = tasks.LambdaInvoke.jsonata(scope, id, {
    stateName,
    lambdaFunction: handler,
    payload: sfn.TaskInput.fromText(Lazy.string({ produce: payload })),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    outputs: Lazy.string({ produce: output }),
  });
  return invoke;
}

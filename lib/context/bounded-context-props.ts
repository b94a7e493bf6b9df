import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IDomainEventBus } from '../bus/domain-event-bus';
import { EventDeclarations } from '../events/event-schema';
import { TaskRetryOptions } from '../workflow/context-task';

/** Properties of a {@link BoundedContext}. */
export interface BoundedContextProps<E extends string = string> {
  /** The domain event bus the contexts share. */
  readonly bus: IDomainEventBus;
  /**
   * The domain events this context publishes: its published language.
   *
   * Either the names only (`['OrderPlaced']`, data undescribed), or each name
   * with the Zod schema of its `data`
   * (`{ OrderPlaced: z.object({ orderId: z.string(), total: z.number() }) }`):
   * the schema then goes to the schema registry, the handler runtime checks
   * what a task emits against it, filters and `correlateBy` are checked
   * against it at synth, and `cdk-ensemble docs` describes it. Either way
   * `context.event('OrderPlacd')` is a compile error. The lifecycle events
   * (`WorkflowStarted`, `WorkflowSucceeded`, `TaskFailed`, `WorkflowFailed`)
   * are always declared.
   */
  readonly events: EventDeclarations<E>;
  /**
   * The context name, the second segment of its events' `source` (`orders` in `food.orders`).
   *
   * @default - the construct id in kebab case (`OrderTaking` → `order-taking`)
   */
  readonly contextName?: string;
  /**
   * Standard or Express workflow.
   *
   * Express suits a context that does not await: billed per execution and
   * duration rather than per state transition, but at-least-once (an
   * execution may run twice, so its handlers must be idempotent), five
   * minutes at most, no `.waitForTaskToken` nor `.sync`, and its history only
   * in the workflow's log group. See the README's cost table.
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
   * @default sfn.StateMachineType.STANDARD - exactly once, up to a year, can await
   */
  readonly workflowType?: sfn.StateMachineType;
  /**
   * The longest an execution may run before it fails with `States.Timeout`.
   *
   * At least 1 second, and longer than every await's timeout: an execution
   * that times out ends at once, without the await's timeout path.
   *
   * @default Duration.days(1) - five minutes, the most, for an Express workflow
   */
  readonly workflowTimeout?: Duration;
  /**
   * Retention of the workflow's and the handlers' log groups.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Who publishes the events of this context's tasks by default: see
   * {@link TaskOptions.publishFrom}.
   *
   * @default 'workflow'
   */
  readonly publishFrom?: 'workflow' | 'handler';
  /**
   * The query language of the workflow's definition.
   *
   * JSONata (the default) checks the envelope, defaults `causationId` and
   * computes the await's deadline in expressions, and publishes the first
   * task's event with `WorkflowStarted` and the last one's with
   * `WorkflowSucceeded`: fewer billed state transitions for the same events.
   * Your own states in the workflow must then be JSONata too (`sfn.Choice.jsonata`,
   * `sfn.Condition.jsonata('{% ... %}')`, `sfn.Pass.jsonata`...); JSONPath keeps
   * the layout of earlier versions and your JSONPath states.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
   * @default sfn.QueryLanguage.JSONATA
   */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * Defaults for every handler of this context.
   *
   * @default - see {@link HandlerDefaults}
   */
  readonly handlerDefaults?: HandlerDefaults;
}

/** Settings of the Lambda functions that run a context's tasks. */
export interface HandlerDefaults {
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default lambda.Architecture.ARM_64 - about 20 % cheaper than x86 for the same work */
  readonly architecture?: lambda.Architecture;
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/** The undo of a task: run when a later step fails for good or an await times out. */
export interface CompensationOptions<E extends string = string> {
  /** The compensation handler's entry file. It receives `{ metadata, data, task, error }`. */
  readonly entry: string;
  /** The event published once the task is undone (`PaymentRefunded`). */
  readonly emits: E;
  /** @default 'handler' */
  readonly handlerExport?: string;
}

/** Options of `context.task(name, options)`. */
export interface TaskOptions<E extends string = string> {
  /** The handler's entry file (TypeScript or JavaScript), relative to the working directory or absolute. */
  readonly entry: string;
  /**
   * The domain event published when the task completes.
   *
   * @default - the task publishes no event of its own; follow it with a
   * `Choice` and `context.emit(...)` to publish an outcome it decided
   */
  readonly emits?: E;
  /**
   * Who publishes `emits`: a state of the workflow after the handler returns,
   * or the handler itself (through `taskHandler` from the library's handler
   * runtime) before it returns.
   *
   * `'handler'` saves one state transition per task ($0.025 per 1,000) with
   * the same envelope and the same at-least-once guarantee: the event is
   * published only if the handler succeeds, a publish failure fails the
   * handler (its retries apply), and the event id is derived from the
   * execution and task so that a retried task's duplicate is recognisable.
   *
   * @default 'workflow'
   */
  readonly publishFrom?: 'workflow' | 'handler';
  /**
   * How to undo the task when a later step fails for good (saga compensation).
   *
   * @default - the task is not undone
   */
  readonly compensate?: CompensationOptions<E>;
  /**
   * The exported function of the entry file.
   *
   * @default 'handler'
   */
  readonly handlerExport?: string;
  /** Environment variables of the handler, on top of the library's own. @default - none */
  readonly environment?: Record<string, string>;
  /** @default - the context's handlerDefaults.memorySize */
  readonly memorySize?: number;
  /** @default - the context's handlerDefaults.timeout */
  readonly timeout?: Duration;
  /** Retries before the task fails for good. @default - transient Lambda errors, 6 attempts, full jitter */
  readonly retry?: TaskRetryOptions;
  /** Modules to leave out of the bundle besides `@aws-sdk/*`. @default - none */
  readonly externalModules?: string[];
}

/** Options of `context.emit(event, options)`. */
export interface EmitOptions {
  /**
   * The event's `data`: a JSONPath into the workflow state, or Parameters.
   *
   * @default '$.data'
   */
  readonly data?: string | Record<string, unknown>;
  /**
   * The state name.
   *
   * @default 'Publish <EventName>'
   */
  readonly stateName?: string;
}

/** Options of `context.fail(name, options)`. */
export interface FailOptions {
  /** The error name the execution fails with. */
  readonly error: string;
  /** A human-readable cause, published in the failure events. */
  readonly cause: string;
}

/** Options of `context.compensate(name, options)`. */
export interface CompensateOptions {
  /** The business reason, recorded at `$.error.Error` for the compensation handlers (`FraudSuspected`). */
  readonly error: string;
  /** A human-readable cause, at `$.error.Cause`. */
  readonly cause: string;
  /**
   * Where the workflow goes on once the compensations ran, typically the emit
   * of the business outcome (`context.emit('LoanCancelled')`).
   */
  readonly then: sfn.IChainable;
}

/** Options of `context.workflow(definition, options)`. */
export interface WorkflowOptions<E extends string = string> {
  /**
   * An event of this context published when the workflow fails for good,
   * after the compensations ran and before `WorkflowFailed`
   * (`OrderCancelled`, with `data.reason`).
   *
   * The same as `failureEvents: { default: event }`.
   *
   * @default - only `WorkflowFailed` is published
   */
  readonly failureEvent?: E;
  /**
   * The event published when the workflow fails for good, per error name
   * (`$.error.Error`), with `default` for every other error:
   * `{ InvalidLoan: 'LoanRejected', default: 'LoanFailed' }`. Published after
   * the compensations ran and before `WorkflowFailed`, with the workflow's
   * data and `Error` and `Cause`.
   *
   * These are the events of technical failures and of `fail()`: a business
   * refusal that should not fail the execution is a route (`task.onError`,
   * `context.compensate`) that ends in an emit instead.
   *
   * @default - `failureEvent` for every error, if given
   */
  readonly failureEvents?: { readonly [error: string]: E };
  /** A comment stored in the state machine definition. @default - none */
  readonly comment?: string;
}

import * as path from 'node:path';
import * as fs from 'node:fs';
import { Annotations, Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { IDomainEventBus } from '../bus/domain-event-bus';
import { HandlerBundler } from '../bundling/handler-bundler';
import { referencedConstructs } from '../checks/boundary';
import { ValidationError } from '../checks/validation-error';
import { encryptedDeadLetterQueue } from '../routing/dead-letter-queue';
import { Subscription, SubscriptionOptions } from '../routing/subscription';
import { ContextTask, invokeState, TaskRetryOptions } from '../workflow/context-task';
import { envelopeCheck } from '../workflow/envelope-check';
import { publishState } from '../workflow/publish';
import {
  contextNameFromId,
  DomainEvent,
  eventNameProblems,
  eventSource,
  LIFECYCLE_EVENTS,
  LifecycleEvent,
  sourceSegmentProblems,
} from './domain-event';

/** Properties of a {@link BoundedContext}. */
export interface BoundedContextProps<E extends string = string> {
  /** The domain event bus the contexts share. */
  readonly bus: IDomainEventBus;
  /**
   * The domain events this context publishes: its published language.
   *
   * Declare them as a literal array and `context.event('OrderPlacd')` becomes a
   * compile error. The lifecycle events (`WorkflowStarted`, `WorkflowSucceeded`,
   * `TaskFailed`, `WorkflowFailed`) are always declared.
   */
  readonly events: readonly E[];
  /**
   * The context name, the second segment of its events' `source` (`orders` in `food.orders`).
   *
   * @default - the construct id in kebab case (`OrderTaking` → `order-taking`)
   */
  readonly contextName?: string;
  /**
   * Standard or Express workflow.
   *
   * @default sfn.StateMachineType.STANDARD - Express workflows cannot wait for a task token
   */
  readonly workflowType?: sfn.StateMachineType;
  /**
   * The longest an execution may run before it fails with `States.Timeout`.
   *
   * @default Duration.days(1)
   */
  readonly workflowTimeout?: Duration;
  /**
   * Retention of the workflow's and the handlers' log groups.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Defaults for every task handler of this context.
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

/** Options of `context.workflow(definition, options)`. */
export interface WorkflowOptions {
  /** A comment stored in the state machine definition. @default - none */
  readonly comment?: string;
}

const LOG_LEVELS = new Set(['DEBUG', 'INFO', 'WARN', 'ERROR']);

/** The context that declares each event. */
const PUBLISHER = new WeakMap<DomainEvent, BoundedContext>();

/**
 * One business capability owned by one team: a workflow (Step Functions state
 * machine) whose tasks run Lambda handlers, and whose every state change is
 * published on the shared domain event bus.
 *
 * Orchestration stays inside the context; other contexts are reached only
 * through events, with {@link BoundedContext.on}. Synth fails when a workflow
 * reaches into another context's handlers or state machine.
 *
 * @example
 * const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
 * orders.workflow(orders.task('PlaceOrder', { entry: 'lambda/orders/place-order.ts', emits: 'OrderPlaced' }));
 * promotions.on(orders.event('OrderPlaced'));
 */
export class BoundedContext<E extends string = string> extends Construct {
  /** The context name (`orders`). */
  public readonly contextName: string;
  /** The EventBridge `source` of this context's events (`food.orders`). */
  public readonly source: string;
  /** The bus this context publishes on and subscribes to. */
  public readonly bus: IDomainEventBus;
  /** Dead-letter queue of every subscription target of this context. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The handlers of this context's tasks, by task name. */
  public readonly handlers = new Map<string, lambda.Function>();

  private readonly props: BoundedContextProps<E>;
  private readonly declared: Map<string, DomainEvent>;
  private readonly stateNames = new Set<string>();
  private readonly subscriptions: Subscription[] = [];
  private _stateMachine?: sfn.StateMachine;
  private _workflowStart?: sfn.State;
  private failureTail?: sfn.State;

  constructor(scope: Construct, id: string, props: BoundedContextProps<E>) {
    super(scope, id);
    this.props = props;
    this.bus = props.bus;
    this.contextName = props.contextName ?? contextNameFromId(id);
    this.validateProps();
    this.source = eventSource(props.bus.appName, this.contextName);
    this.declared = new Map(
      [...LIFECYCLE_EVENTS, ...props.events].map((name) => [name, this.domainEvent(name)]),
    );
    this.deadLetterQueue = encryptedDeadLetterQueue(this, 'Dlq');
    this.node.addValidation({ validate: () => this.validateGraph() });
  }

  /** The state machine of this context's workflow; defined by {@link workflow}. */
  public get stateMachine(): sfn.StateMachine {
    if (!this._stateMachine) {
      throw new Error(
        `[${this.node.path}] has no workflow yet: call ${this.contextName}.workflow(...) first`,
      );
    }
    return this._stateMachine;
  }

  /** Whether {@link workflow} was called. */
  public get hasWorkflow(): boolean {
    return this._stateMachine !== undefined;
  }

  /**
   * A domain event this context publishes, to subscribe to from another context.
   *
   * @throws when the context does not declare the event
   */
  public event(name: E | LifecycleEvent): DomainEvent {
    const event = this.declared.get(name);
    if (!event) {
      throw new ValidationError(
        this.node.path,
        'event name',
        name,
        `${this.contextName} publishes ${[...this.declared.keys()].join(', ')}. Declare '${name}' in its events, or subscribe to one of those.`,
      );
    }
    return event;
  }

  /** Every event this context declares, lifecycle events included. */
  public get events(): DomainEvent[] {
    return [...this.declared.values()];
  }

  /**
   * A task: invoke a handler built from `entry`, then publish `emits`.
   *
   * The handler receives `{ metadata, data, task }` and returns the new `data`.
   * Transient Lambda errors are retried with backoff and full jitter; when the
   * task fails for good a `TaskFailed` event is published, then `WorkflowFailed`,
   * and the workflow fails.
   */
  public task(name: string, options: TaskOptions<E>): ContextTask {
    this.claimStateName(name, 'task name');
    const event = options.emits === undefined ? undefined : this.event(options.emits);
    const handler = this.buildHandler(name, options);
    const task = new Construct(this, name);
    const invoke = invokeState(task, 'Invoke', name, handler, options.retry);
    const publish = event && this.publishStateFor(task, 'Publish', event, name, '$.data');
    invoke.addCatch(this.failurePath(task, name), {
      errors: ['States.ALL'],
      resultPath: '$.error',
    });
    return new ContextTask(task, 'Fragment', { handler, invoke, publish, event });
  }

  /**
   * A state that publishes one of this context's events, for paths that do not
   * end a task (after a `Choice`, for instance).
   */
  public emit(name: E, options: EmitOptions = {}): sfn.TaskStateBase {
    const event = this.event(name);
    const stateName = options.stateName ?? this.publishStateName(name, name);
    return this.publishStateFor(
      this,
      `Emit${name}`,
      event,
      stateName,
      options.data ?? '$.data',
      stateName,
    );
  }

  /**
   * Define this context's workflow: a Step Functions state machine that checks
   * its input envelope, publishes `WorkflowStarted`, runs `definition` and
   * publishes `WorkflowSucceeded`.
   *
   * Input: `{ metadata: { correlationId, causationId? }, data: {...} }`. An
   * input without a `correlationId` or `data` fails at once with
   * `InvalidEnvelope`, before any side effect.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
   */
  public workflow(definition: sfn.IChainable, options: WorkflowOptions = {}): sfn.StateMachine {
    if (this._stateMachine) {
      throw new ValidationError(
        this.node.path,
        'workflow',
        this.contextName,
        'A bounded context has one workflow. Put the steps in one definition, branching with Choice if needed.',
      );
    }
    const started = this.publishStateFor(
      this,
      'EmitWorkflowStarted',
      this.event('WorkflowStarted'),
      'Start',
      '$.data',
    );
    const succeeded = this.publishStateFor(
      this,
      'EmitWorkflowSucceeded',
      this.event('WorkflowSucceeded'),
      'End',
      '$.data',
    );
    const body = sfn.Chain.start(started).next(definition);
    // Every path that ends normally publishes WorkflowSucceeded, including the
    // branches of a Choice left without .afterwards() and user Catch handlers.
    for (const end of sfn.State.findReachableEndStates(started, { includeErrorHandlers: true })) {
      if (end !== succeeded && isNextable(end)) end.next(succeeded);
    }
    const start = envelopeCheck(this, 'Envelope', body);
    this._workflowStart = start;
    this._stateMachine = this.buildStateMachine(start, options);
    for (const subscription of this.subscriptions) subscription.startWorkflow(this._stateMachine);
    return this._stateMachine;
  }

  /**
   * Start this context's workflow whenever `event` (of another context) is published.
   *
   * The event's `data` becomes the workflow's `data`, its `correlationId` is
   * carried over and its `eventId` becomes the `causationId`. Delivery is
   * retried for 24 hours, then the event goes to this context's encrypted
   * dead-letter queue.
   */
  public on(event: DomainEvent, options: SubscriptionOptions = {}): Subscription {
    const id = `On${pascal(event.contextName)}${event.name}`;
    if (this.node.tryFindChild(id)) {
      throw new ValidationError(
        this.node.path,
        'event',
        `${event.source} ${event.name}`,
        `${this.contextName} already subscribes to this event. Put both reactions in one workflow, or filter one subscription with options.filter.`,
      );
    }
    const subscription = new Subscription(this, id, {
      ...options,
      eventBus: this.bus.eventBus,
      event,
      deadLetterQueue: this.deadLetterQueue,
      subscriberName: this.source,
    });
    this.subscriptions.push(subscription);
    if (this._stateMachine) subscription.startWorkflow(this._stateMachine);
    return subscription;
  }

  /** The subscriptions of this context. */
  public get subscribedEvents(): DomainEvent[] {
    return this.subscriptions.map((s) => s.event);
  }

  /** Names of the events that a state of this context's workflow publishes. */
  public publishedEventNames(): Set<string> {
    const names = new Set<string>();
    if (!this._workflowStart) return names;
    for (const state of sfn.State.findReachableStates(this._workflowStart, {
      includeErrorHandlers: true,
    })) {
      const entries = (
        state.toStateJson() as { Parameters?: { Entries?: { DetailType?: string }[] } }
      ).Parameters?.Entries;
      for (const entry of entries ?? []) if (entry.DetailType) names.add(entry.DetailType);
    }
    return names;
  }

  /** Allow `grantee` to start this context's workflow. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** A metric of this context's workflow (`AWS/States`), for example `ExecutionsFailed`. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metric(metricName, props);
  }

  /** Executions that failed. */
  public metricExecutionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** Executions that timed out. */
  public metricExecutionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut(props);
  }

  /** Messages waiting in this context's dead-letter queue: events that never started the workflow. */
  public metricDeadLetters(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(props);
  }

  private domainEvent(name: string): DomainEvent {
    const problems = eventNameProblems(name);
    if (problems.length > 0) {
      throw new ValidationError(this.node.path, 'events', name, `${problems.join('; ')}.`);
    }
    const event: DomainEvent = {
      name,
      source: eventSource(this.props.bus.appName, this.contextName),
      contextName: this.contextName,
      contextPath: this.node.path,
    };
    PUBLISHER.set(event, this);
    return event;
  }

  private validateProps(): void {
    const { contextName, props } = this;
    const nameProblems = sourceSegmentProblems('contextName', contextName);
    if (nameProblems.length > 0) {
      throw new ValidationError(
        this.node.path,
        'contextName',
        contextName,
        `${nameProblems.join('; ')}.`,
      );
    }
    const seen = new Set<string>();
    for (const name of props.events) {
      if ((LIFECYCLE_EVENTS as readonly string[]).includes(name)) {
        throw new ValidationError(
          this.node.path,
          'events',
          name,
          `'${name}' is a lifecycle event that every context publishes on its own; remove it from events.`,
        );
      }
      if (seen.has(name)) {
        throw new ValidationError(
          this.node.path,
          'events',
          name,
          'The event is declared twice; declare it once.',
        );
      }
      seen.add(name);
    }
    const level = props.handlerDefaults?.logLevel;
    if (level !== undefined && !LOG_LEVELS.has(level)) {
      throw new ValidationError(
        this.node.path,
        'handlerDefaults.logLevel',
        level,
        `Use one of ${[...LOG_LEVELS].join(', ')}.`,
      );
    }
  }

  private claimStateName(name: string, property: string): void {
    if (name.length === 0 || name.length > 80) {
      throw new ValidationError(
        this.node.path,
        property,
        name,
        'State names are 1 to 80 characters long.',
      );
    }
    if (this.stateNames.has(name)) {
      throw new ValidationError(
        this.node.path,
        property,
        name,
        `Two states of the ${this.contextName} workflow would share this name; give each task a distinct name.`,
      );
    }
    this.stateNames.add(name);
  }

  private publishStateFor(
    scope: Construct,
    id: string,
    event: DomainEvent,
    aboutState: string,
    data: string | Record<string, unknown>,
    explicitName?: string,
  ): sfn.TaskStateBase {
    const stateName = explicitName ?? this.publishStateName(event.name, aboutState);
    this.claimStateName(stateName, 'state name');
    return publishState(scope, id, {
      stateName,
      eventBus: this.bus.eventBus,
      source: this.source,
      eventName: event.name,
      contextName: this.contextName,
      aboutState,
      data,
    });
  }

  /** `Publish <Event>`, or `Publish <Event> (<Task>)` when several states publish the event. */
  private publishStateName(eventName: string, aboutState: string): string {
    const plain = `Publish ${eventName}`;
    return this.stateNames.has(plain) ? `${plain} (${aboutState})` : plain;
  }

  /** `TaskFailed` for one task, then the shared `WorkflowFailed` and Fail states. */
  private failurePath(scope: Construct, taskName: string): sfn.State {
    const taskFailed = this.publishStateFor(
      scope,
      'PublishFailed',
      this.event('TaskFailed'),
      taskName,
      {
        'input.$': '$.data',
        'error.$': '$.error.Error',
        'cause.$': '$.error.Cause',
      },
    );
    taskFailed.next(this.workflowFailed());
    return taskFailed;
  }

  private workflowFailed(): sfn.State {
    if (!this.failureTail) {
      const published = this.publishStateFor(
        this,
        'EmitWorkflowFailed',
        this.event('WorkflowFailed'),
        'End',
        {
          'error.$': '$.error.Error',
          'cause.$': '$.error.Cause',
        },
      );
      this.claimStateName('Failed', 'state name');
      published.next(
        new sfn.Fail(this, 'Failed', { errorPath: '$.error.Error', causePath: '$.error.Cause' }),
      );
      this.failureTail = published;
    }
    return this.failureTail;
  }

  private buildHandler(name: string, options: TaskOptions<E>): lambda.Function {
    const entry = path.resolve(options.entry);
    if (!fs.existsSync(entry)) {
      throw new ValidationError(
        `${this.node.path}/${name}`,
        'entry',
        options.entry,
        `No file at ${entry}. Give the path of the handler's entry file, relative to the directory cdk runs in.`,
      );
    }
    const defaults = this.props.handlerDefaults ?? {};
    const bundleKey = `${this.contextName}-${name}`;
    const fn = new lambda.Function(this, `${name}Handler`, {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: defaults.architecture ?? lambda.Architecture.ARM_64,
      code: HandlerBundler.of(this).addHandler(bundleKey, entry, {
        externalModules: options.externalModules,
      }),
      handler: `index.${options.handlerExport ?? 'handler'}`,
      memorySize: options.memorySize ?? defaults.memorySize ?? 256,
      timeout: options.timeout ?? defaults.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup: new logs.LogGroup(this, `${name}HandlerLogs`, {
        retention: this.props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      description: `${this.source} ${name}`,
      environment: {
        POWERTOOLS_SERVICE_NAME: this.contextName,
        POWERTOOLS_LOG_LEVEL:
          options.environment?.POWERTOOLS_LOG_LEVEL ?? defaults.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ENSEMBLE_EVENT_BUS_NAME: this.bus.eventBus.eventBusName,
        ENSEMBLE_EVENT_SOURCE: this.source,
        ENSEMBLE_TASK: name,
        ...options.environment,
      },
    });
    this.handlers.set(name, fn);
    return fn;
  }

  private buildStateMachine(start: sfn.State, options: WorkflowOptions): sfn.StateMachine {
    const logGroup = new logs.LogGroup(this, 'WorkflowLogs', {
      // Vended-logs prefix: keeps the CloudWatch Logs resource policy under its size limit.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 200 })}`,
      retention: this.props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return new sfn.StateMachine(this, 'Workflow', {
      definitionBody: sfn.DefinitionBody.fromChainable(start),
      stateMachineType: this.props.workflowType ?? sfn.StateMachineType.STANDARD,
      timeout: this.props.workflowTimeout ?? Duration.days(1),
      tracingEnabled: true,
      comment: options.comment,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
  }

  /** Checks that need the whole app: run by CDK just before synthesis. */
  private validateGraph(): string[] {
    const errors: string[] = [];
    if (!this._workflowStart) {
      if (this.subscriptions.length > 0) {
        errors.push(
          `${this.contextName} subscribes to events but has no workflow to start. Call ${this.contextName}.workflow(...).`,
        );
      }
      return errors;
    }
    errors.push(...this.boundaryViolations(), ...this.unpublishedSubscriptions());
    const published = this.publishedEventNames();
    const never = this.props.events.filter((name) => !published.has(name));
    if (never.length > 0) {
      Annotations.of(this).addWarningV2(
        'cdk-ensemble:eventNeverPublished',
        `${this.contextName} declares ${never.join(', ')} but no state of its workflow publishes ${never.length > 1 ? 'them' : 'it'}.`,
      );
    }
    return errors;
  }

  private boundaryViolations(): string[] {
    const errors: string[] = [];
    for (const { stateName, target } of referencedConstructs(this._workflowStart!)) {
      const owner = owningContext(target);
      if (owner && owner !== this) {
        errors.push(
          `workflow state '${stateName}' invokes ${target.node.path.replace(/\/Resource$/, '')}, which belongs to bounded context '${owner.contextName}'. ` +
            `Orchestration stops at the context boundary: publish an event from ${this.contextName} and have ${owner.contextName} react to it with ${camel(owner.contextName)}.on(${camel(this.contextName)}.event('...')).`,
        );
      }
    }
    return errors;
  }

  private unpublishedSubscriptions(): string[] {
    const errors: string[] = [];
    for (const event of this.subscribedEvents) {
      const owner = PUBLISHER.get(event);
      if (!owner) continue;
      if (!owner.hasWorkflow || !owner.publishedEventNames().has(event.name)) {
        errors.push(
          `${this.contextName} subscribes to ${event.source} ${event.name}, but no state of the ${owner.contextName} workflow publishes it. ` +
            `Publish it there (a task with emits: '${event.name}', or ${camel(owner.contextName)}.emit('${event.name}')), or remove the subscription.`,
        );
      }
    }
    return errors;
  }
}

/** The bounded context a construct belongs to, if any. */
export function owningContext(construct: IConstruct): BoundedContext | undefined {
  const scopes = construct.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (scopes[i] instanceof BoundedContext) return scopes[i] as BoundedContext;
  }
  return undefined;
}

function isNextable(state: sfn.State): state is sfn.State & sfn.INextable {
  return (
    !(state instanceof sfn.Fail || state instanceof sfn.Succeed) &&
    'next' in state &&
    typeof state.next === 'function'
  );
}

function pascal(kebab: string): string {
  return kebab.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

function camel(kebab: string): string {
  const p = pascal(kebab);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

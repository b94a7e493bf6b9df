import { CfnResource, Lazy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { AwaitEvent, AwaitOptions } from '../await/await-event';
import { AwaitStore } from '../await/await-store';
import { IDomainEventBus } from '../bus/domain-event-bus';
import { ValidationError } from '../checks/validation-error';
import { CONTRACT_METADATA_KEY, ContextContract } from '../events/contract';
import { declaredDataSchema, registrySchema } from '../events/declared-events';
import {
  contextNameFromId,
  DomainEvent,
  eventNameProblems,
  eventSource,
  LIFECYCLE_EVENTS,
  LifecycleEvent,
  pascalCase,
} from '../events/domain-event';
import { declaredNames } from '../events/event-schema';
import { ContextAlarms } from '../monitoring/context-alarms';
import { encryptedDeadLetterQueue } from '../routing/dead-letter-queue';
import { Subscription, SubscriptionOptions } from '../routing/subscription';
import { ContextTask } from '../workflow/context-task';
import { isJsonata } from '../workflow/jsonata';
import {
  BoundedContextProps,
  CompensateOptions,
  EmitOptions,
  FailOptions,
  TaskOptions,
  WorkflowOptions,
} from './bounded-context-props';
import { ContextMetrics } from './private/context-metrics';
import { contextContract, correlationDataErrors, reasonState } from './private/contract-of';
import { graphErrors } from './private/graph-checks';
import { validateJsonataData, validateJsonataStates } from './private/query-language-checks';
import { workflowOutput } from './private/stack-outputs';
import { StateNames } from './private/state-names';
import {
  validateAwaitOptions,
  validateContextProps,
  validateCorrelation,
  validateReason,
  validateSubscription,
  validateTaskOptions,
  validateUserStateName,
  validateWorkflowShape,
} from './private/validate';
import { emptyWorkflowParts, WorkflowParts } from './private/wire-workflow';
import { LayoutHost, wireJsonataLayout, wireJsonPathLayout } from './private/wire-layouts';
import { failureEventsOf, WorkflowCheckScope } from './private/workflow-checks';
import { WorkflowBuilder } from './private/workflow-builder';
import { workflowStateMachine } from './private/workflow-state-machine';

/** The context that declares each event. */
const PUBLISHER = new WeakMap<DomainEvent, BoundedContext>();

/**
 * One business capability owned by one team: a workflow (Step Functions state
 * machine) whose tasks run Lambda handlers, and whose every state change is
 * published on the shared domain event bus.
 *
 * Orchestration stays inside the context; other contexts are reached only
 * through events, with {@link BoundedContext.on} and {@link BoundedContext.await}.
 * Synth fails when a workflow reaches into another context's handlers or
 * state machine.
 *
 * @example
 * const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
 * orders.workflow(orders.task('PlaceOrder', { entry: 'lambda/orders/place-order.ts', emits: 'OrderPlaced' }));
 * promotions.on(orders.event('OrderPlaced'));
 */
export class BoundedContext<E extends string = string> extends ContextMetrics<E> {
  /** The context name (`orders`). */
  public readonly contextName: string;
  /** The EventBridge `source` of this context's events (`food.orders`). */
  public readonly source: string;
  /** The bus this context publishes on and subscribes to. */
  public readonly bus: IDomainEventBus;
  /** Dead-letter queue of every subscription and await target of this context. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The handlers of this context's tasks, by task name. */
  public readonly handlers = new Map<string, lambda.Function>();

  private readonly props: BoundedContextProps<E>;
  private readonly declared: Map<string, DomainEvent>;
  private readonly eventNames: string[];
  private readonly stateNames: StateNames;
  private readonly _subscriptions: Subscription[] = [];
  /** What the context's methods collect for its workflow. */
  private readonly parts: WorkflowParts;
  private readonly builder: WorkflowBuilder;
  private _awaitStore?: AwaitStore;
  private _stateMachine?: sfn.StateMachine;
  private _workflowStart?: sfn.State;

  constructor(scope: Construct, id: string, props: BoundedContextProps<E>) {
    super(scope, id);
    this.props = props;
    this.bus = props.bus;
    this.contextName = props.contextName ?? contextNameFromId(id);
    validateContextProps(this.node.path, this.contextName, props);
    this.stateNames = new StateNames(this.node.path, this.contextName);
    this.parts = emptyWorkflowParts(this.stateNames);
    this.builder = new WorkflowBuilder(this, this.parts, props, this.handlers);
    this.source = eventSource(props.bus.appName, this.contextName);
    this.eventNames = declaredNames(props.events);
    this.declared = new Map(
      [...LIFECYCLE_EVENTS, ...this.eventNames].map((name) => [name, this.domainEvent(name)]),
    );
    for (const name of this.eventNames) {
      registrySchema(this, this.bus.schemaRegistry, this.declared.get(name)!);
    }
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

  /** The correlation store and resumer behind this context's awaits, if it has any. */
  public get awaitStore(): AwaitStore | undefined {
    return this._awaitStore;
  }

  /**
   * A domain event this context publishes, to subscribe to or await from another context.
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
        `${this.contextName} publishes ${[...this.declared.keys()].join(', ')}. Declare '${name}' in its events, or use one of those.`,
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
   * task fails for good a `TaskFailed` event is published, the compensations of
   * the tasks completed before it run in reverse order, then `WorkflowFailed`
   * is published and the workflow fails.
   */
  public task(name: string, options: TaskOptions<E>): ContextTask {
    validateTaskOptions(`${this.node.path}/${name}`, options);
    this.stateNames.claimUser(name, 'task name');
    const task = this.builder.task(name, options);
    this.parts.tasks.push(task);
    return task;
  }

  /**
   * A state that publishes one of this context's events, for paths that do not
   * end a task (after a `Choice`, for instance).
   */
  public emit(name: E, options: EmitOptions = {}): sfn.TaskStateBase {
    const event = this.event(name);
    if (options.stateName !== undefined) {
      validateUserStateName(this.node.path, 'stateName', options.stateName);
    }
    if (options.data !== undefined && isJsonata(this.builder.queryLanguage)) {
      validateJsonataData(`${this.node.path}/Emit${name}`, options.data);
    }
    const stateName = options.stateName ?? this.stateNames.publishName(name, name);
    const state = this.builder.publishState(
      this,
      this.builder.freeChildId(`Emit${name}`),
      event,
      stateName,
      options.data ?? this.builder.stateData,
      stateName,
    );
    this.parts.taskPublishes.add(state);
    return state;
  }

  /**
   * Pause the workflow until another context publishes one of `options.events`
   * for this execution's correlation value, or until `options.timeout`.
   *
   * The other context only publishes its ordinary domain event. Behind the
   * scenes: a task-token wait, a correlation store (DynamoDB, TTL) and a
   * generic resumer. An event that arrives before the wait is registered still
   * completes it; a duplicate delivery is a no-op; an event nobody awaits is
   * logged and kept until it expires.
   */
  public await(name: string, options: AwaitOptions<E>): AwaitEvent {
    validateAwaitOptions(
      `${this.node.path}/${name}`,
      this.contextName,
      options,
      (e) => PUBLISHER.get(e) === this,
    );
    this.event(options.onTimeout);
    this.stateNames.claimUser(name, 'await name');
    const store = this.awaitStoreOrCreate();
    validateCorrelation(`${this.node.path}/${name}`, options);
    this.parts.awaitContracts.push({
      name,
      events: options.events.map((e) => ({ source: e.source, event: e.name })),
      correlateBy: options.correlateBy,
    });
    store.register({
      name,
      events: options.events,
      correlateBy: options.correlateBy,
      timeout: options.timeout,
      keep: options.keep,
    });
    const awaiting = this.builder.await(name, options, store);
    this.parts.awaits.push(awaiting);
    return awaiting;
  }

  /**
   * A state that fails the workflow on purpose (a business rule said no):
   * the compensations of the completed tasks run, then the failure events are
   * published and the execution fails with `options.error`.
   */
  public fail(name: string, options: FailOptions): sfn.Pass {
    validateReason(`${this.node.path}/${name}`, options);
    this.stateNames.claimUser(name, 'state name');
    const abort = reasonState(this, `Fail${name}`, name, options, this.builder.queryLanguage);
    this.parts.aborts.push(abort);
    return abort;
  }

  /**
   * A state that ends the saga as a business outcome (a refusal, a fraud
   * suspicion): the compensations of the tasks completed on every path to it
   * run in reverse order, each publishing its event, then the workflow goes
   * on to `options.then` (typically the emit of `LoanCancelled`) and the
   * execution SUCCEEDS, without `TaskFailed` or `WorkflowFailed`.
   *
   * The compensation handlers find `{ Error: options.error, Cause: options.cause }`
   * at `error`, as they do on the failure path. Chain nothing after it: the
   * workflow goes on with `then`. Use {@link fail} instead when the execution
   * should fail.
   */
  public compensate(name: string, options: CompensateOptions): sfn.Pass {
    validateReason(`${this.node.path}/${name}`, options, this.contextName);
    this.stateNames.claimUser(name, 'state name');
    const marker = reasonState(
      this,
      `Compensate${name}`,
      name,
      options,
      this.builder.queryLanguage,
    );
    this.parts.compensateThen.push({ marker, then: options.then.startState });
    return marker;
  }

  /**
   * Define this context's workflow: a Step Functions state machine that checks
   * its input envelope, publishes `WorkflowStarted`, runs `definition` and
   * publishes `WorkflowSucceeded`.
   *
   * Input: `{ metadata: { correlationId, causationId? }, data: {...} }`. An
   * input without a `correlationId` or `data` fails at once with
   * `InvalidEnvelope`, before any side effect.
   *
   * Execution status: a path that reaches the end SUCCEEDS (a business
   * outcome such as a rejected order modelled with `Choice` or `when()` is a
   * success). A task that fails for good, a `fail()` state or an await that
   * times out without `whenTimedOut()` runs the compensations and FAILS with
   * the original error, so that failed-execution alarms see it.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html
   */
  public workflow(definition: sfn.IChainable, options: WorkflowOptions<E> = {}): sfn.StateMachine {
    validateWorkflowShape(
      this.node.path,
      this.contextName,
      this.hasWorkflow,
      this.props.workflowType,
      this.parts.awaits,
      this.props.workflowTimeout,
    );
    const host: LayoutHost = {
      scope: this,
      parts: this.parts,
      queryLanguage: this.builder.queryLanguage,
      wireProps: this.wireProps(options),
      lifecyclePublish: (id, event, about, jsonata) =>
        this.lifecyclePublish(id, event, about, jsonata),
    };
    const start = isJsonata(this.builder.queryLanguage)
      ? wireJsonataLayout(host, definition)
      : wireJsonPathLayout(host, definition);
    this._workflowStart = start;
    this._stateMachine = workflowStateMachine(this, start, {
      workflowType: this.props.workflowType,
      workflowTimeout: this.props.workflowTimeout,
      logRetention: this.props.logRetention,
      comment: options.comment,
      invoked: [...this.handlers.values(), ...(this._awaitStore ? [this._awaitStore.resumer] : [])],
      // JSONPath is the state machine's default: left out, the JSONPath layout is as before.
      queryLanguage: isJsonata(this.builder.queryLanguage) ? this.builder.queryLanguage : undefined,
    });
    // Branches of Parallel and Map states render only once bound to the state machine.
    if (isJsonata(this.builder.queryLanguage)) validateJsonataStates(start);
    // The contract travels in the template, so that tools need only cdk.out.
    (this._stateMachine.node.defaultChild as CfnResource).addMetadata(
      CONTRACT_METADATA_KEY,
      Lazy.any({ produce: () => this.contract }),
    );
    workflowOutput(this, this.contextName, this._stateMachine, this.deadLetterQueue);
    for (const subscription of this.subscriptions) subscription.startWorkflow(this._stateMachine);
    this._awaitStore?.allowResuming(this._stateMachine);
    this._alarms = new ContextAlarms(this, 'Alarms', {
      contextName: this.contextName,
      source: this.source,
      stateMachine: this._stateMachine,
      deadLetterQueue: this.deadLetterQueue,
      rules: this.receivingRules(),
      eventBus: this.bus.eventBus,
      awaits: this.parts.awaits.map((a) => ({ name: a.wait.stateId, resultKey: a.resultKey })),
      auditLog: this.bus.auditLog,
    });
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
    const id = `On${pascalCase(event.contextName)}${event.name}`;
    validateSubscription(this.node.path, this.contextName, event, options, {
      own: PUBLISHER.get(event) === this,
      twice: this.node.tryFindChild(id) !== undefined,
    });
    const subscription = new Subscription(this, id, {
      ...options,
      eventBus: this.bus.eventBus,
      event,
      deadLetterQueue: this.deadLetterQueue,
      subscriberName: this.source,
    });
    this._subscriptions.push(subscription);
    if (this._stateMachine) subscription.startWorkflow(this._stateMachine);
    this._alarms?.watchRule(subscription.rule);
    return subscription;
  }

  /**
   * What this context promises and expects: its declared events with their
   * schemas, what its workflow publishes, its subscriptions and its awaits.
   */
  public get contract(): ContextContract {
    return contextContract(this, this.eventNames, this.parts.awaitContracts);
  }

  /** The subscriptions of this context, in the order they were made. */
  public get subscriptions(): readonly Subscription[] {
    return this._subscriptions;
  }

  /** The events this context subscribes to. */
  public get subscribedEvents(): DomainEvent[] {
    return this._subscriptions.map((s) => s.event);
  }

  /** The events this context's awaits wait for. */
  public get awaitedEvents(): DomainEvent[] {
    return this.parts.awaits.flatMap((a) => a.events);
  }

  /** Names of the events that a state of this context's workflow publishes. */
  public publishedEventNames(): Set<string> {
    const names = new Set<string>(this.parts.handlerPublished);
    if (!this._workflowStart) return names;
    for (const state of sfn.State.findReachableStates(this._workflowStart, {
      includeErrorHandlers: true,
    })) {
      const json = state.toStateJson() as {
        Parameters?: { Entries?: { DetailType?: string }[] };
        Arguments?: { Entries?: { DetailType?: string }[] };
      };
      const entries = json.Parameters?.Entries ?? json.Arguments?.Entries;
      for (const entry of entries ?? []) if (entry.DetailType) names.add(entry.DetailType);
    }
    return names;
  }

  /** What wiring needs in both layouts. */
  private wireProps(options: WorkflowOptions<E>) {
    return {
      ...this.parts,
      failureEvents: failureEventsOf(this.checkScope(), options),
      checkScope: this.checkScope(),
      queryLanguage: this.builder.queryLanguage,
      publish: (
        scope: Construct,
        id: string,
        event: string,
        about: string,
        data: string | Record<string, unknown>,
        stateName?: string,
      ) =>
        this.builder.publishState(
          scope,
          scope === this ? this.builder.freeChildId(id) : id,
          this.event(event as E),
          about,
          data,
          stateName,
        ),
    };
  }

  /** A publish state of a lifecycle event, about `Start` or `End`. */
  private lifecyclePublish(
    id: string,
    event: LifecycleEvent,
    about: string,
    jsonata: Parameters<WorkflowBuilder['publishState']>[6] = {},
  ): sfn.TaskStateBase {
    return this.builder.publishState(
      this,
      id,
      this.event(event),
      about,
      this.builder.stateData,
      undefined,
      jsonata,
    );
  }

  /** Where workflow checks name this context, and the events it declares. */
  private checkScope(): WorkflowCheckScope {
    return { path: this.node.path, contextName: this.contextName, declared: this.declared };
  }

  private domainEvent(name: string): DomainEvent {
    const problems = eventNameProblems(name);
    if (problems.length > 0) {
      throw new ValidationError(this.node.path, 'events', name, `${problems.join('; ')}.`);
    }
    const dataSchema = declaredDataSchema(this.node.path, this.props.events, name);
    const event: DomainEvent = {
      name,
      source: eventSource(this.props.bus.appName, this.contextName),
      contextName: this.contextName,
      contextPath: this.node.path,
      ...(dataSchema && { dataSchema }),
    };
    PUBLISHER.set(event, this);
    return event;
  }

  private awaitStoreOrCreate(): AwaitStore {
    this._awaitStore ??= new AwaitStore(this, 'Awaits', {
      eventBus: this.bus.eventBus,
      contextName: this.contextName,
      deadLetterQueue: this.deadLetterQueue,
      defaults: { ...this.props.handlerDefaults, logRetention: this.props.logRetention },
    });
    return this._awaitStore;
  }

  /** Checks that need the whole app: run by CDK just before synthesis. */
  private validateGraph(): string[] {
    return graphErrors({
      self: this,
      contexts: this.node.root.node
        .findAll()
        .filter((c): c is BoundedContext => c instanceof BoundedContext),
      declaredEvents: this.eventNames,
      workflowStart: this._workflowStart,
      publisherOf: (event) => PUBLISHER.get(event),
      ownerOf: owningContext,
    }).concat(correlationDataErrors(this, this.parts.awaitContracts));
  }

  /** The rules that deliver events to this context: its subscriptions' and its awaits'. */
  protected receivingRules(): events.Rule[] {
    return [...this._subscriptions.map((s) => s.rule), ...(this._awaitStore?.rules ?? [])];
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

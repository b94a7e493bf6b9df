import { Annotations, CfnElement, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { AwaitEvent, AwaitOptions, waitState } from '../await/await-event';
import { AwaitStore } from '../await/await-store';
import { IDomainEventBus } from '../bus/domain-event-bus';
import { ruleMetric } from '../monitoring/alarms';
import { ContextAlarms } from '../monitoring/context-alarms';
import { acknowledge, XRAY_ACKNOWLEDGEMENT } from '../checks/acknowledge';
import { referencedConstructs } from '../checks/boundary';
import { invalidValueMessage, ValidationError } from '../checks/validation-error';
import { encryptedDeadLetterQueue } from '../routing/dead-letter-queue';
import { Subscription, SubscriptionOptions } from '../routing/subscription';
import { ContextTask, invokeState } from '../workflow/context-task';
import { workflowOutput } from './private/stack-outputs';
import { envelopeCheck } from '../workflow/envelope-check';
import { publishState } from '../workflow/publish';
import { CompensateThen, DEFAULT_FAILURE, SagaWiring } from '../workflow/saga';
import { workflowGraph } from '../workflow/state-graph';
import { businessErrorProblem } from '../workflow/error-names';
import {
  contextNameFromId,
  DomainEvent,
  eventNameProblems,
  eventSource,
  LIFECYCLE_EVENTS,
  camelCase,
  pascalCase,
  LifecycleEvent,
} from './domain-event';
import {
  BoundedContextProps,
  CompensateOptions,
  EmitOptions,
  FailOptions,
  TaskOptions,
  WorkflowOptions,
} from './bounded-context-props';
import { duplicateContextNames, SubscriptionEdge, unfilteredCycles } from './private/context-map';
import { handlerFunction, resolveEntry } from './private/task-handler-function';
import {
  validateAwaitOptions,
  validateContextProps,
  validateTaskOptions,
  validateUserStateName,
  validateWorkflowShape,
} from './private/validate';

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
export class BoundedContext<E extends string = string> extends Construct {
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
  private readonly stateNames = new Set<string>();
  private readonly subscriptions: Subscription[] = [];
  private readonly tasks: ContextTask[] = [];
  private readonly awaits: AwaitEvent[] = [];
  private readonly aborts: sfn.Pass[] = [];
  private readonly compensateThen: CompensateThen[] = [];
  /** Events published by handlers themselves (`publishFrom: 'handler'`). */
  private readonly handlerPublished = new Set<string>();
  /** States the library adds around the user's: never given a failure path of their own. */
  private readonly internal = new Set<sfn.State>();
  private _awaitStore?: AwaitStore;
  private _stateMachine?: sfn.StateMachine;
  private _workflowStart?: sfn.State;
  private _alarms?: ContextAlarms;

  constructor(scope: Construct, id: string, props: BoundedContextProps<E>) {
    super(scope, id);
    this.props = props;
    this.bus = props.bus;
    this.contextName = props.contextName ?? contextNameFromId(id);
    validateContextProps(this.node.path, this.contextName, props);
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
    this.claimUserStateName(name, 'task name');
    const event = options.emits === undefined ? undefined : this.event(options.emits);
    const fromHandler =
      event !== undefined && (options.publishFrom ?? this.props.publishFrom) === 'handler';
    const scope = new Construct(this, name);
    const handler = this.buildHandler(name, name, {
      ...options,
      environment: {
        ...(fromHandler ? { ENSEMBLE_EMITS: event.name } : {}),
        ...options.environment,
      },
    });
    if (fromHandler) {
      this.bus.grantPublish(handler);
      this.handlerPublished.add(event.name);
    }
    const compensation = options.compensate && {
      handler: this.buildHandler(`${name}Compensation`, `Compensate ${name}`, options.compensate),
      event: this.event(options.compensate.emits),
    };
    const invoke = invokeState(scope, 'Invoke', name, handler, options.retry, {
      payload: fromHandler
        ? { 'executionArn.$': '$$.Execution.Id', 'workflow.$': '$$.StateMachine.Name' }
        : undefined,
    });
    const publish =
      event && !fromHandler
        ? this.publishStateFor(scope, 'Publish', event, name, '$.data')
        : undefined;
    const task = new ContextTask(scope, 'Fragment', {
      handler,
      invoke,
      publish,
      event,
      compensation,
    });
    this.tasks.push(task);
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
    const stateName = options.stateName ?? this.publishStateName(name, name);
    return this.publishStateFor(
      this,
      this.freeChildId(`Emit${name}`),
      event,
      stateName,
      options.data ?? '$.data',
      stateName,
    );
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
    this.claimUserStateName(name, 'await name');
    const store = this.awaitStoreOrCreate();
    store.register({
      name,
      events: options.events,
      correlateBy: options.correlateBy,
      timeout: options.timeout,
      keep: options.keep,
    });
    const resultKey = options.resultKey ?? 'awaited';
    const scope = new Construct(this, name);
    const wait = waitState(scope, name, store.resumer, { ...options, resultKey });
    const timeoutPublish = this.publishStateFor(
      scope,
      'PublishTimeout',
      this.event(options.onTimeout),
      name,
      '$.data',
    );
    wait.addCatch(timeoutPublish, {
      errors: ['States.Timeout'],
      resultPath: `$.data.${resultKey}`,
    });
    const awaiting = new AwaitEvent(scope, 'Fragment', {
      wait,
      timeoutPublish,
      events: options.events,
      resultKey,
      timeout: options.timeout,
    });
    this.awaits.push(awaiting);
    return awaiting;
  }

  /**
   * A state that fails the workflow on purpose (a business rule said no):
   * the compensations of the completed tasks run, then the failure events are
   * published and the execution fails with `options.error`.
   */
  public fail(name: string, options: FailOptions): sfn.Pass {
    this.validateReason(name, options);
    this.claimUserStateName(name, 'state name');
    const abort = new sfn.Pass(this, `Fail${name}`, {
      stateName: name,
      parameters: { Error: options.error, Cause: options.cause },
      resultPath: '$.error',
    });
    this.aborts.push(abort);
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
    this.validateReason(name, options);
    if (!options.then) {
      throw new ValidationError(
        `${this.node.path}/${name}`,
        'then',
        options.then,
        `Give the state to go on with once the compensations ran, for example ${camelCase(this.contextName)}.emit('...').`,
      );
    }
    this.claimUserStateName(name, 'state name');
    const marker = new sfn.Pass(this, `Compensate${name}`, {
      stateName: name,
      parameters: { Error: options.error, Cause: options.cause },
      resultPath: '$.error',
    });
    this.compensateThen.push({ marker, then: options.then.startState });
    return marker;
  }

  /** The error and cause of a fail() or compensate() state: a business reason. */
  private validateReason(name: string, options: { error: string; cause: string }): void {
    if (businessErrorProblem(options.error)) {
      throw new ValidationError(
        `${this.node.path}/${name}`,
        'error',
        options.error,
        "Name the error after the business rule (for example 'FraudSuspected'); names that begin with 'States.' are Step Functions' own.",
      );
    }
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
      this.awaits,
      this.props.workflowTimeout,
    );
    const failureEvents = this.failureEventsOf(options);
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
    sfn.Chain.start(started).next(definition);
    // Every Choice the library builds has a Default on the failure path.
    const unexpected = this.awaits.flatMap((a) => (a.unexpectedEvent ? [a.unexpectedEvent] : []));
    for (const state of unexpected) this.claimStateName(state.stateId, 'state name');
    const aborts = [...this.aborts, ...unexpected];
    this.validateCompensateThen(started);
    const wiredLater = new Set<sfn.State>([
      ...aborts,
      ...this.compensateThen.map((c) => c.marker),
      ...this.awaits.filter((a) => !a.hasTimeoutPath).map((a) => a.timeoutPublish),
    ]);
    // Every path that ends normally publishes WorkflowSucceeded, including the
    // branches of a Choice left without .afterwards(), user Catch handlers and
    // what follows a compensate() state.
    const ends = [started, ...this.compensateThen.map((c) => c.then)].flatMap((from) =>
      sfn.State.findReachableEndStates(from, { includeErrorHandlers: true }),
    );
    for (const end of new Set(ends)) {
      if (end !== succeeded && !wiredLater.has(end) && isNextable(end)) end.next(succeeded);
    }
    new SagaWiring(this, started, {
      isInternal: (s) => this.internal.has(s),
      tasks: this.tasks,
      awaits: this.awaits,
      aborts,
      compensateThen: this.compensateThen,
      publish: (scope, id, event, about, data, stateName) =>
        this.publishStateFor(
          scope,
          scope === this ? this.freeChildId(id) : id,
          this.event(event as E),
          about,
          data,
          stateName,
        ),
      failureEvents,
      claimStateName: (n) => this.claimStateName(n, 'state name'),
      markInternal: (s) => this.internal.add(s),
    }).wire();
    const start = envelopeCheck(this, 'Envelope', started);
    this._workflowStart = start;
    this._stateMachine = this.buildStateMachine(start, options);
    workflowOutput(this, this.contextName, this._stateMachine, this.deadLetterQueue);
    for (const subscription of this.subscriptions) subscription.startWorkflow(this._stateMachine);
    this._awaitStore?.allowResuming(this._stateMachine);
    this._alarms = new ContextAlarms(this, 'Alarms', {
      contextName: this.contextName,
      source: this.source,
      stateMachine: this._stateMachine,
      deadLetterQueue: this.deadLetterQueue,
      rules: [...this.subscriptions.map((s) => s.rule), ...(this._awaitStore?.rules ?? [])],
      eventBus: this.bus.eventBus,
      awaits: this.awaits.map((a) => ({ name: a.wait.stateId, resultKey: a.resultKey })),
      auditLog: this.bus.auditLog,
    });
    return this._stateMachine;
  }

  /** The failure event per error name (`default` for the others), checked. */
  private failureEventsOf(options: WorkflowOptions<E>): Map<string, DomainEvent> {
    const byError = new Map<string, DomainEvent>();
    const given = Object.entries(options.failureEvents ?? {});
    if (
      options.failureEvent !== undefined &&
      options.failureEvents?.[DEFAULT_FAILURE] !== undefined
    ) {
      throw new ValidationError(
        this.node.path,
        'failureEvent',
        options.failureEvent,
        `failureEvents.${DEFAULT_FAILURE} names the event for every other error too; give one of them.`,
      );
    }
    if (options.failureEvent !== undefined) given.push([DEFAULT_FAILURE, options.failureEvent]);
    for (const [error, name] of given) {
      const property =
        error === DEFAULT_FAILURE && options.failureEvent !== undefined
          ? 'failureEvent'
          : `failureEvents.${error}`;
      if (error === 'States.ALL' || error.trim() === '') {
        throw new ValidationError(
          this.node.path,
          property,
          name,
          `Name an error to publish ${name} for, or use the key '${DEFAULT_FAILURE}' for every error not named.`,
        );
      }
      const event = this.declared.get(name);
      if (!event) {
        throw new ValidationError(
          this.node.path,
          property,
          name,
          `${this.contextName} publishes ${[...this.declared.keys()].join(', ')}. Declare '${name}' in its events, or use one of those.`,
        );
      }
      byError.set(error, event);
    }
    return byError;
  }

  /**
   * Every compensate() state is part of the workflow, and its `then` is
   * reached only through it: a failure after `then` undoes only what ran
   * since, which holds only if the compensations ran on every path there.
   */
  private validateCompensateThen(started: sfn.State): void {
    const links = new Map(this.compensateThen.map((c) => [c.marker, c.then]));
    const linked = new Set(workflowGraph(started, links).states.values());
    // What the workflow reaches without passing a compensate() state.
    const reachable = new Set(
      sfn.State.findReachableStates(started, { includeErrorHandlers: true }),
    );
    const thens = new Map<sfn.State, sfn.Pass>();
    for (const { marker, then } of this.compensateThen) {
      const other = thens.get(then);
      if (other) {
        throw new ValidationError(
          `${this.node.path}/${marker.stateId}`,
          'then',
          then.stateId,
          `compensate() state ${other.stateId} goes on with the same state: give each compensate() state its own then (a separate emit with its own stateName).`,
        );
      }
      thens.set(then, marker);
      const chained = (marker.toStateJson() as { Next?: string }).Next;
      if (chained !== undefined) {
        throw new ValidationError(
          `${this.node.path}/${marker.stateId}`,
          'next',
          chained,
          `A compensate() state goes on with its then once the compensations ran; nothing may be chained after it. Move ${chained} into then (then: ${camelCase(this.contextName)}.emit(...).next(...)).`,
        );
      }
      if (!linked.has(marker)) {
        throw new ValidationError(
          `${this.node.path}/${marker.stateId}`,
          'compensate',
          marker.stateId,
          `No path of the ${this.contextName} workflow reaches this compensate() state, so its compensations would never run. Chain it into the workflow (after a task, in a Choice or an await's when()), or remove it.`,
        );
      }
      if (reachable.has(then)) {
        throw new ValidationError(
          `${this.node.path}/${marker.stateId}`,
          'then',
          then.stateId,
          `The workflow also reaches ${then.stateId} without compensating, so what fails after it could not know what was undone. Give compensate() a state of its own (a separate emit with its own stateName), or send the other path through the compensate() state.`,
        );
      }
    }
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
    if (PUBLISHER.get(event) === this) {
      throw new ValidationError(
        this.node.path,
        'event',
        `${event.source} ${event.name}`,
        `${this.contextName} would start its own workflow with every ${event.name} it publishes: an unbounded loop of billed executions. Continue inside the workflow (a Choice, or a state that leads back to an earlier one), or react from another context.`,
      );
    }
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
    this._alarms?.watchRule(subscription.rule);
    return subscription;
  }

  /** The events this context subscribes to. */
  public get subscribedEvents(): DomainEvent[] {
    return this.subscriptions.map((s) => s.event);
  }

  /** The events this context's awaits wait for. */
  public get awaitedEvents(): DomainEvent[] {
    return this.awaits.flatMap((a) => a.events);
  }

  /** Names of the events that a state of this context's workflow publishes. */
  public publishedEventNames(): Set<string> {
    const names = new Set<string>(this.handlerPublished);
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

  /**
   * The context's alarms (failed, timed-out, throttled and aborted executions,
   * dead letters, rules' failed deliveries, await timeouts); empty until the
   * workflow is defined.
   */
  public get alarms(): cloudwatch.Alarm[] {
    return this._alarms?.alarms ?? [];
  }

  /** Send every alarm of this context to `action` (an SNS topic, for instance). */
  public addAlarmAction(...actions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.alarms) alarm.addAlarmAction(...actions);
  }

  /** Events this context published, counted from the bus's audit log; undefined for an imported bus. */
  public metricEventsPublished(): cloudwatch.Metric | undefined {
    return this._alarms?.eventsPublished;
  }

  /**
   * How many `event` events this context published (counted from the bus's
   * audit log, per detail-type): the count of a business outcome such as
   * `PaymentDeclined`. Undefined for an imported bus or before the workflow is defined.
   */
  public metricEventPublished(
    event: E | LifecycleEvent,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric | undefined {
    return this._alarms?.eventPublished(this.event(event).name, props);
  }

  /** Events delivered to this context (to start its workflow or resume an await). */
  public metricEventsReceived(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    const rules = [...this.subscriptions.map((s) => s.rule), ...(this._awaitStore?.rules ?? [])];
    const metrics = Object.fromEntries(
      rules.map((rule, i) => [`r${i}`, ruleMetric(this.bus.eventBus, rule, 'Invocations', props)]),
    );
    if (rules.length === 0)
      return new cloudwatch.MathExpression({
        expression: '0',
        usingMetrics: {},
        label: 'events received',
      });
    return new cloudwatch.MathExpression({
      expression: Object.keys(metrics).join(' + '),
      usingMetrics: metrics,
      label: 'events received',
      period: props?.period,
    });
  }

  /** Executions throttled. */
  public metricExecutionsThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricThrottled(props);
  }

  /** Executions aborted. */
  public metricExecutionsAborted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricAborted(props);
  }

  /** Executions started. */
  public metricExecutionsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricStarted(props);
  }

  /** Executions that succeeded. */
  public metricExecutionsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }

  /** How long executions take (from start to end). */
  public metricExecutionTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTime(props);
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

  /** Messages waiting in this context's dead-letter queue: events that never reached the workflow. */
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

  /** `base`, or `base2`, `base3`... when a child already has it (an event emitted by several states). */
  private freeChildId(base: string): string {
    let id = base;
    for (let n = 2; this.node.tryFindChild(id); n++) id = `${base}${n}`;
    return id;
  }

  /** Claim a name the user gave a state: it may not look like one the library builds. */
  private claimUserStateName(name: string, property: string): void {
    validateUserStateName(this.node.path, property, name);
    this.claimStateName(name, property);
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
        `Two states of the ${this.contextName} workflow would share this name; give each step a distinct name.`,
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
    const state = publishState(scope, id, {
      stateName,
      eventBus: this.bus.eventBus,
      source: this.source,
      eventName: event.name,
      contextName: this.contextName,
      aboutState,
      data,
    });
    this.internal.add(state);
    return state;
  }

  /** `Publish <Event>`, or `Publish <Event> (<Task>)` when several states publish the event. */
  private publishStateName(eventName: string, aboutState: string): string {
    const plain = `Publish ${eventName}`;
    return this.stateNames.has(plain) ? `${plain} (${aboutState})` : plain;
  }

  private buildHandler(
    id: string,
    taskName: string,
    options: Pick<
      TaskOptions<E>,
      'entry' | 'handlerExport' | 'environment' | 'memorySize' | 'timeout' | 'externalModules'
    >,
  ): lambda.Function {
    const entry = resolveEntry(`${this.node.path}/${id}`, options.entry);
    const defaults = this.props.handlerDefaults ?? {};
    const fn = handlerFunction(this, `${id}Handler`, {
      entry,
      bundleKey: `${this.node.path}/${id}`,
      serviceName: this.contextName,
      description: `${this.source} ${taskName}`,
      handlerExport: options.handlerExport,
      memorySize: options.memorySize,
      timeout: options.timeout,
      externalModules: options.externalModules,
      defaults: { ...defaults, logRetention: this.props.logRetention },
      environment: {
        ENSEMBLE_EVENT_BUS_NAME: this.bus.eventBus.eventBusName,
        ENSEMBLE_EVENT_SOURCE: this.source,
        ENSEMBLE_TASK: taskName,
        ...options.environment,
      },
    });
    acknowledge(fn, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by its workflow, which retries and catches failures; a DLQ only serves asynchronous invocations.',
      },
    ]);
    this.handlers.set(taskName, fn);
    return fn;
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

  private buildStateMachine(start: sfn.State, options: WorkflowOptions<E>): sfn.StateMachine {
    const logGroup = new logs.LogGroup(this, 'WorkflowLogs', {
      // Vended-logs prefix: keeps the CloudWatch Logs resource policy under its size limit.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 200 })}`,
      retention: this.props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stateMachine = new sfn.StateMachine(this, 'Workflow', {
      definitionBody: sfn.DefinitionBody.fromChainable(start),
      stateMachineType: this.props.workflowType ?? sfn.StateMachineType.STANDARD,
      timeout: this.props.workflowTimeout ?? Duration.days(1),
      tracingEnabled: true,
      comment: options.comment,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    acknowledge(stateMachine.role.node.findChild('DefaultPolicy'), [
      {
        ...XRAY_ACKNOWLEDGEMENT,
        reason: `${XRAY_ACKNOWLEDGEMENT.reason} The CloudWatch Logs delivery actions Step Functions needs for logging (logs:CreateLogDelivery and the like) also support only Resource: *.`,
      },
      ...this.invokedFunctions().map((logicalId) => ({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: `Step Functions may invoke any version or alias (${logicalId}:*) of this context's own handler; no other function.`,
      })),
    ]);
    return stateMachine;
  }

  /** Logical ids of the functions this context's workflow invokes: its handlers and its resumer. */
  private invokedFunctions(): string[] {
    const functions = [
      ...this.handlers.values(),
      ...(this._awaitStore ? [this._awaitStore.resumer] : []),
    ];
    return functions.map(
      (fn) =>
        Stack.of(fn).resolve(
          Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement),
        ) as string,
    );
  }

  /** Checks that need the whole app: run by CDK just before synthesis. */
  private validateGraph(): string[] {
    const errors: string[] = [...this.sharedNameErrors()];
    this.warnAboutCycles();
    if (!this._workflowStart) {
      if (this.props.events.length > 0) {
        errors.push(
          invalidValueMessage(
            'events',
            this.props.events,
            `${this.contextName} declares events but has no workflow: no state would publish them, and its dead-letter queue would have no alarm. Call ${camelCase(this.contextName)}.workflow(...), or remove the events (or the context).`,
          ),
        );
      }
      if (this.subscriptions.length > 0) {
        errors.push(
          `${this.contextName} subscribes to events but has no workflow to start. Call ${this.contextName}.workflow(...).`,
        );
      }
      return errors;
    }
    errors.push(
      ...this.boundaryViolations(),
      ...this.unpublished('subscribes to', this.subscribedEvents),
      ...this.unpublished('awaits', this.awaitedEvents),
    );
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

  /** Every bounded context of the app, in construct-tree order. */
  private appContexts(): BoundedContext[] {
    return this.node.root.node
      .findAll()
      .filter((c): c is BoundedContext => c instanceof BoundedContext);
  }

  /**
   * Two contexts with one name on one bus publish with one `source`: their
   * events cannot be told apart, and a subscriber starts on either's.
   */
  private sharedNameErrors(): string[] {
    const contexts = this.appContexts().map((context) => ({
      context,
      path: context.node.path,
      contextName: context.contextName,
      // The same token string for every reference to one bus, across stacks.
      busKey: context.bus.eventBus.eventBusArn,
    }));
    return duplicateContextNames(contexts)
      .filter(({ context }) => context.context === this)
      .map(({ first }) =>
        invalidValueMessage(
          'contextName',
          this.contextName,
          `${first.path} already uses it on the same bus (${busPath(this.bus)}): both publish with source ${this.source}, so a subscriber could not tell their events apart. Give one of them another contextName.`,
        ),
      );
  }

  /** Warn, from the cycle's first context, about each unfiltered subscription cycle. */
  private warnAboutCycles(): void {
    const contexts = this.appContexts();
    const byPath = new Map(contexts.map((c) => [c.node.path, c]));
    const edges: SubscriptionEdge[] = contexts.flatMap((subscriber) =>
      subscriber.subscriptions.flatMap((s) => {
        const publisher = PUBLISHER.get(s.event);
        if (!publisher) return [];
        return [
          {
            publisher: publisher.node.path,
            subscriber: subscriber.node.path,
            event: s.event.name,
            filtered: s.filter !== undefined && Object.keys(s.filter).length > 0,
          },
        ];
      }),
    );
    for (const cycle of unfilteredCycles(edges)) {
      if (cycle[0].publisher !== this.node.path) continue;
      const name = (path: string) => byPath.get(path)!.contextName;
      const route = [...cycle.map((e) => `${e.publisher} (${name(e.publisher)})`), this.node.path];
      const calls = cycle.map(
        (e) =>
          `${camelCase(name(e.subscriber))}.on(${camelCase(name(e.publisher))}.event('${e.event}'))`,
      );
      Annotations.of(this).addWarningV2(
        'cdk-ensemble:subscriptionCycle',
        `Subscriptions form a cycle with no filter: ${route.join(' → ')}: ${calls.join(', ')}. ` +
          'If every workflow of the cycle publishes the event that starts the next, one event starts executions forever: an unbounded loop of billed executions. ' +
          'Give one subscription of the cycle a filter (options.filter) that the looping events cannot match, or break the cycle.',
      );
    }
  }

  private boundaryViolations(): string[] {
    const errors: string[] = [];
    for (const { stateName, target } of referencedConstructs(this._workflowStart!)) {
      const owner = owningContext(target);
      if (owner && owner !== this) {
        errors.push(
          `workflow state '${stateName}' invokes ${target.node.path.replace(/\/Resource$/, '')}, which belongs to bounded context '${owner.contextName}'. ` +
            `Orchestration stops at the context boundary: publish an event from ${this.contextName} and have ${owner.contextName} react to it with ${camelCase(owner.contextName)}.on(${camelCase(this.contextName)}.event('...')).`,
        );
      }
    }
    return errors;
  }

  private unpublished(verb: string, events: DomainEvent[]): string[] {
    const errors: string[] = [];
    for (const event of new Set(events)) {
      const owner = PUBLISHER.get(event);
      if (!owner) continue;
      if (!owner.hasWorkflow || !owner.publishedEventNames().has(event.name)) {
        errors.push(
          `${this.contextName} ${verb} ${event.source} ${event.name}, but no state of the ${owner.contextName} workflow publishes it. ` +
            `Publish it there (a task with emits: '${event.name}', or ${camelCase(owner.contextName)}.emit('${event.name}')), or remove the ${verb === 'awaits' ? 'await' : 'subscription'}.`,
        );
      }
    }
    return errors;
  }
}

/** The construct path of a bus, for messages: `Stack/Bus` rather than `Stack/Bus/Resource`. */
function busPath(bus: IDomainEventBus): string {
  return bus.eventBus.node.path.replace(/\/Resource$/, '');
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

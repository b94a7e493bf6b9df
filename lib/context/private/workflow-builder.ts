import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AwaitEvent, AwaitOptions, waitState } from '../../await/await-event';
import { AwaitStore } from '../../await/await-store';
import { IDomainEventBus } from '../../bus/domain-event-bus';
import { contractEnvironment } from '../../events/declared-events';
import { DomainEvent } from '../../events/domain-event';
import { ContextTask, invokeState } from '../../workflow/context-task';
import { publishState } from '../../workflow/publish';
import { BoundedContextProps, TaskOptions } from '../bounded-context-props';
import { contextHandler } from './task-handler-function';
import { WorkflowParts } from './wire-workflow';

/** The bounded context the builder builds for. */
export interface BuilderHost extends Construct {
  readonly contextName: string;
  readonly source: string;
  readonly bus: IDomainEventBus;
  event(name: string): DomainEvent;
}

/**
 * Builds the states and handlers of a context's tasks, awaits and publish
 * states, and records them in its workflow parts; the context validates and
 * claims names first.
 */
export class WorkflowBuilder {
  constructor(
    private readonly host: BuilderHost,
    private readonly parts: WorkflowParts,
    private readonly props: Pick<
      BoundedContextProps,
      'publishFrom' | 'handlerDefaults' | 'logRetention'
    >,
    private readonly handlers: Map<string, lambda.Function>,
  ) {}

  /** The handler, states and compensation of a task. */
  public task(name: string, options: TaskOptions): ContextTask {
    const event = options.emits === undefined ? undefined : this.host.event(options.emits);
    const fromHandler =
      event !== undefined && (options.publishFrom ?? this.props.publishFrom) === 'handler';
    const scope = new Construct(this.host, name);
    const handler = this.handler(name, name, {
      ...options,
      environment: {
        ...(fromHandler ? { ENSEMBLE_EMITS: event.name } : {}),
        ...(event ? contractEnvironment(this.host, event) : {}),
        ...options.environment,
      },
    });
    if (fromHandler) {
      this.host.bus.grantPublish(handler);
      this.parts.handlerPublished.add(event.name);
    }
    const compensation = options.compensate && {
      handler: this.handler(`${name}Compensation`, `Compensate ${name}`, options.compensate),
      event: this.host.event(options.compensate.emits),
    };
    const invoke = invokeState(scope, 'Invoke', name, handler, options.retry, {
      payload: fromHandler
        ? { 'executionArn.$': '$$.Execution.Id', 'workflow.$': '$$.StateMachine.Name' }
        : undefined,
    });
    const publish =
      event && !fromHandler
        ? this.publishState(scope, 'Publish', event, name, '$.data')
        : undefined;
    const task = new ContextTask(scope, 'Fragment', {
      handler,
      invoke,
      publish,
      event,
      compensation,
    });
    return task;
  }

  /** The wait, its timeout path and fragment of an await. */
  public await(name: string, options: AwaitOptions, store: AwaitStore): AwaitEvent {
    const resultKey = options.resultKey ?? 'awaited';
    const scope = new Construct(this.host, name);
    const wait = waitState(scope, name, store.resumer, { ...options, resultKey });
    const timeoutPublish = this.publishState(
      scope,
      'PublishTimeout',
      this.host.event(options.onTimeout),
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
    return awaiting;
  }

  /** `base`, or `base2`, `base3`... when a child already has it (an event emitted by several states). */
  public freeChildId(base: string): string {
    let id = base;
    for (let n = 2; this.host.node.tryFindChild(id); n++) id = `${base}${n}`;
    return id;
  }

  /** A state that publishes one of the context's events, its name claimed. */
  public publishState(
    scope: Construct,
    id: string,
    event: DomainEvent,
    aboutState: string,
    data: string | Record<string, unknown>,
    explicitName?: string,
  ): sfn.TaskStateBase {
    const stateName = explicitName ?? this.parts.stateNames.publishName(event.name, aboutState);
    this.parts.stateNames.claim(stateName, 'state name');
    const state = publishState(scope, id, {
      stateName,
      eventBus: this.host.bus.eventBus,
      source: this.host.source,
      eventName: event.name,
      contextName: this.host.contextName,
      aboutState,
      data,
    });
    this.parts.internal.add(state);
    return state;
  }

  /** A handler of the context, recorded in its `handlers`. */
  public handler(
    id: string,
    taskName: string,
    options: Pick<
      TaskOptions,
      'entry' | 'handlerExport' | 'environment' | 'memorySize' | 'timeout' | 'externalModules'
    >,
  ): lambda.Function {
    const fn = contextHandler(this.host, id, taskName, {
      ...options,
      defaults: { ...this.props.handlerDefaults, logRetention: this.props.logRetention },
    });
    this.handlers.set(taskName, fn);
    return fn;
  }
}

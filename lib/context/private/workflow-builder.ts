import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AwaitEvent, AwaitOptions, waitState } from '../../await/await-event';
import { AwaitStore } from '../../await/await-store';
import { IDomainEventBus } from '../../bus/domain-event-bus';
import { contractEnvironment } from '../../events/declared-events';
import { DomainEvent } from '../../events/domain-event';
import { ContextTask, invokeState } from '../../workflow/context-task';
import { expr, isJsonata } from '../../workflow/jsonata';
import { publishState, PublishStateProps } from '../../workflow/publish';
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
      'publishFrom' | 'handlerDefaults' | 'logRetention' | 'queryLanguage'
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
      jsonataPayload: fromHandler
        ? {
            executionArn: '$states.context.Execution.Id',
            workflow: '$states.context.StateMachine.Name',
          }
        : undefined,
      queryLanguage: this.queryLanguage,
    });
    const publish =
      event && !fromHandler
        ? this.publishState(scope, 'Publish', event, name, this.stateData)
        : undefined;
    const task = new ContextTask(scope, 'Fragment', {
      handler,
      invoke,
      publish,
      event,
      compensation,
      queryLanguage: this.queryLanguage,
    });
    if (publish) this.parts.taskPublishes.add(publish);
    return task;
  }

  /** The wait, its timeout path and fragment of an await. */
  public await(name: string, options: AwaitOptions, store: AwaitStore): AwaitEvent {
    const resultKey = options.resultKey ?? 'awaited';
    const scope = new Construct(this.host, name);
    const wait = waitState(scope, name, store.resumer, {
      ...options,
      resultKey,
      queryLanguage: this.queryLanguage,
    });
    const timeoutPublish = this.publishState(
      scope,
      'PublishTimeout',
      this.host.event(options.onTimeout),
      name,
      this.stateData,
    );
    wait.addCatch(timeoutPublish, {
      errors: ['States.Timeout'],
      ...(isJsonata(this.queryLanguage)
        ? {
            outputs: expr(
              `$merge([$states.input, {"data": $merge([$states.input.data, {${JSON.stringify(resultKey)}: $states.errorOutput}])}])`,
            ),
          }
        : { resultPath: `$.data.${resultKey}` }),
    });
    const awaiting = new AwaitEvent(scope, 'Fragment', {
      wait,
      timeoutPublish,
      events: options.events,
      resultKey,
      timeout: options.timeout,
      queryLanguage: this.queryLanguage,
    });
    return awaiting;
  }

  /** The query language of the context's states. */
  public get queryLanguage(): sfn.QueryLanguage {
    return this.props.queryLanguage ?? sfn.QueryLanguage.JSONATA;
  }

  /** The workflow's `data` in the context's query language (`$.data`, or its JSONata expression). */
  public get stateData(): string {
    return isJsonata(this.queryLanguage) ? expr('$states.input.data') : '$.data';
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
    jsonata: Pick<PublishStateProps, 'metadata' | 'wrap' | 'output'> = {},
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
      queryLanguage: this.queryLanguage,
      ...jsonata,
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

import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AwaitEvent } from '../../await/await-event';
import { ContextContract } from '../../events/contract';
import { DomainEvent } from '../../events/domain-event';
import { ContextTask } from '../../workflow/context-task';
import { CompensateThen, SagaContext, SagaWiring } from '../../workflow/saga';
import { StateNames } from './state-names';
import { validateCompensateThen, WorkflowCheckScope } from './workflow-checks';

/** What a context's methods collect until its workflow is defined. */
export interface WorkflowParts {
  readonly stateNames: StateNames;
  readonly tasks: ContextTask[];
  readonly awaits: AwaitEvent[];
  /** The awaits as the contract describes them. */
  readonly awaitContracts: ContextContract['awaits'][number][];
  /** The `fail()` states. */
  readonly aborts: sfn.Pass[];
  readonly compensateThen: CompensateThen[];
  /** Events published by handlers themselves (`publishFrom: 'handler'`). */
  readonly handlerPublished: Set<string>;
  /** States the library adds around the user's: never given a failure path of their own. */
  readonly internal: Set<sfn.State>;
  /** The publish states of tasks (`emits`) and of `emit()`. */
  readonly taskPublishes: Set<sfn.State>;
}

/** Nothing collected yet. */
export function emptyWorkflowParts(stateNames: StateNames): WorkflowParts {
  return {
    stateNames,
    tasks: [],
    awaits: [],
    awaitContracts: [],
    aborts: [],
    compensateThen: [],
    handlerPublished: new Set(),
    internal: new Set(),
    taskPublishes: new Set(),
  };
}

/** What wiring the workflow needs besides its parts. */
export interface WireWorkflowProps extends WorkflowParts {
  readonly failureEvents: Map<string, DomainEvent>;
  readonly checkScope: WorkflowCheckScope;
  /** Build a publish state of one of the context's events. */
  readonly publish: SagaContext['publish'];
  /** The query language of the library's states. */
  readonly queryLanguage: sfn.QueryLanguage;
  /**
   * Publish `WorkflowSucceeded` with the event of `end`, a state that ends the
   * workflow, instead of in a state of its own; false when it cannot.
   */
  readonly succeedWith: (end: sfn.State) => boolean;
  /** Called with the TaskFailed publish of each failure point (see {@link SagaContext}). */
  readonly onTaskFailedPublish?: SagaContext['onTaskFailedPublish'];
  /** The catch of each failure point (see {@link SagaContext}). */
  readonly failureCatch?: SagaContext['failureCatch'];
}

/**
 * Chain `definition` after `started` (when the workflow has such a state),
 * end every path that ends normally with `WorkflowSucceeded` (`succeeded`, or
 * an entry of the publish that ends it), and wire the saga: failure paths,
 * compensations and failure events. Returns the workflow's first state.
 */
export function wireWorkflow(
  scope: Construct,
  started: (sfn.State & sfn.INextable) | undefined,
  succeeded: () => sfn.State,
  definition: sfn.IChainable,
  props: WireWorkflowProps,
): sfn.State {
  if (started) sfn.Chain.start(started).next(definition);
  const start = started ?? definition.startState;
  // Every Choice the library builds has a Default on the failure path.
  const unexpected = props.awaits.flatMap((a) => (a.unexpectedEvent ? [a.unexpectedEvent] : []));
  for (const state of unexpected) props.stateNames.claim(state.stateId, 'state name');
  const aborts = [...props.aborts, ...unexpected];
  validateCompensateThen(props.checkScope, start, props.compensateThen);
  const wiredLater = new Set<sfn.State>([
    ...aborts,
    ...props.compensateThen.map((c) => c.marker),
    ...props.awaits.filter((a) => !a.hasTimeoutPath).map((a) => a.timeoutPublish),
  ]);
  // Every path that ends normally publishes WorkflowSucceeded, including the
  // branches of a Choice left without .afterwards(), user Catch handlers and
  // what follows a compensate() state.
  const ends = [start, ...props.compensateThen.map((c) => c.then)].flatMap((from) =>
    sfn.State.findReachableEndStates(from, { includeErrorHandlers: true }),
  );
  for (const end of new Set(ends)) {
    if (wiredLater.has(end) || !isNextable(end) || props.succeedWith(end)) continue;
    end.next(succeeded());
  }
  new SagaWiring(scope, start, {
    isInternal: (s) => props.internal.has(s),
    tasks: props.tasks,
    awaits: props.awaits,
    aborts,
    compensateThen: props.compensateThen,
    publish: props.publish,
    failureEvents: props.failureEvents,
    claimStateName: (n) => props.stateNames.claim(n, 'state name'),
    markInternal: (s) => props.internal.add(s),
    queryLanguage: props.queryLanguage,
    onTaskFailedPublish: props.onTaskFailedPublish,
    failureCatch: props.failureCatch,
  }).wire();
  return start;
}

function isNextable(state: sfn.State): state is sfn.State & sfn.INextable {
  return (
    !(state instanceof sfn.Fail || state instanceof sfn.Succeed) &&
    'next' in state &&
    typeof state.next === 'function'
  );
}

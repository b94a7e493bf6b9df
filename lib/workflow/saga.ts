import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AwaitEvent } from '../await/await-event';
import { DomainEvent } from '../events/domain-event';
import { catchInto, ContextTask, invokeState } from './context-task';
import { expr, isJsonata, lit, withError } from './jsonata';
import { dominators, strictDominatorsAmong, workflowGraph } from './state-graph';

/** A `compensate()` state: undo the completed tasks, then go on to `then`. */
export interface CompensateThen {
  /** The Pass that records the reason at `$.error`; its Next is wired by the saga. */
  readonly marker: sfn.Pass;
  readonly then: sfn.State;
}

/** What the saga wiring needs from its bounded context. */
export interface SagaContext {
  readonly tasks: ContextTask[];
  readonly awaits: AwaitEvent[];
  readonly aborts: sfn.Pass[];
  /** States that compensate and then go on, to a state of the workflow. */
  readonly compensateThen: CompensateThen[];
  /**
   * The events published after compensation, before `WorkflowFailed`: by
   * error name, and `default` for the others.
   */
  readonly failureEvents: ReadonlyMap<string, DomainEvent>;
  isInternal(state: sfn.State): boolean;
  markInternal(state: sfn.State): void;
  claimStateName(name: string): void;
  publish(
    scope: Construct,
    id: string,
    event: string,
    aboutState: string,
    data: string | Record<string, unknown>,
    stateName?: string,
  ): sfn.TaskStateBase;
  /** @default sfn.QueryLanguage.JSON_PATH */
  readonly queryLanguage?: sfn.QueryLanguage;
  /** Called with the `TaskFailed` publish of each failure point, to add to it. */
  readonly onTaskFailedPublish?: (failurePoint: sfn.State, publish: sfn.TaskStateBase) => void;
  /**
   * The catch of a failure point, when it differs from recording the error at
   * `error` (the first state of a JSONata workflow also defaults `causationId`).
   */
  readonly failureCatch?: (
    failurePoint: sfn.State,
  ) => Pick<sfn.CatchProps, 'resultPath' | 'outputs'> | undefined;
}

/**
 * The error an execution fails with when an await times out and has no
 * timeout path. Names that begin with `States.` are Step Functions' own, so
 * the library never uses one in a state it builds.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-error-representation
 */
export const AWAIT_TIMED_OUT_ERROR = 'AwaitTimedOut';

const FAILURE_DATA = {
  'input.$': '$.data',
  'error.$': '$.error.Error',
  'cause.$': '$.error.Cause',
};

const JSONATA_FAILURE_DATA = {
  input: expr('$states.input.data'),
  error: expr('$states.input.error.Error'),
  cause: expr('$states.input.error.Cause'),
};

/** The key of `failureEvents` for every error not named. */
export const DEFAULT_FAILURE = 'default';

/** Where a chain of compensations ends: the failure tail, or a `compensate()` state's `then`. */
type Destination = CompensateThen | 'failure';

/**
 * Gives every failure point of a workflow its path: publish `TaskFailed`, undo
 * the completed tasks in reverse order (saga compensation), publish the
 * failure event and `WorkflowFailed`, and fail. A `compensate()` state gets
 * the same undo, then goes on to its `then`: a business outcome, and the
 * execution succeeds.
 *
 * Which tasks have completed when a state fails is known from the graph: the
 * compensable tasks that dominate it (lie on every path to it), back to the
 * nearest `compensate()` state that dominates it (what lies before that was
 * undone already). Dominators form a chain, so each compensation continues
 * with the compensation of its nearest compensable dominator, and one
 * compensation state per task and destination serves every failure point.
 */
export class SagaWiring {
  private readonly compensations = new Map<string, sfn.State>();
  private tailState?: sfn.State;
  private dom = new Map<string, Set<string>>();
  private byInvoke = new Map<string, ContextTask>();
  /** Compensable tasks' invoke states and `compensate()` states, by name. */
  private stops = new Set<string>();
  private markers = new Map<string, CompensateThen>();

  constructor(
    private readonly scope: Construct,
    private readonly start: sfn.State,
    private readonly ctx: SagaContext,
  ) {}

  private get jsonata(): boolean {
    return isJsonata(this.ctx.queryLanguage);
  }

  /** `jsonPath` or `jsonata`, in the workflow's query language. */
  private q<T>(jsonPath: T, jsonata: T): T {
    return this.jsonata ? jsonata : jsonPath;
  }

  /** Wire catches, compensation chains and the failure tail. */
  public wire(): void {
    const links = new Map(this.ctx.compensateThen.map((c) => [c.marker, c.then]));
    const graph = workflowGraph(this.start, links);
    this.dom = dominators(graph);
    this.byInvoke = new Map(this.ctx.tasks.map((t) => [t.invoke.stateId, t]));
    this.markers = new Map(
      this.ctx.compensateThen
        .filter((c) => graph.states.has(c.marker.stateId))
        .map((c) => [c.marker.stateId, c]),
    );
    this.stops = new Set([
      ...[...graph.states.keys()].filter((name) => this.byInvoke.get(name)?.compensation),
      ...this.markers.keys(),
    ]);
    const entryFor = (name: string): sfn.State => this.entry(name, 'failure');
    for (const [name, state] of graph.states) {
      if (this.ctx.aborts.includes(state as sfn.Pass)) {
        (state as sfn.Pass).next(entryFor(name));
      } else if (isFailurePoint(state) && !this.ctx.isInternal(state) && !catchesAll(state)) {
        const failed = this.ctx.publish(
          this.scope,
          `Failed${uniqueId(name)}`,
          'TaskFailed',
          name,
          this.q<Record<string, unknown>>(FAILURE_DATA, JSONATA_FAILURE_DATA),
          `Publish TaskFailed (${name})`,
        );
        this.ctx.onTaskFailedPublish?.(state, failed);
        failed.next(entryFor(name));
        state.addCatch(failed, {
          errors: ['States.ALL'],
          ...(this.ctx.failureCatch?.(state) ??
            catchInto('error', stateLanguage(state) ?? this.ctx.queryLanguage)),
        });
      }
    }
    for (const awaiting of this.ctx.awaits) {
      if (awaiting.hasTimeoutPath || !graph.states.has(awaiting.wait.stateId)) continue;
      const name = `${awaiting.wait.stateId} timed out`;
      this.ctx.claimStateName(name);
      const id = `TimedOut${uniqueId(awaiting.wait.stateId)}`;
      // The original error (States.Timeout) stays in the data at the await's resultKey.
      const cause = `no ${awaiting.events.map((e) => e.name).join(' or ')} in time (States.Timeout after ${awaiting.timeoutSeconds} s)`;
      const timedOut = this.jsonata
        ? sfn.Pass.jsonata(this.scope, id, {
            stateName: name,
            outputs: expr(withError(AWAIT_TIMED_OUT_ERROR, cause)),
          })
        : new sfn.Pass(this.scope, id, {
            stateName: name,
            parameters: { Error: AWAIT_TIMED_OUT_ERROR, Cause: cause },
            resultPath: '$.error',
          });
      this.ctx.markInternal(timedOut);
      awaiting.timeoutPublish.next(timedOut.next(entryFor(awaiting.wait.stateId)));
    }
    // After the failure paths, so that theirs keep the plain state names.
    for (const marker of this.markers.values())
      marker.marker.next(this.entry(marker.marker.stateId, marker));
  }

  /**
   * The tasks to undo when `name` fails or compensates, nearest first: its
   * compensable dominators back to the nearest `compensate()` state before it.
   */
  private undoable(name: string): ContextTask[] {
    const tasks: ContextTask[] = [];
    for (const stop of strictDominatorsAmong(this.dom, name, this.stops)) {
      if (this.markers.has(stop)) break;
      tasks.push(this.byInvoke.get(stop)!);
    }
    return tasks;
  }

  /** The first state after `name` on the way to `destination`: a compensation, or the destination. */
  private entry(name: string, destination: Destination): sfn.State {
    const [nearest] = this.undoable(name);
    if (nearest) return this.compensation(nearest, destination);
    return destination === 'failure' ? this.tail() : destination.then;
  }

  private compensation(task: ContextTask, destination: Destination): sfn.State {
    const marker = destination === 'failure' ? undefined : destination.marker.stateId;
    const key = `${task.taskName}\u0000${marker ?? ''}`;
    const existing = this.compensations.get(key);
    if (existing) return existing;
    const next = this.entry(task.invoke.stateId, destination);
    // One chain per destination: `Compensate Pay` ends in the failure tail,
    // `Compensate Pay (Refused)` goes on after the compensate() state Refused.
    const stateName = marker
      ? `Compensate ${task.taskName} (${marker})`
      : `Compensate ${task.taskName}`;
    const suffix = marker ? uniqueId(marker) : '';
    this.ctx.claimStateName(stateName);
    const { handler, event } = task.compensation!;
    const undo = invokeState(
      task,
      `Compensate${suffix}`,
      stateName,
      handler,
      // A compensation must not give up on the first hiccup.
      { errors: ['States.TaskFailed'], maxAttempts: 3, interval: Duration.seconds(2) },
      {
        resultKey: 'compensation',
        payload: { 'error.$': '$.error' },
        jsonataPayload: { error: '$states.input.error' },
        queryLanguage: this.ctx.queryLanguage,
      },
    );
    const undone = this.ctx.publish(
      task,
      `PublishCompensated${suffix}`,
      event.name,
      stateName,
      this.q('$.compensation', expr('$states.input.compensation')),
    );
    const stuck = this.ctx.publish(
      task,
      `PublishCompensationFailed${suffix}`,
      'TaskFailed',
      stateName,
      this.q<Record<string, unknown>>(
        {
          'input.$': '$.data',
          'error.$': '$.compensationError.Error',
          'cause.$': '$.compensationError.Cause',
        },
        {
          input: expr('$states.input.data'),
          error: expr('$states.input.compensationError.Error'),
          cause: expr('$states.input.compensationError.Cause'),
        },
      ),
      `Publish TaskFailed (${stateName})`,
    );
    // A compensation that fails for good is published for operators; the others still run.
    undo.addCatch(stuck, {
      errors: ['States.ALL'],
      ...catchInto('compensationError', this.ctx.queryLanguage),
    });
    undo.next(undone);
    undone.next(next);
    stuck.next(next);
    this.ctx.markInternal(undo);
    this.compensations.set(key, undo);
    return undo;
  }

  private tail(): sfn.State {
    if (!this.tailState) {
      this.ctx.claimStateName('Failed');
      const fail = this.jsonata
        ? sfn.Fail.jsonata(this.scope, 'Failed', {
            error: expr('$states.input.error.Error'),
            cause: expr('$states.input.error.Cause'),
          })
        : new sfn.Fail(this.scope, 'Failed', {
            errorPath: '$.error.Error',
            causePath: '$.error.Cause',
          });
      const workflowFailed = this.ctx.publish(
        this.scope,
        'EmitWorkflowFailed',
        'WorkflowFailed',
        'End',
        this.q<Record<string, unknown>>(
          { 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
          { error: expr('$states.input.error.Error'), cause: expr('$states.input.error.Cause') },
        ),
      );
      workflowFailed.next(fail);
      this.tailState = this.failureEvents(workflowFailed);
    }
    return this.tailState;
  }

  /**
   * The failure events before `WorkflowFailed`: one publish state per event,
   * chosen by the error's name when the workflow names events per error.
   */
  private failureEvents(workflowFailed: sfn.State): sfn.State {
    const events = this.ctx.failureEvents;
    const publishes = new Map<string, sfn.State>();
    const publishOf = (event: DomainEvent): sfn.State => {
      const existing = publishes.get(event.name);
      if (existing) return existing;
      const state = this.ctx.publish(
        this.scope,
        `Emit${event.name}`,
        event.name,
        'End',
        // The workflow's data plus Error and Cause: consumers correlate it like any other event.
        this.q(
          'States.JsonMerge($.data, $.error, false)',
          expr('$merge([$states.input.data, $states.input.error])'),
        ),
      );
      state.next(workflowFailed);
      publishes.set(event.name, state);
      return state;
    };
    const fallback = events.get(DEFAULT_FAILURE);
    const otherwise = fallback ? publishOf(fallback) : workflowFailed;
    const named = [...events].filter(([error]) => error !== DEFAULT_FAILURE);
    if (named.length === 0) return otherwise;
    this.ctx.claimStateName(WHICH_FAILURE_EVENT);
    const which = this.q(sfn.Choice.jsonPath, sfn.Choice.jsonata)(this.scope, 'WhichFailureEvent', {
      stateName: WHICH_FAILURE_EVENT,
    });
    // Every path into the tail has recorded $.error (a Catch, fail(), a timeout): Error is present.
    for (const [error, event] of named)
      which.when(
        this.q(
          sfn.Condition.stringEquals('$.error.Error', error),
          sfn.Condition.jsonata(expr(`$states.input.error.Error = ${lit(error)}`)),
        ),
        publishOf(event),
      );
    which.otherwise(otherwise);
    this.ctx.markInternal(which);
    return which;
  }
}

/** The Choice that picks the failure event by error name. */
export const WHICH_FAILURE_EVENT = 'Which failure event?';

type Catchable = sfn.State & { addCatch(handler: sfn.IChainable, props?: sfn.CatchProps): unknown };

function isFailurePoint(state: sfn.State): state is Catchable {
  return (
    state instanceof sfn.TaskStateBase || state instanceof sfn.Parallel || state instanceof sfn.Map
  );
}

function catchesAll(state: sfn.State): boolean {
  const catches = (state.toStateJson() as { Catch?: { ErrorEquals: string[] }[] }).Catch ?? [];
  return catches.some((c) => c.ErrorEquals.includes('States.ALL'));
}

function uniqueId(stateName: string): string {
  return stateName.replace(/[^A-Za-z0-9]/g, '');
}

/**
 * The query language a state was written in, when set on the state: a
 * JSONata state of the user in a JSONPath workflow takes a JSONata Catch,
 * which has no ResultPath (only `Output` and `Assign`).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
function stateLanguage(state: sfn.State): sfn.QueryLanguage | undefined {
  return (state as unknown as { queryLanguage?: sfn.QueryLanguage }).queryLanguage;
}

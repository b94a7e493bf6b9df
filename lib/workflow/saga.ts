import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AwaitEvent } from '../await/await-event';
import { DomainEvent } from '../context/domain-event';
import { ContextTask, invokeState } from './context-task';
import { dominators, strictDominatorsAmong, workflowGraph } from './state-graph';

/** What the saga wiring needs from its bounded context. */
export interface SagaContext {
  readonly tasks: ContextTask[];
  readonly awaits: AwaitEvent[];
  readonly aborts: sfn.Pass[];
  /** The event published after compensation, before `WorkflowFailed`. */
  readonly failureEvent?: DomainEvent;
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

/**
 * Gives every failure point of a workflow its path: publish `TaskFailed`, undo
 * the completed tasks in reverse order (saga compensation), publish the
 * failure event and `WorkflowFailed`, and fail.
 *
 * Which tasks have completed when a state fails is known from the graph: the
 * compensable tasks that dominate it (lie on every path to it). Dominators form
 * a chain, so each compensation continues with the compensation of its nearest
 * compensable dominator, and one compensation state per task serves every
 * failure point.
 */
export class SagaWiring {
  private readonly compensations = new Map<string, sfn.State>();
  private tailState?: sfn.State;

  constructor(
    private readonly scope: Construct,
    private readonly start: sfn.State,
    private readonly ctx: SagaContext,
  ) {}

  /** Wire catches, compensation chains and the failure tail. */
  public wire(): void {
    const graph = workflowGraph(this.start);
    const dom = dominators(graph);
    const byInvoke = new Map(this.ctx.tasks.map((t) => [t.invoke.stateId, t]));
    const compensable = new Set(
      [...graph.states.keys()].filter((name) => byInvoke.get(name)?.compensation),
    );
    const entryFor = (name: string): sfn.State => {
      const [nearest] = strictDominatorsAmong(dom, name, compensable);
      return nearest
        ? this.compensation(byInvoke.get(nearest)!, dom, compensable, byInvoke)
        : this.tail();
    };
    for (const [name, state] of graph.states) {
      if (this.ctx.aborts.includes(state as sfn.Pass)) {
        (state as sfn.Pass).next(entryFor(name));
      } else if (isFailurePoint(state) && !this.ctx.isInternal(state) && !catchesAll(state)) {
        const failed = this.ctx.publish(
          this.scope,
          `Failed${uniqueId(name)}`,
          'TaskFailed',
          name,
          FAILURE_DATA,
          `Publish TaskFailed (${name})`,
        );
        failed.next(entryFor(name));
        state.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
      }
    }
    for (const awaiting of this.ctx.awaits) {
      if (awaiting.hasTimeoutPath || !graph.states.has(awaiting.wait.stateId)) continue;
      const name = `${awaiting.wait.stateId} timed out`;
      this.ctx.claimStateName(name);
      const timedOut = new sfn.Pass(this.scope, `TimedOut${uniqueId(awaiting.wait.stateId)}`, {
        stateName: name,
        parameters: {
          Error: AWAIT_TIMED_OUT_ERROR,
          // The original error (States.Timeout) stays in the data at the await's resultKey.
          Cause: `no ${awaiting.events.map((e) => e.name).join(' or ')} in time (States.Timeout after ${awaiting.timeoutSeconds} s)`,
        },
        resultPath: '$.error',
      });
      this.ctx.markInternal(timedOut);
      awaiting.timeoutPublish.next(timedOut.next(entryFor(awaiting.wait.stateId)));
    }
  }

  private compensation(
    task: ContextTask,
    dom: Map<string, Set<string>>,
    compensable: Set<string>,
    byInvoke: Map<string, ContextTask>,
  ): sfn.State {
    const existing = this.compensations.get(task.taskName);
    if (existing) return existing;
    const [previous] = strictDominatorsAmong(dom, task.invoke.stateId, compensable);
    const next = previous
      ? this.compensation(byInvoke.get(previous)!, dom, compensable, byInvoke)
      : this.tail();
    const stateName = `Compensate ${task.taskName}`;
    this.ctx.claimStateName(stateName);
    const { handler, event } = task.compensation!;
    const undo = invokeState(
      task,
      'Compensate',
      stateName,
      handler,
      // A compensation must not give up on the first hiccup.
      { errors: ['States.TaskFailed'], maxAttempts: 3, interval: Duration.seconds(2) },
      { resultPath: '$.compensation', payload: { 'error.$': '$.error' } },
    );
    const undone = this.ctx.publish(
      task,
      'PublishCompensated',
      event.name,
      stateName,
      '$.compensation',
    );
    const stuck = this.ctx.publish(
      task,
      'PublishCompensationFailed',
      'TaskFailed',
      stateName,
      {
        'input.$': '$.data',
        'error.$': '$.compensationError.Error',
        'cause.$': '$.compensationError.Cause',
      },
      `Publish TaskFailed (${stateName})`,
    );
    // A compensation that fails for good is published for operators; the others still run.
    undo.addCatch(stuck, { errors: ['States.ALL'], resultPath: '$.compensationError' });
    undo.next(undone);
    undone.next(next);
    stuck.next(next);
    this.ctx.markInternal(undo);
    this.compensations.set(task.taskName, undo);
    return undo;
  }

  private tail(): sfn.State {
    if (!this.tailState) {
      this.ctx.claimStateName('Failed');
      const fail = new sfn.Fail(this.scope, 'Failed', {
        errorPath: '$.error.Error',
        causePath: '$.error.Cause',
      });
      const workflowFailed = this.ctx.publish(
        this.scope,
        'EmitWorkflowFailed',
        'WorkflowFailed',
        'End',
        {
          'error.$': '$.error.Error',
          'cause.$': '$.error.Cause',
        },
      );
      workflowFailed.next(fail);
      const failureEvent = this.ctx.failureEvent;
      if (failureEvent) {
        const terminal = this.ctx.publish(
          this.scope,
          `Emit${failureEvent.name}`,
          failureEvent.name,
          'End',
          // The workflow's data plus Error and Cause: consumers correlate it like any other event.
          'States.JsonMerge($.data, $.error, false)',
        );
        terminal.next(workflowFailed);
        this.tailState = terminal;
      } else {
        this.tailState = workflowFailed;
      }
    }
    return this.tailState;
  }
}

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

import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { LifecycleEvent } from '../../events/domain-event';
import { catchInto, ContextTask, makeFirstState } from '../../workflow/context-task';
import {
  envelopeCheck,
  JSONATA_ENVELOPE_RULES,
  jsonataEnvelopeCheck,
} from '../../workflow/envelope-check';
import { checkedEnvelope, NORMALIZED_METADATA } from '../../workflow/jsonata';
import { addEntry, canAddEntry, JsonataEntry, PublishStateProps } from '../../workflow/publish';
import { workflowGraph } from '../../workflow/state-graph';
import { validateJsonataStates } from './query-language-checks';
import { WireWorkflowProps, wireWorkflow, WorkflowParts } from './wire-workflow';

/** What the layouts need from their bounded context. */
export interface LayoutHost {
  /** The bounded context. */
  readonly scope: Construct;
  readonly parts: WorkflowParts;
  readonly queryLanguage: sfn.QueryLanguage;
  /** The wiring both layouts share. */
  readonly wireProps: Omit<
    WireWorkflowProps,
    'succeedWith' | 'onTaskFailedPublish' | 'failureCatch'
  >;
  /** A publish state of a lifecycle event, about `Start` or `End`. */
  lifecyclePublish(
    id: string,
    event: LifecycleEvent,
    about: string,
    jsonata?: Pick<PublishStateProps, 'metadata' | 'wrap' | 'output'>,
  ): sfn.TaskStateBase;
}

/**
 * `occurredAt` of `WorkflowStarted` in the JSONata layout: the execution's
 * start time, whichever state publishes it.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 */
const STARTED_AT = '$states.context.Execution.StartTime';

/**
 * The JSONPath layout: a Choice checks the envelope (and Pass states default
 * `causationId`), then `WorkflowStarted`, the definition, and
 * `WorkflowSucceeded` in states of their own. Returns the first state.
 */
export function wireJsonPathLayout(host: LayoutHost, definition: sfn.IChainable): sfn.State {
  const started = host.lifecyclePublish('EmitWorkflowStarted', 'WorkflowStarted', 'Start');
  const succeeded = host.lifecyclePublish('EmitWorkflowSucceeded', 'WorkflowSucceeded', 'End');
  wireWorkflow(host.scope, started, () => succeeded, definition, {
    ...host.wireProps,
    succeedWith: () => false,
  });
  return envelopeCheck(host.scope, 'Envelope', started);
}

/**
 * The JSONata layout: the first state checks the envelope in its Arguments
 * and defaults `causationId` in its Output. When the workflow starts with a
 * task that publishes its event (and nothing else leads to it),
 * `WorkflowStarted` is published with that event, with the execution's start
 * time as `occurredAt`; otherwise a first state publishes it. A publish state
 * that ends the workflow also publishes `WorkflowSucceeded`. Returns the
 * first state.
 */
export function wireJsonataLayout(host: LayoutHost, definition: sfn.IChainable): sfn.State {
  const { parts, scope } = host;
  validateJsonataStates(definition.startState);
  const first = mergeableFirstTask(parts, definition.startState);
  const startedEntry: JsonataEntry = {
    eventName: 'WorkflowStarted',
    aboutState: 'Start',
    data: '$states.context.Execution.Input.data',
    metadata: { metadata: '$states.input.metadata', occurredAt: STARTED_AT },
  };
  let started: sfn.TaskStateBase | undefined;
  if (first) {
    makeFirstState(first.invoke, JSONATA_ENVELOPE_RULES);
    addEntry(first.publish!, startedEntry, 'first');
    for (const route of first.routeTargets) addEntry(route, startedEntry, 'first');
    jsonataEnvelopeCheck(scope, 'Envelope', first.invoke);
  } else {
    started = host.lifecyclePublish('EmitWorkflowStarted', 'WorkflowStarted', 'Start', {
      metadata: { metadata: NORMALIZED_METADATA, occurredAt: STARTED_AT },
      wrap: (detail) => checkedEnvelope(detail, JSONATA_ENVELOPE_RULES),
      output: `$merge([$states.input, {"metadata": ${NORMALIZED_METADATA}}])`,
    });
    jsonataEnvelopeCheck(scope, 'Envelope', started);
  }
  let succeeded: sfn.State | undefined;
  return wireWorkflow(
    scope,
    started,
    () =>
      (succeeded ??= host.lifecyclePublish('EmitWorkflowSucceeded', 'WorkflowSucceeded', 'End')),
    definition,
    {
      ...host.wireProps,
      succeedWith: (end) => {
        if (!parts.taskPublishes.has(end) || !canAddEntry(end)) return false;
        addEntry(
          end,
          { eventName: 'WorkflowSucceeded', aboutState: 'End', data: '$states.input.data' },
          'last',
        );
        return true;
      },
      onTaskFailedPublish: (point, publish) => {
        if (point === first?.invoke) addEntry(publish, startedEntry, 'first');
      },
      failureCatch: (point) =>
        point === first?.invoke
          ? catchInto('error', host.queryLanguage, { normalizeMetadata: true })
          : undefined,
    },
  );
}

/**
 * The task that starts `start` when its event can carry `WorkflowStarted`: it
 * publishes from the workflow, no state leads back to it (a loop would
 * publish `WorkflowStarted` again), and each of its error routes goes to a
 * publish state that can carry `WorkflowStarted` too and that nothing else
 * leads to (a route elsewhere would skip `WorkflowStarted`).
 */
function mergeableFirstTask(parts: WorkflowParts, start: sfn.State): ContextTask | undefined {
  const task = parts.tasks.find((t) => t.invoke === start);
  if (!task?.publish || !canAddEntry(task.publish)) return undefined;
  const catches = (task.invoke.toStateJson() as { Catch?: unknown[] }).Catch ?? [];
  // A Catch added by hand rather than with onError() goes somewhere unknown.
  if (catches.length !== task.routedErrors.length) return undefined;
  const links = new Map(parts.compensateThen.map((c) => [c.marker as sfn.State, c.then]));
  const graph = workflowGraph(start, links);
  const incoming = (state: sfn.State) =>
    [...graph.successors.values()].filter((targets) => targets.includes(state.stateId)).length;
  if (incoming(start) > 0) return undefined;
  for (const target of task.routeTargets) {
    if (!parts.taskPublishes.has(target) || !canAddEntry(target)) return undefined;
    if (incoming(target) !== 1) return undefined;
  }
  return task;
}

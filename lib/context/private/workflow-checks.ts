import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ValidationError } from '../../checks/validation-error';
import { camelCase, DomainEvent } from '../../events/domain-event';
import { CompensateThen, DEFAULT_FAILURE } from '../../workflow/saga';
import { workflowGraph } from '../../workflow/state-graph';
import { WorkflowOptions } from '../bounded-context-props';

/** Where the errors name the context, and the events it declares. */
export interface WorkflowCheckScope {
  readonly path: string;
  readonly contextName: string;
  readonly declared: ReadonlyMap<string, DomainEvent>;
}

/** The failure event per error name (`default` for the others), checked. */
export function failureEventsOf(
  scope: WorkflowCheckScope,
  options: WorkflowOptions,
): Map<string, DomainEvent> {
  const byError = new Map<string, DomainEvent>();
  const given = Object.entries(options.failureEvents ?? {});
  if (
    options.failureEvent !== undefined &&
    options.failureEvents?.[DEFAULT_FAILURE] !== undefined
  ) {
    throw new ValidationError(
      scope.path,
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
        scope.path,
        property,
        name,
        `Name an error to publish ${name} for, or use the key '${DEFAULT_FAILURE}' for every error not named.`,
      );
    }
    const event = scope.declared.get(name);
    if (!event) {
      throw new ValidationError(
        scope.path,
        property,
        name,
        `${scope.contextName} publishes ${[...scope.declared.keys()].join(', ')}. Declare '${name}' in its events, or use one of those.`,
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
export function validateCompensateThen(
  scope: WorkflowCheckScope,
  started: sfn.State,
  compensateThen: readonly CompensateThen[],
): void {
  const links = new Map(compensateThen.map((c) => [c.marker, c.then]));
  const linked = new Set(workflowGraph(started, links).states.values());
  // What the workflow reaches without passing a compensate() state.
  const reachable = new Set(sfn.State.findReachableStates(started, { includeErrorHandlers: true }));
  const thens = new Map<sfn.State, sfn.Pass>();
  for (const { marker, then } of compensateThen) {
    const path = `${scope.path}/${marker.stateId}`;
    const other = thens.get(then);
    if (other) {
      throw new ValidationError(
        path,
        'then',
        then.stateId,
        `compensate() state ${other.stateId} goes on with the same state: give each compensate() state its own then (a separate emit with its own stateName).`,
      );
    }
    thens.set(then, marker);
    const chained = (marker.toStateJson() as { Next?: string }).Next;
    if (chained !== undefined) {
      throw new ValidationError(
        path,
        'next',
        chained,
        `A compensate() state goes on with its then once the compensations ran; nothing may be chained after it. Move ${chained} into then (then: ${camelCase(scope.contextName)}.emit(...).next(...)).`,
      );
    }
    if (!linked.has(marker)) {
      throw new ValidationError(
        path,
        'compensate',
        marker.stateId,
        `No path of the ${scope.contextName} workflow reaches this compensate() state, so its compensations would never run. Chain it into the workflow (after a task, in a Choice or an await's when()), or remove it.`,
      );
    }
    if (reachable.has(then)) {
      throw new ValidationError(
        path,
        'then',
        then.stateId,
        `The workflow also reaches ${then.stateId} without compensating, so what fails after it could not know what was undone. Give compensate() a state of its own (a separate emit with its own stateName), or send the other path through the compensate() state.`,
      );
    }
  }
}

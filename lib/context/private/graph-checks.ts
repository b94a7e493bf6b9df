import { Annotations } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { IDomainEventBus } from '../../bus/domain-event-bus';
import { referencedConstructs } from '../../checks/boundary';
import { invalidValueMessage } from '../../checks/validation-error';
import { DomainEvent, camelCase } from '../../events/domain-event';
import type { BoundedContext } from '../bounded-context';
import { duplicateContextNames, SubscriptionEdge, unfilteredCycles } from './context-map';

/** What the app-wide checks of one context need to know besides the context itself. */
export interface GraphView {
  /** The context checked. */
  readonly self: BoundedContext;
  /** Every bounded context of the app, in construct-tree order. */
  readonly contexts: readonly BoundedContext[];
  /** The events the context declares (lifecycle events excluded). */
  readonly declaredEvents: readonly string[];
  /** The first state of its workflow, if defined. */
  readonly workflowStart?: sfn.State;
  /** The context that declares an event. */
  readonly publisherOf: (event: DomainEvent) => BoundedContext | undefined;
  /** The bounded context a construct belongs to. */
  readonly ownerOf: (construct: IConstruct) => BoundedContext | undefined;
}

/** Checks that need the whole app: run by CDK just before synthesis. */
export function graphErrors(view: GraphView): string[] {
  const { self } = view;
  const errors: string[] = [...sharedNameErrors(view)];
  warnAboutCycles(view);
  if (!view.workflowStart) {
    if (view.declaredEvents.length > 0) {
      errors.push(
        invalidValueMessage(
          'events',
          view.declaredEvents,
          `${self.contextName} declares events but has no workflow: no state would publish them, and its dead-letter queue would have no alarm. Call ${camelCase(self.contextName)}.workflow(...), or remove the events (or the context).`,
        ),
      );
    }
    if (self.subscriptions.length > 0) {
      errors.push(
        `${self.contextName} subscribes to events but has no workflow to start. Call ${self.contextName}.workflow(...).`,
      );
    }
    return errors;
  }
  errors.push(
    ...boundaryViolations(view, view.workflowStart),
    ...unpublished(view, 'subscribes to', self.subscribedEvents),
    ...unpublished(view, 'awaits', self.awaitedEvents),
  );
  const published = self.publishedEventNames();
  const never = view.declaredEvents.filter((name) => !published.has(name));
  if (never.length > 0) {
    Annotations.of(self).addWarningV2(
      'cdk-ensemble:eventNeverPublished',
      `${self.contextName} declares ${never.join(', ')} but no state of its workflow publishes ${never.length > 1 ? 'them' : 'it'}.`,
    );
  }
  return errors;
}

/**
 * Two contexts with one name on one bus publish with one `source`: their
 * events cannot be told apart, and a subscriber starts on either's.
 */
function sharedNameErrors({ self, contexts }: GraphView): string[] {
  const nodes = contexts.map((context) => ({
    context,
    path: context.node.path,
    contextName: context.contextName,
    // The same token string for every reference to one bus, across stacks.
    busKey: context.bus.eventBus.eventBusArn,
  }));
  return duplicateContextNames(nodes)
    .filter(({ context }) => context.context === self)
    .map(({ first }) =>
      invalidValueMessage(
        'contextName',
        self.contextName,
        `${first.path} already uses it on the same bus (${busPath(self.bus)}): both publish with source ${self.source}, so a subscriber could not tell their events apart. Give one of them another contextName.`,
      ),
    );
}

/** Warn, from the cycle's first context, about each unfiltered subscription cycle. */
function warnAboutCycles({ self, contexts, publisherOf }: GraphView): void {
  const byPath = new Map(contexts.map((c) => [c.node.path, c]));
  const edges: SubscriptionEdge[] = contexts.flatMap((subscriber) =>
    subscriber.subscriptions.flatMap((s) => {
      const publisher = publisherOf(s.event);
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
    if (cycle[0].publisher !== self.node.path) continue;
    const name = (path: string) => byPath.get(path)!.contextName;
    const route = [...cycle.map((e) => `${e.publisher} (${name(e.publisher)})`), self.node.path];
    const calls = cycle.map(
      (e) =>
        `${camelCase(name(e.subscriber))}.on(${camelCase(name(e.publisher))}.event('${e.event}'))`,
    );
    Annotations.of(self).addWarningV2(
      'cdk-ensemble:subscriptionCycle',
      `Subscriptions form a cycle with no filter: ${route.join(' → ')}: ${calls.join(', ')}. ` +
        'If every workflow of the cycle publishes the event that starts the next, one event starts executions forever: an unbounded loop of billed executions. ' +
        'Give one subscription of the cycle a filter (options.filter) that the looping events cannot match, or break the cycle.',
    );
  }
}

function boundaryViolations({ self, ownerOf }: GraphView, start: sfn.State): string[] {
  const errors: string[] = [];
  for (const { stateName, target } of referencedConstructs(start)) {
    const owner = ownerOf(target);
    if (owner && owner !== self) {
      errors.push(
        `workflow state '${stateName}' invokes ${target.node.path.replace(/\/Resource$/, '')}, which belongs to bounded context '${owner.contextName}'. ` +
          `Orchestration stops at the context boundary: publish an event from ${self.contextName} and have ${owner.contextName} react to it with ${camelCase(owner.contextName)}.on(${camelCase(self.contextName)}.event('...')).`,
      );
    }
  }
  return errors;
}

function unpublished(
  { self, publisherOf }: GraphView,
  verb: string,
  events: DomainEvent[],
): string[] {
  const errors: string[] = [];
  for (const event of new Set(events)) {
    const owner = publisherOf(event);
    if (!owner) continue;
    if (!owner.hasWorkflow || !owner.publishedEventNames().has(event.name)) {
      errors.push(
        `${self.contextName} ${verb} ${event.source} ${event.name}, but no state of the ${owner.contextName} workflow publishes it. ` +
          `Publish it there (a task with emits: '${event.name}', or ${camelCase(owner.contextName)}.emit('${event.name}')), or remove the ${verb === 'awaits' ? 'await' : 'subscription'}.`,
      );
    }
  }
  return errors;
}

/** The construct path of a bus, for messages: `Stack/Bus` rather than `Stack/Bus/Resource`. */
function busPath(bus: IDomainEventBus): string {
  return bus.eventBus.node.path.replace(/\/Resource$/, '');
}

/**
 * One subscription between two bounded contexts, `subscriber.on(publisher.event(event))`:
 * an edge of the context map, in the direction the events flow.
 */
export interface SubscriptionEdge {
  /** Construct path of the context that publishes the event. */
  readonly publisher: string;
  /** Construct path of the context whose workflow the event starts. */
  readonly subscriber: string;
  /** The event name. */
  readonly event: string;
  /** Whether the subscription has a content filter, which may stop the loop. */
  readonly filtered: boolean;
}

/**
 * Cycles of unfiltered subscriptions through two or more contexts.
 *
 * Every context of a cycle starts the next one's workflow with each event it
 * publishes, so one event can start executions forever. A filter on any edge
 * may break the loop, so only unfiltered edges count; a context subscribing to
 * itself is refused elsewhere and ignored here. One cycle is returned per
 * group of contexts that reach each other (strongly connected component): the
 * shortest one from the group's first path, as its edges in flow order.
 */
export function unfilteredCycles(edges: readonly SubscriptionEdge[]): SubscriptionEdge[][] {
  const loopable = edges
    .filter((e) => !e.filtered && e.publisher !== e.subscriber)
    .sort((a, b) => compare(a.publisher, b.publisher) || compare(a.subscriber, b.subscriber));
  const cycles: SubscriptionEdge[][] = [];
  for (const group of stronglyConnected(loopable)) {
    if (group.size < 2) continue;
    const start = [...group].sort(compare)[0];
    cycles.push(
      shortestCycle(
        start,
        loopable.filter((e) => group.has(e.subscriber)),
      ),
    );
  }
  return cycles.sort((a, b) => compare(a[0].publisher, b[0].publisher));
}

/** One context of the app, as far as name clashes on a bus go. */
export interface NamedContext {
  /** Construct path of the context. */
  readonly path: string;
  /** The context name: the second segment of its events' source. */
  readonly contextName: string;
  /** Identifies the bus it publishes on (the same for every reference to one bus). */
  readonly busKey: string;
}

/**
 * The contexts that reuse the `contextName` of an earlier context on the same
 * bus, each with the first context that used it.
 */
export function duplicateContextNames<T extends NamedContext>(
  contexts: readonly T[],
): { context: T; first: T }[] {
  const seen = new Map<string, T>();
  const duplicates: { context: T; first: T }[] = [];
  for (const context of contexts) {
    const key = JSON.stringify([context.busKey, context.contextName]);
    const first = seen.get(key);
    if (first) duplicates.push({ context, first });
    else seen.set(key, context);
  }
  return duplicates;
}

/** Tarjan's algorithm over the nodes that edges touch. */
function stronglyConnected(edges: readonly SubscriptionEdge[]): Set<string>[] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.publisher, [...(next.get(e.publisher) ?? []), e.subscriber]);
  const nodes = [...new Set(edges.flatMap((e) => [e.publisher, e.subscriber]))].sort(compare);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: Set<string>[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group = new Set<string>();
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.add(member);
      } while (member !== node);
      groups.push(group);
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return groups;
}

/** Breadth-first: the fewest edges from `start` back to itself. */
function shortestCycle(start: string, edges: readonly SubscriptionEdge[]): SubscriptionEdge[] {
  const via = new Map<string, SubscriptionEdge>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const edge of edges.filter((e) => e.publisher === node)) {
      if (edge.subscriber === start) return [...pathTo(node, via, start), edge];
      if (!via.has(edge.subscriber)) {
        via.set(edge.subscriber, edge);
        queue.push(edge.subscriber);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}

function pathTo(
  node: string,
  via: Map<string, SubscriptionEdge>,
  start: string,
): SubscriptionEdge[] {
  const path: SubscriptionEdge[] = [];
  for (let at = node; at !== start; at = via.get(at)!.publisher) path.unshift(via.get(at)!);
  return path;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

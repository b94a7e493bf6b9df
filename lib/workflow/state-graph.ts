import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** The top-level states of a workflow and the transitions between them. */
export interface WorkflowGraph {
  /** States by name, in depth-first order from the start. */
  readonly states: Map<string, sfn.State>;
  /**
   * Names of the nodes each node can go to: a state's Next, Choices and
   * Default; its Catch targets hang from its {@link caughtNode}.
   */
  readonly successors: Map<string, string[]>;
  readonly start: string;
}

/**
 * The graph of the states reachable from `start`, read from their rendered
 * JSON. States inside Parallel and Map branches are separate graphs and are
 * not included.
 *
 * `links` are transitions not yet in the JSON (a state whose Next is wired
 * once the graph is known): each counts as an edge from its state, and what
 * it leads to is reachable when its state is.
 */
export function workflowGraph(
  start: sfn.State,
  links: ReadonlyMap<sfn.State, sfn.State> = new Map(),
): WorkflowGraph {
  const states = new Map<string, sfn.State>();
  const visit = (from: sfn.State) => {
    for (const state of sfn.State.findReachableStates(from, { includeErrorHandlers: true })) {
      if (states.has(state.stateId)) continue;
      states.set(state.stateId, state);
      const linked = links.get(state);
      if (linked) visit(linked);
    }
  };
  visit(start);
  const successors = new Map<string, string[]>();
  const catches = new Map<string, string[]>();
  for (const [name, state] of states) {
    const json = state.toStateJson() as Record<string, unknown>;
    successors.set(name, transitionsOf(json));
    const caught = catchTargets(json);
    if (caught.length > 0) catches.set(name, caught);
  }
  for (const [from, to] of links) {
    const targets = successors.get(from.stateId);
    if (targets && !targets.includes(to.stateId)) targets.push(to.stateId);
  }
  // A state reached by a Catch runs after the failed state's predecessors, not
  // after the failed state, which did not complete: its catches hang from a
  // node of their own that the state's predecessors lead to.
  const predecessors = new Map<string, string[]>();
  for (const [from, tos] of successors)
    for (const to of tos) predecessors.set(to, [...(predecessors.get(to) ?? []), from]);
  for (const [name, targets] of catches) {
    const node = caughtNode(name);
    successors.set(node, targets);
    for (const from of predecessors.get(name) ?? []) successors.get(from)!.push(node);
  }
  return { states, successors, start: start.stateId };
}

/** The node of the graph from which the Catch transitions of `stateName` leave. */
export function caughtNode(stateName: string): string {
  return `${stateName}\u0000caught`;
}

function transitionsOf(json: Record<string, unknown>): string[] {
  const targets: string[] = [];
  const add = (t: unknown) => typeof t === 'string' && targets.push(t);
  add(json.Next);
  add(json.Default);
  for (const choice of (json.Choices as { Next?: string }[] | undefined) ?? []) add(choice.Next);
  return [...new Set(targets)];
}

function catchTargets(json: Record<string, unknown>): string[] {
  const targets = ((json.Catch as { Next?: string }[] | undefined) ?? []).map((c) => c.Next);
  return [...new Set(targets.filter((t): t is string => typeof t === 'string'))];
}

/**
 * The dominators of every state: the states on every path from the start to it
 * (itself included). Computed with the classic iterative data-flow algorithm;
 * workflows are small.
 */
export function dominators(graph: WorkflowGraph): Map<string, Set<string>> {
  const names = [...graph.successors.keys()];
  const predecessors = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const [from, tos] of graph.successors)
    for (const to of tos) predecessors.get(to)?.push(from);
  const all = new Set(names);
  const dom = new Map<string, Set<string>>(
    names.map((n) => [n, n === graph.start ? new Set([n]) : new Set(all)]),
  );
  let changed = true;
  while (changed) {
    changed = false;
    for (const name of names) {
      if (name === graph.start) continue;
      const preds = predecessors.get(name)!.map((p) => dom.get(p)!);
      const next = new Set<string>(
        preds.length === 0 ? [] : [...preds[0]].filter((d) => preds.every((p) => p.has(d))),
      );
      next.add(name);
      if (next.size !== dom.get(name)!.size) {
        dom.set(name, next);
        changed = true;
      }
    }
  }
  return dom;
}

/**
 * Among `candidates`, the strict dominators of `name`, nearest first.
 *
 * Dominators form a chain, so ordering them by how many dominators each has
 * gives the order in which every path meets them.
 */
export function strictDominatorsAmong(
  dom: Map<string, Set<string>>,
  name: string,
  candidates: Set<string>,
): string[] {
  return [...(dom.get(name) ?? [])]
    .filter((d) => d !== name && candidates.has(d))
    .sort((a, b) => dom.get(b)!.size - dom.get(a)!.size);
}

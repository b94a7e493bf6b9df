import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** The top-level states of a workflow and the transitions between them. */
export interface WorkflowGraph {
  /** States by name, in depth-first order from the start. */
  readonly states: Map<string, sfn.State>;
  /** Names of the states each state can go to (Next, Choices, Default, Catch). */
  readonly successors: Map<string, string[]>;
  readonly start: string;
}

/**
 * The graph of the states reachable from `start`, read from their rendered
 * JSON. States inside Parallel and Map branches are separate graphs and are
 * not included.
 */
export function workflowGraph(start: sfn.State): WorkflowGraph {
  const states = new Map<string, sfn.State>();
  for (const state of sfn.State.findReachableStates(start, { includeErrorHandlers: true })) {
    states.set(state.stateId, state);
  }
  const successors = new Map<string, string[]>();
  for (const [name, state] of states)
    successors.set(name, transitionsOf(state.toStateJson() as Record<string, unknown>));
  return { states, successors, start: start.stateId };
}

function transitionsOf(json: Record<string, unknown>): string[] {
  const targets: string[] = [];
  const add = (t: unknown) => typeof t === 'string' && targets.push(t);
  add(json.Next);
  add(json.Default);
  for (const choice of (json.Choices as { Next?: string }[] | undefined) ?? []) add(choice.Next);
  for (const katch of (json.Catch as { Next?: string }[] | undefined) ?? []) add(katch.Next);
  return [...new Set(targets)];
}

/**
 * The dominators of every state: the states on every path from the start to it
 * (itself included). Computed with the classic iterative data-flow algorithm;
 * workflows are small.
 */
export function dominators(graph: WorkflowGraph): Map<string, Set<string>> {
  const names = [...graph.states.keys()];
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

import { StatesError } from '../errors';
import { effectiveInput, stateOutput, statePayload } from '../io';
import { Aborted, Frame, GraphDefinition, Outcome, StateContext, StateDefinition } from '../types';

/**
 * Parallel: runs every branch on the same input; its result is the list of
 * the branches' outputs. The first branch to fail stops the others and the
 * state fails with that branch's error.
 *
 * Each branch gets a scope of variables of its own: it reads the outer
 * variables and assigns its own, which the outer states never see.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
export async function runParallel(
  state: StateDefinition,
  raw: unknown,
  ctx: StateContext,
): Promise<Outcome> {
  const effective = effectiveInput(ctx, raw);
  const input = await statePayload(ctx, raw, effective);
  const branches = (state.Branches ?? []) as GraphDefinition[];
  const result = await runChildren(
    ctx,
    branches.map((graph) => (frame: Frame) => ctx.frame.run.runGraph(graph, input, frame)),
  );
  const output = await stateOutput(ctx, raw, effective, result, true);
  return { output, next: state.End ? undefined : state.Next };
}

/**
 * Runs child graphs, at most `limit` at once (0: all), each in a frame of its
 * own; the first failure aborts the rest and is rethrown.
 */
export async function runChildren(
  ctx: StateContext,
  children: ((frame: Frame, index: number) => Promise<unknown>)[],
  limit = 0,
  mapItem?: (index: number) => { Index: number; Value: unknown },
): Promise<unknown[]> {
  const parent = ctx.frame;
  const scope = parent.scope.child();
  const results: unknown[] = new Array(children.length);
  let failure: unknown;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < children.length && failure === undefined) {
      const index = next++;
      const frame: Frame = {
        run: parent.run,
        scope,
        variables: Object.create(parent.variables) as Record<string, unknown>,
        language: parent.language,
        mapItem: mapItem?.(index),
      };
      try {
        results[index] = await children[index](frame, index);
      } catch (error) {
        if (failure === undefined) {
          failure = error;
          if (!(error instanceof Aborted)) scope.abort(error as StatesError);
        }
        return;
      }
    }
  };
  const workers = Math.max(1, limit > 0 ? Math.min(limit, children.length) : children.length);
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) {
    // A sibling's abort is not the cause: the outer scope's abort, or the first real error, is.
    parent.scope.throwIfAborted();
    throw failure;
  }
  return results;
}

import { VirtualClock } from '../../lib/runtime/clock';
import { StateMachineEngine } from '../../lib/runtime/engine/state-machine-engine';
import { EngineTransition, ExecutionResult, TaskRequest } from '../../lib/runtime/engine/types';

/** One PutEvents entry a definition put, as the integration receives it. */
export interface PutEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: { metadata: Record<string, any>; data: any };
}

/** What a `.waitForTaskToken` stub returns to send no callback (the task then waits until its timeout). */
export const NO_CALLBACK = Symbol('no callback');

/** What a run of one definition did. */
export interface DefinitionRun extends ExecutionResult {
  readonly transitions: EngineTransition[];
  /** Every PutEvents entry, in the order the calls were made and the entries listed. */
  readonly events: PutEntry[];
  /** The states entered, in order. */
  readonly entered: string[];
}

/**
 * Runs a synthesized definition on the project's engine with stub handlers by
 * state name (`.waitForTaskToken` stubs return the value sent back), records
 * the PutEvents entries, and moves the virtual clock until the end.
 */
export async function runDefinition(
  definition: object,
  input: unknown,
  tasks: Record<string, (input: any) => unknown>,
  options: { putEvents?: (entries: PutEntry[]) => unknown } = {},
): Promise<DefinitionRun> {
  const clock = new VirtualClock(new Date('2026-01-01T12:00:00Z'));
  const events: PutEntry[] = [];
  let engine: StateMachineEngine | undefined = undefined;
  const byName: Record<string, (request: TaskRequest) => unknown> = {};
  for (const [name, fn] of Object.entries(tasks))
    byName[name] = async (request) => {
      const result = await fn(request.input);
      if (request.taskToken !== undefined && result !== NO_CALLBACK)
        engine!.sendTaskSuccess(request.taskToken, result);
      return result;
    };
  engine = new StateMachineEngine(definition, {
    clock,
    tasks: byName,
    resources: {
      'events:putEvents': (request) => {
        const entries = (request.input as { Entries: PutEntry[] }).Entries;
        const outcome = options.putEvents?.(entries);
        if (outcome !== undefined) return outcome;
        events.push(...entries);
        return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: 'e' })) };
      },
    },
  });
  const execution = engine.start(input, { name: 'run-1' });
  let finished = false;
  void execution.done.then(() => (finished = true));
  for (let turns = 0; turns < 10_000; turns++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (finished) break;
    if (engine.busy > 0) continue;
    const next = clock.nextTimerAt();
    if (next === undefined) {
      execution.stop('States.Runtime', 'waits for something that never comes');
      break;
    }
    clock.fireDue(next);
  }
  const result = await execution.done;
  return {
    ...result,
    transitions: execution.transitions,
    events,
    entered: execution.transitions.filter((t) => t.event === 'entered').map((t) => t.state),
  };
}

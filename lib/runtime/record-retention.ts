import type {
  DeadLetter,
  ExecutionStatus,
  RecordedEvent,
  RecordedExecution,
  RecordedInvocation,
} from './record';

/**
 * How much of a run its record keeps.
 *
 * - `'full'`: every event, execution (with its transitions), handler
 *   invocation (with its log lines), dead letter and warning. What tests query.
 * - `'summary'`: for long simulations. Counts of everything
 *   ({@link RunRecord.summary}), and in full only the flows that failed:
 *   the same as `{ keep: 'failed' }`.
 * - `{ keep }`: counts, and in full the flows that `keep` picks: `'failed'`,
 *   `'none'`, or a function of the finished flow.
 *
 * A flow is every execution, event and invocation that carries one
 * correlation id. It is judged when the runtime settles with none of its
 * executions running, so a flow that waits is always kept until it ends.
 * Dead letters and warnings are always kept.
 */
export type RecordOption = 'full' | 'summary' | RecordRetention;

/** Which finished flows a bounded record keeps in full; see {@link RecordOption}. */
export interface RecordRetention {
  /** @default 'failed' - the flows with an execution that failed, timed out or was aborted, or a dead letter */
  readonly keep?: 'failed' | 'none' | ((flow: FinishedFlow) => boolean);
}

/** A flow whose executions are all finished, as a {@link RecordRetention} `keep` function sees it. */
export interface FinishedFlow {
  readonly correlationId: string;
  /** An execution failed, timed out or was aborted, or an event of the flow went to a dead-letter queue. */
  readonly failed: boolean;
  readonly executions: RecordedExecution[];
  readonly events: RecordedEvent[];
}

/** Counts of a whole run, whatever the record kept. */
export interface RunSummary {
  readonly executions: { total: number } & Record<ExecutionStatus, number>;
  readonly events: { total: number; byType: Record<string, number> };
  readonly invocations: { total: number; failed: number };
  readonly deadLetters: number;
  readonly warnings: number;
  /** Finished flows judged by a bounded record: kept in full, or dropped and only counted. */
  readonly flows: { kept: number; dropped: number };
}

/** The arrays of a record that retention compacts in place. */
export interface RecordContents {
  readonly allEvents: RecordedEvent[];
  readonly allExecutions: RecordedExecution[];
  readonly invocations: RecordedInvocation[];
  readonly deadLetters: DeadLetter[];
}

type Tally = Omit<RunSummary, 'deadLetters' | 'warnings' | 'flows'>;

const FAILED: ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** Counts what the record holds, and drops finished flows that its option does not keep. */
export class FlowRetention {
  /** Counts of what was dropped. */
  private readonly dropped: Tally = emptyTally();
  private readonly flows = { kept: 0, dropped: 0 };
  /** Flows judged and kept: what they record later is kept too. */
  private readonly keptFlows = new Set<string>();
  /** Event types of dropped events, still valid names for queries. */
  public readonly droppedTypes = new Set<string>();
  private readonly keep?: (flow: FinishedFlow) => boolean;

  constructor(option: RecordOption = 'full') {
    if (option === 'full') return;
    const keep = option === 'summary' ? 'failed' : (option.keep ?? 'failed');
    this.keep = keep === 'failed' ? (flow) => flow.failed : keep === 'none' ? () => false : keep;
  }

  /** Whether the record is bounded (anything but `'full'`). */
  public get bounded(): boolean {
    return this.keep !== undefined;
  }

  /** Counts of the whole run: what was dropped plus what is held. */
  public summary(held: RecordContents, warnings: number): RunSummary {
    const tally = emptyTally();
    add(tally, this.dropped);
    add(tally, count(held));
    return { ...tally, deadLetters: held.deadLetters.length, warnings, flows: { ...this.flows } };
  }

  /** Drop the finished flows not to keep, and what belongs to no flow. */
  public compact(record: RecordContents): void {
    if (!this.keep) return;
    const flows = new Map<string, { executions: RecordedExecution[]; events: RecordedEvent[] }>();
    const flowOf = (id: string) => {
      let flow = flows.get(id);
      if (!flow) flows.set(id, (flow = { executions: [], events: [] }));
      return flow;
    };
    for (const e of record.allExecutions)
      flowOf(correlationOf(e.input) ?? e.executionArn).executions.push(e);
    for (const e of record.allEvents) {
      const id = correlationOf(e.detail);
      if (id !== undefined) flowOf(id).events.push(e);
    }
    const lettered = new Set(record.deadLetters.map((d) => correlationOf(d.event)));
    const keep = new Set<string>();
    for (const [id, flow] of flows) {
      if (this.keptFlows.has(id) || flow.executions.some((e) => e.status === 'RUNNING')) {
        keep.add(id);
        continue;
      }
      const failed = lettered.has(id) || flow.executions.some((e) => FAILED.includes(e.status));
      if (this.keep({ correlationId: id, failed, ...flow })) {
        this.keptFlows.add(id);
        this.flows.kept++;
        keep.add(id);
      } else {
        this.flows.dropped++;
      }
    }
    const held = (id: string | undefined) => id !== undefined && keep.has(id);
    const gone: RecordContents = {
      allExecutions: retain(record.allExecutions, (e) =>
        held(correlationOf(e.input) ?? e.executionArn),
      ),
      allEvents: retain(record.allEvents, (e) => held(correlationOf(e.detail))),
      invocations: retain(record.invocations, (i) => held(correlationOf(i.input))),
      deadLetters: [],
    };
    for (const e of gone.allEvents) this.droppedTypes.add(e.detailType);
    add(this.dropped, count(gone));
  }
}

/** The correlation id of an envelope, a flow's input, or an EventBridge event around an envelope. */
function correlationOf(value: unknown): string | undefined {
  const v = value as
    | {
        metadata?: { correlationId?: unknown };
        detail?: { metadata?: { correlationId?: unknown } };
      }
    | undefined;
  const id = v?.metadata?.correlationId ?? v?.detail?.metadata?.correlationId;
  return typeof id === 'string' ? id : undefined;
}

/** Keep in `list` (in place) what `keep` says; return what was removed. */
function retain<T>(list: T[], keep: (item: T) => boolean): T[] {
  const removed: T[] = [];
  let n = 0;
  for (const item of list) {
    if (keep(item)) list[n++] = item;
    else removed.push(item);
  }
  list.length = n;
  return removed;
}

function emptyTally(): Tally {
  return {
    executions: { total: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 },
    events: { total: 0, byType: {} },
    invocations: { total: 0, failed: 0 },
  };
}

function count(contents: RecordContents): Tally {
  const tally = emptyTally();
  for (const e of contents.allExecutions) {
    tally.executions.total++;
    tally.executions[e.status]++;
  }
  for (const e of contents.allEvents) {
    tally.events.total++;
    tally.events.byType[e.detailType] = (tally.events.byType[e.detailType] ?? 0) + 1;
  }
  tally.invocations.total = contents.invocations.length;
  tally.invocations.failed = contents.invocations.filter((i) => i.error).length;
  return tally;
}

function add(into: Tally, from: Tally): void {
  for (const key of Object.keys(from.executions) as (keyof Tally['executions'])[])
    into.executions[key] += from.executions[key];
  into.events.total += from.events.total;
  for (const [type, n] of Object.entries(from.events.byType))
    into.events.byType[type] = (into.events.byType[type] ?? 0) + n;
  into.invocations.total += from.invocations.total;
  into.invocations.failed += from.invocations.failed;
}

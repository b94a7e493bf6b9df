import { suggestion, UnknownNameError } from './names';
import { FlowRetention, RecordOption, RunSummary } from './record-retention';

export type { FinishedFlow, RecordOption, RecordRetention, RunSummary } from './record-retention';

/** An event put on a bus during a run. */
export interface RecordedEvent {
  /** Order of recording, for a stable timeline when the clock did not move. */
  readonly order: number;
  readonly id: string;
  readonly time: string;
  readonly bus: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, any>;
  /** Who put it: a state (`orders/Publish OrderPlaced`), a handler, or the test. */
  readonly publishedBy: string;
  /** Logical ids of the rules it matched. */
  readonly matchedRules: string[];
}

/** One state transition of an execution. */
export interface RecordedTransition {
  readonly state: string;
  readonly type: string;
  readonly at: string;
  readonly event: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
  readonly error?: string;
}

/** Status of an execution, as Step Functions reports it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A workflow execution of a run. */
export interface RecordedExecution {
  readonly executionArn: string;
  readonly stateMachine: string;
  readonly contextName?: string;
  readonly input: unknown;
  readonly startedAt: string;
  readonly startOrder: number;
  stopOrder?: number;
  /** The rule that started it, or `direct`. */
  readonly startedBy: string;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  stoppedAt?: string;
  readonly transitions: RecordedTransition[];
}

/** A handler invocation of a run. */
export interface RecordedInvocation {
  readonly functionId: string;
  readonly constructPath?: string;
  readonly task?: string;
  readonly at: string;
  readonly input: unknown;
  readonly cause?: string;
  output?: unknown;
  error?: { name: string; message: string };
  /** Log lines the handler wrote (Powertools JSON lines parsed). */
  readonly logs: unknown[];
}

/** An event that could not be delivered to a target, kept as its dead-letter queue would. */
export interface DeadLetter {
  readonly order: number;
  readonly queue: string;
  readonly rule: string;
  readonly target: string;
  readonly reason: string;
  readonly event: unknown;
  readonly at: string;
}

/** A message a workflow sent with SQS `sendMessage` or SNS `publish`. */
export interface RecordedMessage {
  readonly order: number;
  readonly at: string;
  readonly service: 'sqs' | 'sns';
  /** The queue URL or topic ARN. */
  readonly target: string;
  /** The message body (SQS) or message (SNS), as text. */
  readonly body: string;
  /** Its message attributes, as given. */
  readonly attributes?: unknown;
  /** The subject of an SNS message. */
  readonly subject?: string;
  /** The state that sent it (`orders/Notify`). */
  readonly sentBy: string;
  readonly messageId: string;
}

/** Something in a run that is allowed but probably a mistake, such as an event its context does not declare. */
export interface RecordedWarning {
  readonly order: number;
  readonly at: string;
  readonly message: string;
}

/**
 * Everything that happened in a local run: events with the rules they
 * matched, executions with their transitions, handler invocations with their
 * logs, and dead letters. Query it in tests, print it as a timeline, or draw
 * it as a Mermaid sequence diagram.
 */
export class RunRecord {
  public readonly allEvents: RecordedEvent[] = [];
  public readonly allExecutions: RecordedExecution[] = [];
  public readonly invocations: RecordedInvocation[] = [];
  public readonly deadLetters: DeadLetter[] = [];
  /** DynamoDB calls on the app's tables (by handlers and workflows), by action: `{ PutItem: 3 }`. */
  public readonly tableCalls: Record<string, number> = {};
  /** Messages workflows sent to SQS queues and SNS topics. */
  public readonly messages: RecordedMessage[] = [];
  /** Warnings of the run, such as an event put with a detail-type its context does not declare. */
  public readonly warnings: RecordedWarning[] = [];
  /**
   * The event names the app knows: {@link events} refuses any other name that
   * no recorded event has, since filtering on a typo would find nothing and
   * let a test pass. @internal
   */
  public knownEvents?: Set<string>;
  private sequence = 0;
  private readonly retention: FlowRetention;

  /** @param option how much to keep; see {@link RecordOption}. @default 'full' */
  constructor(option: RecordOption = 'full') {
    this.retention = new FlowRetention(option);
  }

  /** Counts of the whole run: executions by status, events by type, invocations, dead letters. */
  public summary(): RunSummary {
    return this.retention.summary(this, this.warnings.length);
  }

  /**
   * Drop the finished flows a bounded record does not keep (nothing for a
   * full record). The runtime calls it whenever it settles. @internal
   */
  public compact(): void {
    this.retention.compact(this);
  }

  /** The next number in recording order. @internal */
  public nextOrder(): number {
    return this.sequence++;
  }

  /** Events, optionally only those with this `detail-type` (and correlation id). */
  public events(detailType?: string, correlationId?: string): RecordedEvent[] {
    if (detailType !== undefined) this.checkEventName(detailType);
    return this.allEvents.filter(
      (e) =>
        (detailType === undefined || e.detailType === detailType) &&
        (correlationId === undefined || e.detail?.metadata?.correlationId === correlationId),
    );
  }

  /** Executions, optionally only those of one context (or state machine logical id). */
  public executions(contextOrStateMachine?: string): RecordedExecution[] {
    return this.allExecutions.filter(
      (e) =>
        contextOrStateMachine === undefined ||
        e.contextName === contextOrStateMachine ||
        e.stateMachine === contextOrStateMachine,
    );
  }

  /** The execution with this ARN. */
  public execution(executionArn: string): RecordedExecution | undefined {
    return this.allExecutions.find((e) => e.executionArn === executionArn);
  }

  /** Every event, execution and invocation of one business flow. */
  public flow(correlationId: string): { events: RecordedEvent[]; executions: RecordedExecution[] } {
    return {
      events: this.events(undefined, correlationId),
      executions: this.allExecutions.filter(
        (e) => (e.input as any)?.metadata?.correlationId === correlationId,
      ),
    };
  }

  /** Record a warning at the given time. @internal */
  public warn(at: string, message: string): void {
    this.warnings.push({ order: this.nextOrder(), at, message });
  }

  private checkEventName(detailType: string): void {
    if (!this.knownEvents || this.knownEvents.has(detailType)) return;
    const dropped = this.retention.droppedTypes;
    if (dropped.has(detailType) || this.allEvents.some((e) => e.detailType === detailType)) return;
    const candidates = new Set([...this.knownEvents, ...dropped]);
    for (const e of this.allEvents) candidates.add(e.detailType);
    throw new UnknownNameError(
      `record.events('${detailType}'): no context of the app declares that event and no event of that type was recorded. ` +
        `${suggestion(detailType, candidates)}Events: ${[...this.knownEvents].sort().join(', ')}.`,
    );
  }

  /** @internal */
  public addInvocation(invocation: RecordedInvocation): RecordedInvocation {
    this.invocations.push(invocation);
    return invocation;
  }

  /**
   * A readable timeline: one line per execution start and end and per event,
   * in the order they happened.
   */
  public timeline(correlationId?: string): string {
    const lines: { at: string; seq: number; text: string }[] = [];
    const executions = correlationId ? this.flow(correlationId).executions : this.allExecutions;
    for (const e of executions) {
      const who = e.contextName ?? e.stateMachine;
      lines.push({
        at: e.startedAt,
        seq: e.startOrder,
        text: `▶ ${who} workflow started (${startedBy(e)})`,
      });
      if (e.stoppedAt) {
        const detail = e.error ? ` ${e.error}${e.cause ? `: ${e.cause}` : ''}` : '';
        lines.push({
          at: e.stoppedAt,
          seq: e.stopOrder ?? 0,
          text: `■ ${who} workflow ${e.status}${detail}`,
        });
      }
    }
    for (const ev of correlationId ? this.events(undefined, correlationId) : this.allEvents) {
      const targets = ev.matchedRules
        .filter((r) => this.ruleTargets.has(r))
        .map((r) => `${this.ruleTargets.get(r)}${this.awaitRules.has(r) ? ' (await)' : ''}`);
      const to = targets.length > 0 ? ` → ${targets.join(', ')}` : '';
      lines.push({ at: ev.time, seq: ev.order, text: `  ◆ ${ev.source} ${ev.detailType}${to}` });
    }
    for (const d of this.deadLetters) {
      const flow = (d.event as { detail?: { metadata?: { correlationId?: string } } })?.detail
        ?.metadata?.correlationId;
      if (correlationId !== undefined && flow !== correlationId) continue;
      lines.push({ at: d.at, seq: d.order, text: `  ✖ dead letter in ${d.queue}: ${d.reason}` });
    }
    if (correlationId === undefined)
      for (const w of this.warnings)
        lines.push({ at: w.at, seq: w.order, text: `  ⚠ ${w.message}` });
    return lines
      .sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq)
      .map((l) => `${l.at.slice(11, 23)}  ${l.text}`)
      .join('\n');
  }

  /**
   * A Mermaid sequence diagram of the run: one participant per context, an
   * arrow per event from its publisher to each context it started or resumed.
   */
  public toMermaid(correlationId?: string): string {
    const events = correlationId ? this.events(undefined, correlationId) : this.allEvents;
    const lines = ['sequenceDiagram', '  participant Bus as Domain event bus'];
    const participants = new Set<string>();
    const name = (source: string) => source.split('.').slice(1).join('.') || source;
    for (const ev of events) participants.add(name(ev.source));
    for (const e of this.allExecutions) if (e.contextName) participants.add(e.contextName);
    lines.splice(1, 0, ...[...participants].map((p) => `  participant ${mermaidId(p)} as ${p}`));
    for (const ev of events) {
      if (['WorkflowStarted', 'WorkflowSucceeded'].includes(ev.detailType)) continue;
      lines.push(`  ${mermaidId(name(ev.source))}->>Bus: ${ev.detailType}`);
      for (const rule of ev.matchedRules) {
        const target = this.ruleTargets.get(rule);
        if (target) lines.push(`  Bus-->>${mermaidId(target)}: ${ev.detailType}`);
      }
    }
    return lines.join('\n') + '\n';
  }

  /** Rule logical id → the context its target belongs to, for diagrams. @internal */
  public readonly ruleTargets = new Map<string, string>();
  /** Rules that feed an await's resumer. @internal */
  public readonly awaitRules = new Set<string>();
}

function startedBy(e: RecordedExecution): string {
  const trigger = (e.input as { trigger?: { source?: string; detailType?: string } } | undefined)
    ?.trigger;
  return trigger?.detailType ? `on ${trigger.source} ${trigger.detailType}` : e.startedBy;
}

function mermaidId(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '_');
}

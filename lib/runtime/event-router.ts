import { randomUUID } from 'node:crypto';
import { busName, LocalRuleSpec, LocalRuleTarget } from './assembly';
import { VirtualClock } from './clock';
import { EventPattern, matchesEventPattern } from './event-pattern';
import { targetInput } from './input-transformer';
import { RunRecord } from './record';

/** A PutEvents entry, from a workflow (`Detail` an object) or the SDK (`Detail` a string). */
export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string | Record<string, unknown>;
  readonly EventBusName?: string;
  readonly Resources?: string[];
  readonly Time?: string | Date;
}

/** Delivers an event to one rule target; throws when the target cannot be reached. */
export type TargetDispatcher = (
  target: LocalRuleTarget,
  input: unknown,
  rule: LocalRuleSpec,
) => Promise<void>;

/**
 * Routes events like EventBridge: every rule of the bus whose pattern matches
 * gets the event, transformed for each target. A target that cannot be
 * reached is retried as its retry policy allows (at once: the runtime has no
 * network to wait for), then the event lands in the target's dead-letter
 * queue in the run record, never silently nowhere.
 */
export class EventRouter {
  constructor(
    private readonly rules: LocalRuleSpec[],
    private readonly clock: VirtualClock,
    private readonly record: RunRecord,
    private readonly dispatch: TargetDispatcher,
    private readonly track: (work: Promise<unknown>) => void,
    private readonly account: string,
    private readonly region: string,
  ) {}

  /** Put events on their buses, as PutEvents does. */
  public put(
    entries: PutEventsEntry[],
    publishedBy: string,
  ): {
    FailedEntryCount: number;
    Entries: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
  } {
    if (entries.length > 10) {
      // PutEvents rejects the whole call, as AWS does.
      throw Object.assign(new Error(`PutEvents takes at most 10 entries, got ${entries.length}`), {
        name: 'ValidationException',
      });
    }
    const results = entries.map((entry) => this.putOne(entry, publishedBy));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  private putOne(
    entry: PutEventsEntry,
    publishedBy: string,
  ): { EventId?: string; ErrorCode?: string; ErrorMessage?: string } {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Source, DetailType and Detail are required',
      };
    }
    let detail: Record<string, any>;
    try {
      detail = typeof entry.Detail === 'string' ? JSON.parse(entry.Detail) : entry.Detail;
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
    }
    const bus = busName(entry.EventBusName ?? 'default');
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.account,
      time: entry.Time
        ? new Date(entry.Time).toISOString().replace(/\.\d{3}Z$/, 'Z')
        : this.clock.iso().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: entry.Resources ?? [],
      detail,
    };
    const matched = this.rules.filter(
      (r) => r.eventBusName === bus && matchesEventPattern(r.eventPattern as EventPattern, event),
    );
    this.record.allEvents.push({
      order: this.record.nextOrder(),
      id: event.id,
      time: this.clock.iso(),
      bus,
      source: event.source,
      detailType: event['detail-type'],
      detail,
      publishedBy,
      matchedRules: matched.map((r) => r.logicalId),
    });
    for (const rule of matched)
      for (const target of rule.targets) this.track(this.deliver(rule, target, event));
    return { EventId: event.id };
  }

  private async deliver(
    rule: LocalRuleSpec,
    target: LocalRuleTarget,
    event: Record<string, unknown>,
  ): Promise<void> {
    // Delivery is asynchronous, as on AWS: the publisher does not wait for the targets.
    await Promise.resolve();
    let input: unknown;
    try {
      input = targetInput(target, event);
    } catch (error) {
      this.deadLetter(
        rule,
        target,
        event,
        `input transformation failed: ${(error as Error).message}`,
      );
      return;
    }
    const attempts = 1 + Math.min(target.RetryPolicy?.MaximumRetryAttempts ?? 185, 2);
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        await this.dispatch(target, input, rule);
        return;
      } catch (error) {
        lastError = error as Error;
      }
    }
    this.deadLetter(rule, target, event, `${lastError?.name}: ${lastError?.message}`);
  }

  private deadLetter(
    rule: LocalRuleSpec,
    target: LocalRuleTarget,
    event: unknown,
    reason: string,
  ): void {
    this.record.deadLetters.push({
      order: this.record.nextOrder(),
      queue:
        target.DeadLetterConfig?.Arn ??
        '(no dead-letter queue configured: the event is lost on AWS)',
      rule: rule.logicalId,
      target: target.Arn,
      reason,
      event,
      at: this.clock.iso(),
    });
  }
}

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

/**
 * The most a PutEvents call may carry, its entries' sizes added up as
 * "Calculating Amazon EventBridge PutEvents event entry size" counts them:
 * 1 MB since January 2026 (256 KB before). The PutEvents API reference says
 * "the total entry size must be less than 1MB"; AWS refuses a call over it as
 * a whole, with a ValidationException.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export const MAX_PUT_EVENTS_BYTES = 1_048_576;

/**
 * "PutEvents will only process nested JSON up to 1000 levels deep" (the
 * PutEvents API reference; older copies of the page say 1100). AWS does not
 * document the answer to a deeper Detail: the runtime fails the entry with
 * `MalformedDetail`, the per-entry code PutEventsResultEntry documents for
 * "The JSON provided is not valid".
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
 */
export const MAX_DETAIL_DEPTH = 1000;

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
    /** The buses events may be put on (names); any bus when not given. */
    private readonly buses?: ReadonlySet<string>,
    /** Called with every event put on a bus, before it is routed: the contract check. */
    private readonly inspect?: (event: Record<string, unknown>, publishedBy: string) => void,
  ) {}

  /**
   * Put events on their buses, as PutEvents does.
   *
   * The whole call fails (throws) for more than 10 entries, entries over
   * {@link MAX_PUT_EVENTS_BYTES} in all, or a bus the app does not have; an
   * entry that is not valid fails alone, with `ErrorCode` and `ErrorMessage`
   * in its place of `Entries`, counted in `FailedEntryCount`.
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
   */
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
    const texts = entries.map((entry) => detailText(entry.Detail));
    this.checkSize(entries, texts);
    this.checkBuses(entries);
    const results = entries.map((entry, i) => this.putOne(entry, texts[i], publishedBy));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  /**
   * AWS's answer to a call whose entries are too large together, as it words it
   * (quoted from AWS's response in https://github.com/awslabs/aws-service-catalog-puppet/issues/563).
   */
  private checkSize(entries: PutEventsEntry[], texts: (string | undefined)[]): void {
    let bytes = 0;
    entries.forEach((entry, i) => (bytes += entrySize(entry, texts[i])));
    if (bytes > MAX_PUT_EVENTS_BYTES) {
      throw Object.assign(
        new Error('Total size of the entries in the request is over the limit.'),
        { name: 'ValidationException' },
      );
    }
  }

  /**
   * A bus that is neither the app's nor one it imported fails the call with
   * `ResourceNotFoundException`, the error EventBridge's other actions give for
   * an unknown bus. PutEvents itself accepts such an event and drops it
   * (FailedEntryCount 0, https://github.com/aws/aws-cli/issues/9186): the local
   * runtime refuses it, so that a typo in a bus name cannot pass a test.
   */
  private checkBuses(entries: PutEventsEntry[]): void {
    if (!this.buses) return;
    for (const entry of entries) {
      const bus = busName(entry.EventBusName ?? 'default');
      if (this.buses.has(bus)) continue;
      throw Object.assign(
        new Error(
          `Event bus ${bus} does not exist. The local runtime refuses events for a bus the app neither defines nor imports (the app has ${[...this.buses].join(', ')}); on AWS the event would be dropped. Fix the EventBusName.`,
        ),
        { name: 'ResourceNotFoundException' },
      );
    }
  }

  private putOne(
    entry: PutEventsEntry,
    text: string | undefined,
    publishedBy: string,
  ): { EventId?: string; ErrorCode?: string; ErrorMessage?: string } {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Source, DetailType and Detail are required',
      };
    }
    const parsed = parseDetail(entry.Detail, text);
    if ('ErrorCode' in parsed) return parsed;
    const detail = parsed.detail;
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
    this.inspect?.(event, publishedBy);
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

/** The Detail as the JSON text PutEvents receives, or undefined when it cannot be one. */
function detailText(detail: PutEventsEntry['Detail']): string | undefined {
  if (detail === undefined || typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return undefined;
  }
}

/**
 * The size of an entry as EventBridge counts it: Time 14 bytes when given;
 * Source, DetailType, Detail and each resource their UTF-8 bytes.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export function entrySize(entry: PutEventsEntry, detail = detailText(entry.Detail)): number {
  const utf8 = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);
  let size = entry.Time === undefined ? 0 : 14;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(detail);
  for (const resource of entry.Resources ?? []) size += utf8(resource);
  return size;
}

const MALFORMED = { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };

/**
 * The Detail as an object, or AWS's answer to a Detail that is not a JSON
 * object (an array, a string, null, invalid JSON: "Detail is malformed.", as
 * LocalStack's AWS-verified tests record it) or is nested deeper than
 * {@link MAX_DETAIL_DEPTH}.
 */
function parseDetail(
  given: PutEventsEntry['Detail'],
  text: string | undefined,
): { detail: Record<string, any> } | { ErrorCode: string; ErrorMessage: string } {
  if (text === undefined || !text.trimStart().startsWith('{')) return MALFORMED;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DETAIL_DEPTH) {
        return {
          ...MALFORMED,
          ErrorMessage: `${MALFORMED.ErrorMessage} It is nested deeper than ${MAX_DETAIL_DEPTH} levels, the most PutEvents processes.`,
        };
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  // A workflow's Detail is an object already: its JSON text was written from it.
  if (typeof given === 'object') return { detail: given };
  try {
    return { detail: JSON.parse(text) as Record<string, any> };
  } catch {
    return MALFORMED;
  }
}

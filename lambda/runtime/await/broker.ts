/**
 * The await protocol: pair a waiting workflow (its task token) with the event
 * it waits for, whichever arrives first, exactly once.
 *
 * An event pairs only with a waiter of its own flow: when the event carries a
 * `correlationId`, it completes only a waiter whose execution carries the same
 * one. So a late answer of a flow that timed out, kept until the await's
 * timeout, does not complete the next flow that reuses the correlation value
 * (the same order id, say). An event without a `correlationId` pairs by the
 * correlation value alone.
 *
 * Both sides write their half to the correlation store, then try to take both
 * halves. Whoever takes both resumes the workflow. Conditional writes make each
 * take happen once, so an event is never applied twice, and an event that
 * arrives before its waiter is kept (with a time to live) instead of lost.
 * Pure logic over two ports, so that it is tested without AWS.
 */

/** An execution waiting for an event. */
export interface Waiter {
  readonly key: string;
  readonly token: string;
  readonly executionArn: string;
  /** The flow the waiting execution belongs to. */
  readonly correlationId?: string;
  /** Epoch seconds after which the store may forget it. */
  readonly expiresAt: number;
}

/** An event kept until its waiter registers. */
export interface KeptEvent {
  /** Its slot: the await key and the flow it belongs to ({@link eventSlot}). */
  readonly key: string;
  readonly eventId: string;
  readonly output: AwaitOutput;
  readonly expiresAt: number;
}

/** What the waiting workflow receives when it resumes. */
export interface AwaitOutput {
  readonly event: string;
  readonly source: string;
  readonly eventId: string;
  readonly data: unknown;
  readonly metadata?: unknown;
}

/** The correlation store. Every method is a single conditional operation. */
export interface AwaitStorePort {
  /** Record a waiter unless another execution waits on the key: `false` then. */
  putWaiter(waiter: Waiter): Promise<boolean>;
  /**
   * Delete and return the waiter of `key`, if any; when `correlationId` is
   * given, only a waiter of that flow (or one that carries none).
   */
  takeWaiter(key: string, correlationId?: string): Promise<Waiter | undefined>;
  /** Whether a waiter is recorded for `key` (of flow `correlationId`, when given). */
  hasWaiter(key: string, correlationId?: string): Promise<boolean>;
  /** Keep an event unless one is already kept for the key: `false` then. */
  keepEvent(event: KeptEvent): Promise<boolean>;
  /** Delete and return the kept event of `key`, if any. */
  takeEvent(key: string): Promise<KeptEvent | undefined>;
  /** Remember an event id; `false` when it was already seen (a duplicate delivery). */
  markSeen(eventId: string, expiresAt: number): Promise<boolean>;
  /** Forget an event id, so that a retried delivery is processed. */
  unmarkSeen(eventId: string): Promise<void>;
}

/** Resuming an execution. */
export interface ResumePort {
  /** Send the output; `'gone'` when the execution no longer waits (timed out, stopped). */
  resume(token: string, output: AwaitOutput): Promise<'resumed' | 'gone'>;
}

/** Something to log; the handler passes its Powertools logger. */
export interface LogPort {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

/** How an event or a registration ended. */
export type Outcome = 'resumed' | 'kept' | 'duplicate' | 'gone' | 'waiting';

/** Thrown when two executions wait on the same correlation key. */
export class AwaitConflictError extends Error {
  constructor(key: string) {
    super(`another execution already waits on '${key}'`);
    this.name = 'AwaitConflict';
  }
}

/** The store key of an await: its name and the correlation value. */
export function awaitKey(awaitName: string, correlationValue: string): string {
  return `${awaitName}#${correlationValue}`;
}

/**
 * Where an event for `key` is kept: one slot per flow, so that events of two
 * flows that share a correlation value never take each other's place. The
 * separator is a control character, which a valid `correlationId` cannot hold.
 */
export function eventSlot(key: string, correlationId?: string): string {
  return `${key}\u001f${correlationId ?? ''}`;
}

const MAX_PAIRING_ROUNDS = 3;

/** The await protocol over its ports. */
export class AwaitBroker {
  constructor(
    private readonly store: AwaitStorePort,
    private readonly resumer: ResumePort,
    private readonly log: LogPort,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /**
   * A workflow starts waiting: record it, then pair it with an early event of
   * its flow, or with one that carries no flow, if one is kept. The record
   * expires at `expiresAt` (epoch seconds) when the workflow computed it,
   * else `ttlSeconds` from now.
   */
  public async register(
    waiter: Omit<Waiter, 'expiresAt'>,
    ttlSeconds: number,
    expiresAt?: number,
  ): Promise<Outcome> {
    const recorded = await this.store.putWaiter({
      ...waiter,
      expiresAt: expiresAt ?? this.now() + ttlSeconds,
    });
    if (!recorded) throw new AwaitConflictError(waiter.key);
    let outcome: Outcome = 'waiting';
    const flows = waiter.correlationId ? [waiter.correlationId, undefined] : [undefined];
    for (const flow of flows) {
      outcome = await this.pair(waiter.key, eventSlot(waiter.key, flow), flow);
      if (outcome !== 'waiting') break;
    }
    this.log.info(outcome === 'waiting' ? 'waiting for event' : 'early event applied', {
      key: waiter.key,
    });
    return outcome;
  }

  /**
   * An awaited event arrives: keep it in its flow's slot, then pair it with
   * its waiter if one of that flow is recorded.
   */
  public async deliver(
    key: string,
    output: AwaitOutput,
    keepSeconds: number,
    correlationId?: string,
  ): Promise<Outcome> {
    const expiresAt = this.now() + keepSeconds;
    const slot = eventSlot(key, correlationId);
    // Seen per key: two awaits of a context may each take the same event once.
    const seenId = `${key}#${output.eventId}`;
    if (!(await this.store.markSeen(seenId, expiresAt))) {
      this.log.info('duplicate delivery ignored', { key, eventId: output.eventId });
      return 'duplicate';
    }
    try {
      if (
        !(await this.store.keepEvent({ key: slot, eventId: output.eventId, output, expiresAt }))
      ) {
        // An event is already pending (the first one wins, or it was put back after a
        // failed resume): still try to pair it, this delivery may be the retry.
        this.log.warn('another event is already pending for this key; this one is not kept', {
          key,
          eventId: output.eventId,
        });
        const outcome = await this.pair(key, slot, correlationId);
        return outcome === 'waiting' ? 'kept' : outcome;
      }
      const outcome = await this.pair(key, slot, correlationId);
      if (outcome === 'waiting') {
        this.log.info('no execution of this flow awaits this key yet; event kept', {
          key,
          eventId: output.eventId,
          keepSeconds,
        });
        return 'kept';
      }
      return outcome;
    } catch (error) {
      await this.store.unmarkSeen(seenId);
      throw error;
    }
  }

  /**
   * Take both halves, the event in `slot` and the waiter of `key` in flow
   * `correlationId`, and resume; put a half back if the other is missing.
   */
  private async pair(key: string, slot: string, correlationId?: string): Promise<Outcome> {
    for (let round = 0; round < MAX_PAIRING_ROUNDS; round++) {
      const event = await this.store.takeEvent(slot);
      if (!event) return 'waiting';
      let waiter: Waiter | undefined;
      try {
        waiter = await this.store.takeWaiter(key, correlationId);
      } catch (error) {
        await this.store.keepEvent(event);
        throw error;
      }
      if (waiter) return this.resume(waiter, event);
      await this.store.keepEvent(event);
      // The waiter may have registered while the event was out of the store.
      if (!(await this.store.hasWaiter(key, correlationId))) return 'waiting';
    }
    return 'waiting';
  }

  private async resume(waiter: Waiter, event: KeptEvent): Promise<Outcome> {
    try {
      const result = await this.resumer.resume(waiter.token, event.output);
      if (result === 'gone') {
        this.log.warn('the waiting execution is gone (timed out or stopped); event not applied', {
          key: waiter.key,
          executionArn: waiter.executionArn,
          eventId: event.eventId,
        });
      } else {
        this.log.info('execution resumed', {
          key: waiter.key,
          executionArn: waiter.executionArn,
          eventId: event.eventId,
        });
      }
      return result;
    } catch (error) {
      // Put both halves back so that a retry finds them.
      await this.store.putWaiter(waiter);
      await this.store.keepEvent(event);
      throw error;
    }
  }
}

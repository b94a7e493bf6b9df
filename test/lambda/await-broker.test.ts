import {
  AwaitBroker,
  AwaitConflictError,
  awaitKey,
  AwaitOutput,
  AwaitStorePort,
  eventSlot,
  KeptEvent,
  LogPort,
  Outcome,
  ResumePort,
  Waiter,
} from '../../lambda/runtime/await/broker';

// The broker is pure logic over its ports, so these tests run it against an in-memory store
// with the same conditional semantics as the DynamoDB store (see await-adapters.test.ts for
// the store's own conditions) and a resumer that records what it sends.

type StoreMethod = keyof AwaitStorePort;

/** Whether `waiter` may take an event of flow `correlationId` (as DynamoDbAwaitStore's condition). */
const sameFlow = (waiter: Waiter, correlationId?: string) =>
  correlationId === undefined ||
  waiter.correlationId === undefined ||
  waiter.correlationId === correlationId;

/** An in-memory correlation store: one Map per item kind, conditional like DynamoDbAwaitStore. */
class MemoryStore implements AwaitStorePort {
  public readonly waiters = new Map<string, Waiter>();
  public readonly events = new Map<string, KeptEvent>();
  public readonly seen = new Map<string, number>();
  /** Every call, in order: `method(arg)`. */
  public readonly calls: string[] = [];
  private readonly counts = new Map<StoreMethod, number>();
  private readonly hooks: { method: StoreMethod; nth: number; run: () => Promise<void> }[] = [];

  /** Run `run` (once) just before the `nth` call of `method` is applied to the store. */
  public before(method: StoreMethod, nth: number, run: () => Promise<void>): void {
    this.hooks.push({ method, nth, run });
  }

  public async putWaiter(waiter: Waiter): Promise<boolean> {
    await this.enter('putWaiter', waiter.key);
    const existing = this.waiters.get(waiter.key);
    if (existing && existing.executionArn !== waiter.executionArn) return false;
    this.waiters.set(waiter.key, waiter);
    return true;
  }

  public async takeWaiter(key: string, correlationId?: string): Promise<Waiter | undefined> {
    await this.enter('takeWaiter', key);
    const waiter = this.waiters.get(key);
    if (!waiter || !sameFlow(waiter, correlationId)) return undefined;
    this.waiters.delete(key);
    return waiter;
  }

  public async hasWaiter(key: string, correlationId?: string): Promise<boolean> {
    await this.enter('hasWaiter', key);
    const waiter = this.waiters.get(key);
    return waiter !== undefined && sameFlow(waiter, correlationId);
  }

  public async keepEvent(event: KeptEvent): Promise<boolean> {
    await this.enter('keepEvent', event.key);
    if (this.events.has(event.key)) return false;
    this.events.set(event.key, event);
    return true;
  }

  public async takeEvent(key: string): Promise<KeptEvent | undefined> {
    await this.enter('takeEvent', key);
    const event = this.events.get(key);
    this.events.delete(key);
    return event;
  }

  public async markSeen(eventId: string, expiresAt: number): Promise<boolean> {
    await this.enter('markSeen', eventId);
    if (this.seen.has(eventId)) return false;
    this.seen.set(eventId, expiresAt);
    return true;
  }

  public async unmarkSeen(eventId: string): Promise<void> {
    await this.enter('unmarkSeen', eventId);
    this.seen.delete(eventId);
  }

  private async enter(method: StoreMethod, arg: string): Promise<void> {
    this.calls.push(`${method}(${arg})`);
    const count = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, count);
    const index = this.hooks.findIndex((h) => h.method === method && h.nth === count);
    if (index >= 0) {
      const [hook] = this.hooks.splice(index, 1);
      await hook.run();
    }
  }
}

/** A resumer that records every resume; answers 'resumed' unless told otherwise. */
class RecordingResumer implements ResumePort {
  public readonly resumes: { token: string; output: AwaitOutput }[] = [];
  /** Answers for the next calls, in order; an Error is thrown. Then 'resumed'. */
  public readonly answers: ('resumed' | 'gone' | Error)[] = [];

  public async resume(token: string, output: AwaitOutput): Promise<'resumed' | 'gone'> {
    const answer = this.answers.shift() ?? 'resumed';
    if (answer instanceof Error) throw answer;
    // Only a resume that took effect counts.
    if (answer === 'resumed') this.resumes.push({ token, output });
    return answer;
  }
}

class RecordingLog implements LogPort {
  public readonly lines: { level: 'info' | 'warn'; message: string; extra?: object }[] = [];
  public info(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, extra });
  }
  public warn(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, extra });
  }
}

const NOW = 1_700_000_000;
const KEEP_SECONDS = 900;
const TTL_SECONDS = 4500;
const KEY = awaitKey('WaitForRestaurant', 'order-1');
/** Where an event without a correlationId for KEY is kept. */
const SLOT = eventSlot(KEY);
const ARN = 'arn:aws:states:eu-west-1:111111111111:execution:orders:exec-1';
const OTHER_ARN = 'arn:aws:states:eu-west-1:111111111111:execution:orders:exec-2';

function output(eventId: string, event = 'OrderAccepted', orderId = 'order-1'): AwaitOutput {
  return {
    event,
    source: 'food.restaurants',
    eventId,
    data: { orderId },
    metadata: { eventId, correlationId: 'corr-1' },
  };
}

function setup() {
  const store = new MemoryStore();
  const resumer = new RecordingResumer();
  const log = new RecordingLog();
  const broker = new AwaitBroker(store, resumer, log, () => NOW);
  const register = (token = 'token-1', executionArn = ARN, key = KEY) =>
    broker.register({ key, token, executionArn }, TTL_SECONDS);
  const deliver = (out: AwaitOutput, key = KEY) => broker.deliver(key, out, KEEP_SECONDS);
  const expectStoreEmpty = () => {
    expect([...store.waiters.keys()]).toEqual([]);
    expect([...store.events.keys()]).toEqual([]);
  };
  return { store, resumer, log, broker, register, deliver, expectStoreEmpty };
}

describe('awaitKey', () => {
  it('joins the await name and the correlation value', () => {
    expect(awaitKey('WaitForRestaurant', '42')).toBe('WaitForRestaurant#42');
  });
});

describe('AwaitBroker pairing', () => {
  it('resumes a waiter once with the event output when the event comes second', async () => {
    const { store, resumer, log, register, deliver, expectStoreEmpty } = setup();

    await expect(register()).resolves.toBe('waiting');
    expect(store.waiters.get(KEY)).toEqual({
      key: KEY,
      token: 'token-1',
      executionArn: ARN,
      expiresAt: NOW + TTL_SECONDS,
    });
    await expect(deliver(output('evt-1'))).resolves.toBe('resumed');

    expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
    expectStoreEmpty();
    expect(store.seen.get(`${KEY}#evt-1`)).toBe(NOW + KEEP_SECONDS);
    expect(log.lines).toContainEqual({
      level: 'info',
      message: 'execution resumed',
      extra: { key: KEY, executionArn: ARN, eventId: 'evt-1' },
    });
  });

  it('keeps an early event and applies it as soon as the waiter registers', async () => {
    const { store, resumer, log, register, deliver, expectStoreEmpty } = setup();

    await expect(deliver(output('evt-1'))).resolves.toBe('kept');
    expect(store.events.get(SLOT)).toEqual({
      key: SLOT,
      eventId: 'evt-1',
      output: output('evt-1'),
      expiresAt: NOW + KEEP_SECONDS,
    });
    expect(resumer.resumes).toEqual([]);

    await expect(register()).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
    expectStoreEmpty();
    expect(log.lines.map((l) => l.message)).toEqual([
      'no execution of this flow awaits this key yet; event kept',
      'execution resumed',
      'early event applied',
    ]);
  });

  type Step = ['register', string] | ['event', string];
  it.each<[string, Step[], Outcome[]]>([
    [
      'twice before the waiter',
      [
        ['event', 'evt-1'],
        ['event', 'evt-1'],
        ['register', 'token-1'],
      ],
      ['kept', 'duplicate', 'resumed'],
    ],
    [
      'twice after the waiter',
      [
        ['register', 'token-1'],
        ['event', 'evt-1'],
        ['event', 'evt-1'],
      ],
      ['waiting', 'resumed', 'duplicate'],
    ],
    [
      'once before and once after the waiter',
      [
        ['event', 'evt-1'],
        ['register', 'token-1'],
        ['event', 'evt-1'],
      ],
      ['kept', 'resumed', 'duplicate'],
    ],
    [
      'three times around the waiter',
      [
        ['event', 'evt-1'],
        ['event', 'evt-1'],
        ['register', 'token-1'],
        ['event', 'evt-1'],
      ],
      ['kept', 'duplicate', 'resumed', 'duplicate'],
    ],
  ])('applies an event delivered %s exactly once', async (_name, steps, expectedOutcomes) => {
    const { store, resumer, log, register, deliver, expectStoreEmpty } = setup();
    const outcomes: Outcome[] = [];
    for (const [kind, id] of steps)
      outcomes.push(await (kind === 'register' ? register(id) : deliver(output(id))));

    expect(outcomes).toEqual(expectedOutcomes);
    expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
    // A duplicate must not linger as an early event for a later waiter.
    expectStoreEmpty();
    expect(log.lines.filter((l) => l.message === 'duplicate delivery ignored')).toEqual(
      expectedOutcomes
        .filter((o) => o === 'duplicate')
        .map(() => ({
          level: 'info',
          message: 'duplicate delivery ignored',
          extra: { key: KEY, eventId: 'evt-1' },
        })),
    );
    expect(store.calls.filter((c) => c.startsWith('markSeen'))).toHaveLength(
      steps.filter(([kind]) => kind === 'event').length,
    );
  });

  it('applies only the first of two different events that arrive before the waiter', async () => {
    const { store, resumer, log, register, deliver, expectStoreEmpty } = setup();
    const accepted = output('evt-1', 'OrderAccepted');
    const rejected = output('evt-2', 'OrderRejected');

    await expect(deliver(accepted)).resolves.toBe('kept');
    await expect(deliver(rejected)).resolves.toBe('kept');
    expect(log.lines).toContainEqual({
      level: 'warn',
      message: 'another event is already pending for this key; this one is not kept',
      extra: { key: KEY, eventId: 'evt-2' },
    });
    expect(store.events.get(SLOT)?.eventId).toBe('evt-1');

    await expect(register()).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-1', output: accepted }]);
    expectStoreEmpty();
    // The dropped event is gone for good: a later execution on the key waits.
    await expect(register('token-2', OTHER_ARN)).resolves.toBe('waiting');
    expect(resumer.resumes).toHaveLength(1);
  });

  it('applies only the first of two different events that arrive after the waiter', async () => {
    const { store, resumer, register, deliver } = setup();
    const accepted = output('evt-1', 'OrderAccepted');
    const rejected = output('evt-2', 'OrderRejected');

    await register();
    await expect(deliver(accepted)).resolves.toBe('resumed');
    await expect(deliver(rejected)).resolves.toBe('kept');

    expect(resumer.resumes).toEqual([{ token: 'token-1', output: accepted }]);
    expect(store.waiters.size).toBe(0);
    // The broker does not remember that the key was resolved: the second event stays kept
    // (until its TTL) as an early event, so it would be applied to a *new* waiter on the key.
    expect(store.events.get(SLOT)?.eventId).toBe('evt-2');
  });

  it('keeps an event for an unknown correlation value without touching other keys', async () => {
    const { store, resumer, log, register, deliver } = setup();
    const otherKey = awaitKey('WaitForRestaurant', 'order-2');
    await expect(register('token-2', OTHER_ARN, otherKey)).resolves.toBe('waiting');

    await expect(deliver(output('evt-9', 'OrderAccepted', 'nobody'), KEY)).resolves.toBe('kept');

    expect(resumer.resumes).toEqual([]);
    expect(log.lines).toContainEqual({
      level: 'info',
      message: 'no execution of this flow awaits this key yet; event kept',
      extra: { key: KEY, eventId: 'evt-9', keepSeconds: KEEP_SECONDS },
    });
    expect(store.waiters.get(otherKey)?.token).toBe('token-2');
    expect([...store.events.keys()]).toEqual([SLOT]);

    // The other key still pairs with its own event only.
    const own = output('evt-10', 'OrderAccepted', 'order-2');
    await expect(deliver(own, otherKey)).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-2', output: own }]);
    expect(store.events.get(SLOT)?.eventId).toBe('evt-9');
  });
});

describe('AwaitBroker when the execution is gone', () => {
  it.each<[string, (s: ReturnType<typeof setup>) => Promise<Outcome>]>([
    [
      'the event comes second',
      async ({ register, deliver }) => {
        await register();
        return deliver(output('evt-1'));
      },
    ],
    [
      'the waiter comes second',
      async ({ register, deliver }) => {
        await deliver(output('evt-1'));
        return register();
      },
    ],
  ])('returns gone, logs it and puts nothing back when %s', async (_name, run) => {
    const s = setup();
    s.resumer.answers.push('gone');

    await expect(run(s)).resolves.toBe('gone');

    expect(s.resumer.resumes).toEqual([]);
    expect(s.log.lines).toContainEqual({
      level: 'warn',
      message: 'the waiting execution is gone (timed out or stopped); event not applied',
      extra: { key: KEY, executionArn: ARN, eventId: 'evt-1' },
    });
    s.expectStoreEmpty();
    // The event counts as handled: a redelivery is a duplicate, not a new early event.
    await expect(s.deliver(output('evt-1'))).resolves.toBe('duplicate');
    s.expectStoreEmpty();
  });
});

describe('AwaitBroker when resuming fails transiently', () => {
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

  it('rethrows, forgets the seen-mark and restores both halves', async () => {
    const { store, resumer, register, deliver } = setup();
    await register();
    resumer.answers.push(throttled);

    await expect(deliver(output('evt-1'))).rejects.toBe(throttled);

    expect(store.seen.has(`${KEY}#evt-1`)).toBe(false);
    expect(store.waiters.get(KEY)).toEqual({
      key: KEY,
      token: 'token-1',
      executionArn: ARN,
      expiresAt: NOW + TTL_SECONDS,
    });
    expect(store.events.get(SLOT)?.eventId).toBe('evt-1');
    expect(resumer.resumes).toEqual([]);
  });

  // A failed resume puts the event back, so the redelivery's own keepEvent fails: it must still pair.
  it('resumes the restored waiter on a redelivery of the same event', async () => {
    const { resumer, register, deliver, expectStoreEmpty } = setup();
    await register();
    resumer.answers.push(throttled);
    await expect(deliver(output('evt-1'))).rejects.toBe(throttled);

    await expect(deliver(output('evt-1'))).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
    expectStoreEmpty();
  });

  it('keeps the early event for a retried registration when the resume at register fails', async () => {
    const { store, resumer, register, deliver, expectStoreEmpty } = setup();
    await deliver(output('evt-1'));
    resumer.answers.push(throttled);

    await expect(register('token-1')).rejects.toBe(throttled);
    expect(store.waiters.get(KEY)?.token).toBe('token-1');
    expect(store.events.get(SLOT)?.eventId).toBe('evt-1');
    // The seen-mark of the event stays: the event itself was delivered fine.
    expect(store.seen.has(`${KEY}#evt-1`)).toBe(true);

    // The retried state registers again with a new token.
    await expect(register('token-1b')).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-1b', output: output('evt-1') }]);
    expectStoreEmpty();
  });
});

describe('AwaitBroker when the store fails while pairing', () => {
  const throttled = Object.assign(new Error('Throughput exceeded'), {
    name: 'ProvisionedThroughputExceededException',
  });

  it('lets a redelivery apply the event after the store failed mid-delivery', async () => {
    const { store, resumer, register, deliver, expectStoreEmpty } = setup();
    await register();
    // The event is out of the store (taken) when looking up the waiter fails.
    store.before('takeWaiter', 1, async () => {
      throw throttled;
    });

    await expect(deliver(output('evt-1'))).rejects.toBe(throttled);
    expect(store.seen.has(`${KEY}#evt-1`)).toBe(false);

    await expect(deliver(output('evt-1'))).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
    expectStoreEmpty();
  });

  // An early event taken out by the registrar must be put back when the store fails mid-pairing.
  it('keeps an early event for the retried registration after a store failure', async () => {
    const { store, resumer, register, deliver } = setup();
    await deliver(output('evt-1'));
    store.before('takeWaiter', 2, async () => {
      throw throttled;
    });

    await expect(register()).rejects.toBe(throttled);

    await expect(register()).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
  });
});

describe('AwaitBroker conflicts', () => {
  it('rejects a second execution waiting on the same key and keeps the first', async () => {
    const { store, resumer, register, deliver } = setup();
    await register('token-1', ARN);

    const attempt = register('token-2', OTHER_ARN);
    await expect(attempt).rejects.toBeInstanceOf(AwaitConflictError);
    await expect(attempt).rejects.toMatchObject({
      name: 'AwaitConflict',
      message: `another execution already waits on '${KEY}'`,
    });
    expect(store.waiters.get(KEY)).toMatchObject({ token: 'token-1', executionArn: ARN });

    await expect(deliver(output('evt-1'))).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
  });

  it('accepts the same execution registering again (a retried state) with its new token', async () => {
    const { store, resumer, register, deliver, expectStoreEmpty } = setup();
    await expect(register('token-1', ARN)).resolves.toBe('waiting');
    await expect(register('token-1-retry', ARN)).resolves.toBe('waiting');
    expect(store.waiters.get(KEY)?.token).toBe('token-1-retry');

    await expect(deliver(output('evt-1'))).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-1-retry', output: output('evt-1') }]);
    expectStoreEmpty();
  });
});

describe('AwaitBroker interleavings', () => {
  // Each case lets one side start, then runs the other side to completion at a chosen store
  // call of the first, as a concurrent Lambda invocation would.
  it.each<[string, 'deliver' | 'register', StoreMethod, number, Outcome, Outcome]>([
    // The deliverer took its event back out to look for a waiter, found none, and the waiter
    // registers (finding no event) before the event is put back: the re-check must pair them.
    ['the deliverer puts its event back', 'deliver', 'keepEvent', 2, 'resumed', 'waiting'],
    ['the deliverer looks for the waiter', 'deliver', 'takeWaiter', 1, 'resumed', 'waiting'],
    ['the deliverer re-checks for a waiter', 'deliver', 'hasWaiter', 1, 'kept', 'resumed'],
    ['the deliverer keeps its event', 'deliver', 'keepEvent', 1, 'resumed', 'waiting'],
    ['the registrar looks for an early event', 'register', 'takeEvent', 1, 'waiting', 'resumed'],
    ['the registrar records its waiter', 'register', 'putWaiter', 1, 'resumed', 'kept'],
  ])(
    'applies the event exactly once when the other side runs just before %s',
    async (_name, first, method, nth, firstOutcome, secondOutcome) => {
      const { store, resumer, register, deliver, expectStoreEmpty } = setup();
      const runFirst = first === 'deliver' ? () => deliver(output('evt-1')) : () => register();
      const runSecond = first === 'deliver' ? () => register() : () => deliver(output('evt-1'));
      let second: Outcome | undefined;
      store.before(method, nth, async () => {
        second = await runSecond();
      });

      const outcome = await runFirst();

      expect([outcome, second]).toEqual([firstOutcome, secondOutcome]);
      expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
      expectStoreEmpty();
    },
  );

  it('pairs concurrent deliveries and registration exactly once', async () => {
    const { resumer, register, deliver, expectStoreEmpty } = setup();
    const outcomes = await Promise.all([
      deliver(output('evt-1')),
      register(),
      deliver(output('evt-1')),
    ]);

    expect(outcomes.filter((o) => o === 'resumed')).toHaveLength(1);
    expect(outcomes).toContain('duplicate');
    expect(resumer.resumes).toEqual([{ token: 'token-1', output: output('evt-1') }]);
    expectStoreEmpty();
  });
});

describe('AwaitBroker with several awaits on one event', () => {
  const accepted = awaitKey('WaitForRestaurant', 'order-1');
  const audited = awaitKey('WaitForAudit', 'order-1');

  it.each<[string, boolean]>([
    ['the waiters come first', true],
    ['the event comes first', false],
  ])('gives the same event once to each await when %s', async (_name, waitersFirst) => {
    const { store, resumer, register, deliver, expectStoreEmpty } = setup();
    const both = async () => [
      await register('token-a', ARN, accepted),
      await register('token-b', ARN, audited),
    ];
    const deliverBoth = async () => [
      await deliver(output('evt-1'), accepted),
      await deliver(output('evt-1'), audited),
    ];

    if (waitersFirst) {
      expect(await both()).toEqual(['waiting', 'waiting']);
      expect(await deliverBoth()).toEqual(['resumed', 'resumed']);
    } else {
      expect(await deliverBoth()).toEqual(['kept', 'kept']);
      expect(await both()).toEqual(['resumed', 'resumed']);
    }
    // Redelivered to both: a duplicate for each, no further resume.
    expect(await deliverBoth()).toEqual(['duplicate', 'duplicate']);

    expect(resumer.resumes).toEqual([
      { token: 'token-a', output: output('evt-1') },
      { token: 'token-b', output: output('evt-1') },
    ]);
    expect([...store.seen.keys()].sort()).toEqual([`${audited}#evt-1`, `${accepted}#evt-1`]);
    expectStoreEmpty();
  });
});

describe('AwaitBroker with flows that reuse a correlation value', () => {
  const inFlow = (eventId: string, correlationId: string): AwaitOutput => ({
    ...output(eventId),
    metadata: { eventId, correlationId },
  });
  const flowSetup = () => {
    const base = setup();
    const registerIn = (correlationId: string, token: string, executionArn = ARN) =>
      base.broker.register({ key: KEY, token, executionArn, correlationId }, TTL_SECONDS);
    const deliverIn = (out: AwaitOutput, correlationId?: string) =>
      base.broker.deliver(KEY, out, KEEP_SECONDS, correlationId);
    return { ...base, registerIn, deliverIn };
  };

  it("keeps another flow's early event apart and does not apply it to a new waiter", async () => {
    const { store, resumer, registerIn, deliverIn } = flowSetup();
    // A late answer of flow A, whose waiter is already gone: kept in A's slot.
    await expect(deliverIn(inFlow('evt-a', 'flow-a'), 'flow-a')).resolves.toBe('kept');
    expect([...store.events.keys()]).toEqual([eventSlot(KEY, 'flow-a')]);

    // Flow B reuses the value: it waits, and the answer of A is not applied.
    await expect(registerIn('flow-b', 'token-b')).resolves.toBe('waiting');
    expect(resumer.resumes).toEqual([]);

    // B's own answer completes it.
    await expect(deliverIn(inFlow('evt-b', 'flow-b'), 'flow-b')).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-b', output: inFlow('evt-b', 'flow-b') }]);
  });

  it('does not take a waiter of another flow when an event arrives after it', async () => {
    const { store, resumer, registerIn, deliverIn } = flowSetup();
    await registerIn('flow-b', 'token-b');
    await expect(deliverIn(inFlow('evt-a', 'flow-a'), 'flow-a')).resolves.toBe('kept');
    expect(store.waiters.get(KEY)?.token).toBe('token-b');
    expect(resumer.resumes).toEqual([]);
  });

  it('applies an early event of the same flow when its waiter registers', async () => {
    const { resumer, registerIn, deliverIn, expectStoreEmpty } = flowSetup();
    await deliverIn(inFlow('evt-b', 'flow-b'), 'flow-b');
    await expect(registerIn('flow-b', 'token-b')).resolves.toBe('resumed');
    expect(resumer.resumes).toEqual([{ token: 'token-b', output: inFlow('evt-b', 'flow-b') }]);
    expectStoreEmpty();
  });

  it('pairs an event that carries no flow with the waiter of the value, whichever comes first', async () => {
    const early = flowSetup();
    await early.deliverIn(output('evt-1'));
    await expect(early.registerIn('flow-b', 'token-b')).resolves.toBe('resumed');

    const late = flowSetup();
    await late.registerIn('flow-b', 'token-b');
    await expect(late.deliverIn(output('evt-1'))).resolves.toBe('resumed');
  });
});

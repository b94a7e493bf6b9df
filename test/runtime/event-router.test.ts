import { busName, LocalRuleSpec, LocalRuleTarget } from '../../lib/runtime/assembly';
import { VirtualClock } from '../../lib/runtime/clock';
import { EventRouter, PutEventsEntry, TargetDispatcher } from '../../lib/runtime/event-router';
import { RunRecord } from '../../lib/runtime/record';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DLQ = 'arn:aws:sqs:eu-west-1:111122223333:orders-dlq';

const target = (id: string, extra: Partial<LocalRuleTarget> = {}): LocalRuleTarget => ({
  Arn: `arn:aws:states:eu-west-1:111122223333:stateMachine:${id}`,
  Id: id,
  ...extra,
});

const rule = (
  logicalId: string,
  eventBusName: string,
  eventPattern: Record<string, unknown>,
  targets: LocalRuleTarget[] = [target(`${logicalId}Target`)],
): LocalRuleSpec => ({ logicalId, stackName: 'Stack', eventBusName, eventPattern, targets });

const orderPlaced: PutEventsEntry = {
  Source: 'shop.orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ metadata: { correlationId: 'c-1' }, data: { orderId: 'o-1' } }),
  EventBusName: 'DomainBus',
};

interface Delivery {
  target: string;
  rule: string;
  input: any;
}

function setup(rules: LocalRuleSpec[], dispatch?: TargetDispatcher, buses?: Set<string>) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1, 12, 0, 0, 123));
  const record = new RunRecord();
  const deliveries: Delivery[] = [];
  const tracked: Promise<unknown>[] = [];
  const router = new EventRouter(
    rules,
    clock,
    record,
    dispatch ??
      (async (t, input, r) => {
        deliveries.push({ target: t.Id, rule: r.logicalId, input });
      }),
    (work) => tracked.push(work),
    ACCOUNT,
    REGION,
    buses,
  );
  const settle = async () => {
    await Promise.all(tracked);
  };
  return { clock, record, router, deliveries, tracked, settle };
}

describe('EventRouter', () => {
  describe('routing', () => {
    const rules = [
      rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }),
      rule('PlacedRule', 'DomainBus', { 'detail-type': ['OrderPlaced'] }),
      rule('PaymentsRule', 'DomainBus', { source: ['shop.payments'] }),
      rule('OtherBusRule', 'OtherBus', { source: ['shop.orders'] }),
      rule('DefaultBusRule', 'default', { source: ['shop.orders'] }),
    ];

    it.each([
      {
        name: 'only to matching rules of the same bus',
        entry: orderPlaced,
        matched: ['OrdersRule', 'PlacedRule'],
      },
      {
        name: 'by bus ARN',
        entry: {
          ...orderPlaced,
          EventBusName: 'arn:aws:events:eu-west-1:111122223333:event-bus/DomainBus',
        },
        matched: ['OrdersRule', 'PlacedRule'],
      },
      {
        name: 'to the default bus when no bus is named',
        entry: { ...orderPlaced, EventBusName: undefined },
        matched: ['DefaultBusRule'],
      },
      {
        name: 'nowhere when no rule matches',
        entry: { ...orderPlaced, Source: 'shop.shipping', DetailType: 'Shipped' },
        matched: [],
      },
      {
        name: 'to a rule on another source',
        entry: { ...orderPlaced, Source: 'shop.payments', DetailType: 'PaymentTaken' },
        matched: ['PaymentsRule'],
      },
    ])('routes $name', async ({ entry, matched }) => {
      const { router, record, deliveries, settle } = setup(rules);
      const result = router.put([entry], 'test');
      await settle();
      expect(result.FailedEntryCount).toBe(0);
      expect(record.allEvents).toHaveLength(1);
      expect(record.allEvents[0].matchedRules).toEqual(matched);
      expect(deliveries.map((d) => d.rule)).toEqual(matched);
    });

    it('delivers to every target of a matched rule', async () => {
      const { router, deliveries, settle } = setup([
        rule('Fan', 'DomainBus', { source: ['shop.orders'] }, [target('A'), target('B')]),
      ]);
      router.put([orderPlaced], 'test');
      await settle();
      expect(deliveries.map((d) => d.target)).toEqual(['A', 'B']);
    });

    it('delivers asynchronously, after put returns', async () => {
      const { router, deliveries, tracked, settle } = setup([
        rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }),
      ]);
      router.put([orderPlaced], 'test');
      expect(deliveries).toHaveLength(0);
      expect(tracked).toHaveLength(1);
      await settle();
      expect(deliveries).toHaveLength(1);
    });

    it('matches on detail fields', async () => {
      const { router, record, settle } = setup([
        rule('BigOrders', 'DomainBus', { detail: { data: { total: [{ numeric: ['>', 100] }] } } }),
      ]);
      const entry = (total: number): PutEventsEntry => ({
        ...orderPlaced,
        Detail: JSON.stringify({ data: { total } }),
      });
      router.put([entry(50), entry(500)], 'test');
      await settle();
      expect(record.allEvents.map((e) => e.matchedRules)).toEqual([[], ['BigOrders']]);
    });
  });

  describe('the events it records', () => {
    it.each([
      {
        name: 'an SDK-form Detail string',
        detail: '{"metadata":{"correlationId":"c-1"},"data":{"orderId":"o-1"}}',
      },
      {
        name: 'a workflow-form Detail object',
        detail: { metadata: { correlationId: 'c-1' }, data: { orderId: 'o-1' } },
      },
    ])('records $name as the parsed detail', async ({ detail }) => {
      const { router, record, deliveries, settle } = setup([
        rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }),
      ]);
      const result = router.put([{ ...orderPlaced, Detail: detail }], 'orders/Publish OrderPlaced');
      await settle();
      expect(record.allEvents).toEqual([
        {
          order: 0,
          id: result.Entries[0].EventId,
          time: '2026-01-01T12:00:00.123Z',
          bus: 'DomainBus',
          source: 'shop.orders',
          detailType: 'OrderPlaced',
          detail: { metadata: { correlationId: 'c-1' }, data: { orderId: 'o-1' } },
          publishedBy: 'orders/Publish OrderPlaced',
          matchedRules: ['OrdersRule'],
        },
      ]);
      expect(deliveries[0].input).toEqual({
        version: '0',
        id: result.Entries[0].EventId,
        'detail-type': 'OrderPlaced',
        source: 'shop.orders',
        account: ACCOUNT,
        time: '2026-01-01T12:00:00Z',
        region: REGION,
        resources: [],
        detail: { metadata: { correlationId: 'c-1' }, data: { orderId: 'o-1' } },
      });
    });

    it('uses the entry Time and Resources', async () => {
      const { router, deliveries, settle } = setup([
        rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }),
      ]);
      router.put(
        [{ ...orderPlaced, Time: new Date('2025-05-05T05:05:05.555Z'), Resources: ['arn:x'] }],
        'test',
      );
      await settle();
      expect(deliveries[0].input).toMatchObject({
        time: '2025-05-05T05:05:05Z',
        resources: ['arn:x'],
      });
    });

    it('records events without matches too, with unique ids', () => {
      const { router, record } = setup([]);
      const result = router.put([orderPlaced, orderPlaced], 'test');
      expect(result.FailedEntryCount).toBe(0);
      const ids = result.Entries.map((e) => e.EventId);
      expect(new Set(ids).size).toBe(2);
      expect(record.allEvents.map((e) => e.id)).toEqual(ids);
      expect(record.allEvents.map((e) => e.matchedRules)).toEqual([[], []]);
    });
  });

  describe('rejected entries', () => {
    it('fails when more than 10 entries are put, routing none (a ValidationException, as AWS)', async () => {
      const { router, record, deliveries, tracked, settle } = setup([
        rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }),
      ]);
      expect(() =>
        router.put(
          Array.from({ length: 11 }, () => orderPlaced),
          'test',
        ),
      ).toThrow(expect.objectContaining({ name: 'ValidationException' }));
      await settle();
      expect(record.allEvents).toHaveLength(0);
      expect(tracked).toHaveLength(0);
      expect(deliveries).toHaveLength(0);
    });

    it('accepts exactly 10 entries', () => {
      const { router, record } = setup([]);
      const result = router.put(
        Array.from({ length: 10 }, () => orderPlaced),
        'test',
      );
      expect(result.FailedEntryCount).toBe(0);
      expect(record.allEvents).toHaveLength(10);
    });

    it.each([
      {
        name: 'Source is missing',
        entry: { ...orderPlaced, Source: undefined },
        code: 'InvalidArgument',
      },
      { name: 'Source is empty', entry: { ...orderPlaced, Source: '' }, code: 'InvalidArgument' },
      {
        name: 'DetailType is missing',
        entry: { ...orderPlaced, DetailType: undefined },
        code: 'InvalidArgument',
      },
      {
        name: 'Detail is missing',
        entry: { ...orderPlaced, Detail: undefined },
        code: 'InvalidArgument',
      },
      {
        name: 'Detail is not JSON',
        entry: { ...orderPlaced, Detail: '{"data":' },
        code: 'MalformedDetail',
      },
    ])('fails the entry with an ErrorCode when $name', async ({ entry, code }) => {
      const { router, record, deliveries, settle } = setup([
        rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }),
      ]);
      const result = router.put([entry, orderPlaced], 'test');
      await settle();
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries[0]).toEqual({ ErrorCode: code, ErrorMessage: expect.any(String) });
      expect(result.Entries[1].EventId).toEqual(expect.any(String));
      expect(result.Entries[1].ErrorCode).toBeUndefined();
      expect(record.allEvents).toHaveLength(1);
      expect(deliveries).toHaveLength(1);
    });
  });

  describe('refused as AWS refuses', () => {
    /** An entry whose Detail is `{ "pad": "xxx…" }`, `bytes` long as a PutEvents entry counts it. */
    const sized = (bytes: number): PutEventsEntry => {
      const overhead = 'shop.orders'.length + 'OrderPlaced'.length + '{"pad":""}'.length;
      return { ...orderPlaced, Detail: JSON.stringify({ pad: 'x'.repeat(bytes - overhead) }) };
    };
    /** `{"a":{"a":…{}}}`, `depth` objects deep. */
    const nestedDetail = (depth: number) =>
      '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

    it.each([
      ['a JSON array', '[{"orderId":"o-1"}]'],
      ['a JSON string', '"o-1"'],
      ['JSON null', 'null'],
      ['not JSON', '{"data":'],
    ])('fails an entry whose Detail is %s with MalformedDetail', async (_, detail) => {
      const { router, record } = setup([]);
      const result = router.put([orderPlaced, { ...orderPlaced, Detail: detail }], 'test');
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries[1]).toEqual({
        ErrorCode: 'MalformedDetail',
        ErrorMessage: 'Detail is malformed.',
      });
      expect(result.Entries[0].EventId).toEqual(expect.any(String));
      expect(record.allEvents).toHaveLength(1);
    });

    it('fails an entry nested deeper than the 1000 levels PutEvents processes, with MalformedDetail', () => {
      const { router, record } = setup([]);
      const result = router.put(
        [
          { ...orderPlaced, Detail: nestedDetail(1000) },
          { ...orderPlaced, Detail: nestedDetail(1001) },
          { ...orderPlaced, Detail: JSON.parse(nestedDetail(2500)) },
        ],
        'test',
      );
      expect(result.FailedEntryCount).toBe(2);
      expect(result.Entries[0].EventId).toEqual(expect.any(String));
      for (const refused of result.Entries.slice(1)) {
        expect(refused).toEqual({
          ErrorCode: 'MalformedDetail',
          ErrorMessage: expect.stringMatching(/^Detail is malformed\. .*deeper than 1000 levels/),
        });
      }
      expect(record.allEvents).toHaveLength(1);
    });

    it('accepts entries up to 1 MiB in all, counted as the entry-size page does', () => {
      const { router, record } = setup([]);
      const result = router.put([sized(600_000), sized(1_048_576 - 600_000)], 'test');
      expect(result.FailedEntryCount).toBe(0);
      expect(record.allEvents).toHaveLength(2);
    });

    it.each([
      ['one entry of 1 MiB and 1 byte', [1_048_577]],
      ['two entries of 600,000 bytes', [600_000, 600_000]],
    ])('fails the whole call with ValidationException for %s', async (_, sizes) => {
      const { router, record, tracked } = setup([
        rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }),
      ]);
      expect(() => router.put(sizes.map(sized), 'test')).toThrow(
        expect.objectContaining({
          name: 'ValidationException',
          message: 'Total size of the entries in the request is over the limit.',
        }),
      );
      expect(record.allEvents).toHaveLength(0);
      expect(tracked).toHaveLength(0);
    });

    it('counts Time as 14 bytes and each resource in UTF-8', () => {
      const { router } = setup([]);
      // 1 MiB with the Time and a resource of 2 two-byte characters.
      const entry = { ...sized(1_048_576 - 14 - 4), Time: new Date(), Resources: ['éé'] };
      expect(router.put([entry], 'test').FailedEntryCount).toBe(0);
      expect(() => router.put([{ ...entry, Resources: ['ééé'] }], 'test')).toThrow(
        expect.objectContaining({ name: 'ValidationException' }),
      );
    });

    it('fails the whole call with ResourceNotFoundException for a bus the app does not know', () => {
      const { router, record } = setup([], undefined, new Set(['DomainBus', 'default']));
      expect(() =>
        router.put([orderPlaced, { ...orderPlaced, EventBusName: 'DomainBuss' }], 'test'),
      ).toThrow(
        expect.objectContaining({
          name: 'ResourceNotFoundException',
          message: expect.stringMatching(
            /^Event bus DomainBuss does not exist\. .*the app has DomainBus, default/,
          ),
        }),
      );
      expect(record.allEvents).toHaveLength(0);
      const byArn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/DomainBus`;
      expect(router.put([{ ...orderPlaced, EventBusName: byArn }], 'test').FailedEntryCount).toBe(
        0,
      );
    });
  });

  describe('failed deliveries', () => {
    it.each([
      { name: 'retries twice by default', retry: undefined, attempts: 3 },
      { name: 'retries at most twice', retry: { MaximumRetryAttempts: 185 }, attempts: 3 },
      { name: 'retries as the policy allows', retry: { MaximumRetryAttempts: 1 }, attempts: 2 },
      { name: 'does not retry with 0 retries', retry: { MaximumRetryAttempts: 0 }, attempts: 1 },
    ])('$name, then dead-letters to the DeadLetterConfig queue', async ({ retry, attempts }) => {
      let calls = 0;
      const failing: TargetDispatcher = async () => {
        calls++;
        const error = new Error('the target is down');
        error.name = 'States.ServiceUnavailable';
        throw error;
      };
      const dlqTarget = target('Orders', { DeadLetterConfig: { Arn: DLQ }, RetryPolicy: retry });
      const { router, record, settle } = setup(
        [rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }, [dlqTarget])],
        failing,
      );
      const result = router.put([orderPlaced], 'test');
      await settle();
      expect(result.FailedEntryCount).toBe(0);
      expect(calls).toBe(attempts);
      expect(record.deadLetters).toEqual([
        {
          order: 1,
          queue: DLQ,
          rule: 'OrdersRule',
          target: dlqTarget.Arn,
          reason: 'States.ServiceUnavailable: the target is down',
          event: expect.objectContaining({
            id: result.Entries[0].EventId,
            source: 'shop.orders',
            'detail-type': 'OrderPlaced',
          }),
          at: '2026-01-01T12:00:00.123Z',
        },
      ]);
    });

    it('notes that no queue is configured for a target without a DLQ', async () => {
      const { router, record, settle } = setup(
        [rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] })],
        async () => {
          throw new TypeError('boom');
        },
      );
      router.put([orderPlaced], 'test');
      await settle();
      expect(record.deadLetters).toHaveLength(1);
      expect(record.deadLetters[0].queue).toMatch(/no dead-letter queue configured/);
      expect(record.deadLetters[0].reason).toBe('TypeError: boom');
    });

    it('does not dead-letter a target that recovers within its retries', async () => {
      let calls = 0;
      const { router, record, settle } = setup(
        [rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] })],
        async () => {
          if (++calls < 3) throw new Error('flaky');
        },
      );
      router.put([orderPlaced], 'test');
      await settle();
      expect(calls).toBe(3);
      expect(record.deadLetters).toHaveLength(0);
    });

    it('dead-letters only the failing target of a rule', async () => {
      const dispatch: TargetDispatcher = async (t) => {
        if (t.Id === 'Broken') throw new Error('down');
      };
      const { router, record, settle } = setup(
        [
          rule('Fan', 'DomainBus', { source: ['shop.orders'] }, [
            target('Working'),
            target('Broken', { DeadLetterConfig: { Arn: DLQ } }),
          ]),
        ],
        dispatch,
      );
      router.put([orderPlaced], 'test');
      await settle();
      expect(record.deadLetters.map((d) => d.target)).toEqual([target('Broken').Arn]);
    });

    it('dead-letters an event whose target input cannot be computed', async () => {
      const { router, record, deliveries, settle } = setup([
        rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }, [
          target('Bad', { Input: '{not json', DeadLetterConfig: { Arn: DLQ } }),
        ]),
      ]);
      router.put([orderPlaced], 'test');
      await settle();
      expect(deliveries).toHaveLength(0);
      expect(record.deadLetters).toHaveLength(1);
      expect(record.deadLetters[0].queue).toBe(DLQ);
      expect(record.deadLetters[0].reason).toMatch(/^input transformation failed: /);
    });
  });

  it('gives the dispatcher the transformed input', async () => {
    const transformed = target('Workflow', {
      InputTransformer: {
        InputPathsMap: {
          'detail-metadata-correlationId': '$.detail.metadata.correlationId',
          'detail-data': '$.detail.data',
          source: '$.source',
        },
        InputTemplate:
          '{"metadata":{"correlationId":<detail-metadata-correlationId>},"data":<detail-data>,"from":"<source>"}',
      },
    });
    const { router, deliveries, settle } = setup([
      rule('OrdersRule', 'DomainBus', { source: ['shop.orders'] }, [
        transformed,
        target('Constant', { Input: '{"ping":true}' }),
        target('Detail', { InputPath: '$.detail.data' }),
      ]),
    ]);
    router.put([orderPlaced], 'test');
    await settle();
    expect(deliveries.map((d) => [d.target, d.input])).toEqual([
      [
        'Workflow',
        { metadata: { correlationId: 'c-1' }, data: { orderId: 'o-1' }, from: 'shop.orders' },
      ],
      ['Constant', { ping: true }],
      ['Detail', { orderId: 'o-1' }],
    ]);
  });
});

describe('busName', () => {
  it.each([
    { value: 'DomainBus', name: 'DomainBus' },
    { value: 'default', name: 'default' },
    { value: 'arn:aws:events:eu-west-1:111122223333:event-bus/DomainBus', name: 'DomainBus' },
    { value: 'arn:aws:events:us-east-1:123456789012:event-bus/default', name: 'default' },
  ])('$value → $name', ({ value, name }) => {
    expect(busName(value)).toBe(name);
  });
});

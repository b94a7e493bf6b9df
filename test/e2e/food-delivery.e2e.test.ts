import { Duration } from 'aws-cdk-lib';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { LocalRuntime, RecordedEvent, RecordedExecution } from '../../lib/runtime';
import { testApp } from '../helpers';
import { foreignMetadata } from './foreign-metadata';

/**
 * End to end: the food-delivery example synthesized with its real handler
 * bundles and run by the local runtime, offline, on a virtual clock.
 */

const START = Date.UTC(2026, 0, 1, 12, 0, 0);
const PIZZA = [{ name: 'margherita', quantity: 2, unitPrice: 9.5 }];

let assemblyDir: string;
let runtime: LocalRuntime;

beforeAll(() => {
  const app = testApp({ bundle: true });
  new FoodDeliveryStack(app, 'FoodDelivery');
  assemblyDir = app.synth().directory;
});

beforeEach(() => {
  runtime = LocalRuntime.fromAssembly(assemblyDir, { startTime: new Date(START) });
});

afterEach(() => {
  try {
    // Whatever the flow, no event re-publishes another context's envelope metadata.
    if (runtime) expect(foreignMetadata(runtime.record.events())).toEqual([]);
  } finally {
    runtime?.dispose();
  }
});

/** Start the Orders workflow for an order whose orderId is its correlation id. */
function placeOrder(
  correlationId: string,
  restaurantId: string,
  options: { items?: unknown[]; customerId?: string; orderId?: string } = {},
): RecordedExecution {
  return runtime.startExecution('orders', {
    metadata: { correlationId },
    data: {
      orderId: options.orderId ?? correlationId,
      customerId: options.customerId ?? `customer-of-${correlationId}`,
      restaurantId,
      items: options.items ?? PIZZA,
    },
  });
}

/** An OrderAccepted event as the Restaurants context would publish it. */
function orderAccepted(orderId: string, eventId: string) {
  return {
    Source: 'food.restaurants',
    DetailType: 'OrderAccepted',
    Detail: JSON.stringify({
      metadata: { eventId, correlationId: orderId },
      data: { orderId, decision: 'ACCEPTED', etaMinutes: 20 },
    }),
  };
}

/** `source detail-type` of the flow's events, in publication order. */
function eventsOf(correlationId: string): string[] {
  return runtime.record.events(undefined, correlationId).map((e) => `${e.source} ${e.detailType}`);
}

function only(detailType: string, correlationId: string): RecordedEvent {
  const events = runtime.record.events(detailType, correlationId);
  expect(events).toHaveLength(1);
  return events[0];
}

function ordersOf(correlationId: string): RecordedExecution[] {
  return runtime.record
    .executions('orders')
    .filter((e) => (e.input as any)?.metadata?.correlationId === correlationId);
}

function resumerLogs(): string[] {
  return runtime.record.invocations
    .filter((i) => i.functionId.startsWith('OrdersAwaitsResumer'))
    .flatMap((i) => i.logs)
    .map((line) => (typeof line === 'object' ? (line as { message?: string }).message : line))
    .filter((m): m is string => typeof m === 'string');
}

/** Positions found (not -1) and in ascending order. */
function expectAscending(positions: number[]): void {
  expect(positions).not.toContain(-1);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

function expectInOrder(list: string[], expected: string[]): void {
  expectAscending(expected.map((item) => list.indexOf(item)));
}

describe('food delivery, end to end', () => {
  it('completes an accepted order across the four contexts, with one correlation id', async () => {
    const orders = placeOrder('accepted-1', 'luigis-pizza');
    await runtime.settle();

    expect(orders.status).toBe('SUCCEEDED');
    expectInOrder(eventsOf('accepted-1'), [
      'food.orders OrderPlaced',
      'food.restaurants RestaurantNotified',
      'food.restaurants OrderAccepted',
      'food.orders OrderCompleted',
      'food.promotions VoucherIssued',
    ]);
    expect(eventsOf('accepted-1')).toContain('food.notifications UserNotified');
    expect(only('UserNotified', 'accepted-1').detail.data.message).toMatch(
      /order accepted-1 was accepted/,
    );
    expect(only('VoucherIssued', 'accepted-1').detail.data).toMatchObject({
      orderId: 'accepted-1',
      percentOff: 10,
    });
    const completed = only('OrderCompleted', 'accepted-1');
    expect(completed.detail.data).toMatchObject({ status: 'COMPLETED', total: 19, etaMinutes: 25 });

    const { events, executions } = runtime.record.flow('accepted-1');
    expect(executions.map((e) => [e.contextName, e.status]).sort()).toEqual([
      ['notifications', 'SUCCEEDED'],
      ['orders', 'SUCCEEDED'],
      ['promotions', 'SUCCEEDED'],
      ['restaurants', 'SUCCEEDED'],
    ]);
    // Every event of every context: the same correlation id, a cause, the whole envelope.
    expect(events).toHaveLength(14);
    for (const event of events) {
      expect(event.detail.metadata).toEqual({
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        correlationId: 'accepted-1',
        causationId: expect.any(String),
        occurredAt: expect.stringMatching(/^2026-01-01T12:00:00(\.000)?Z$/),
        context: event.source.split('.')[1],
        workflow: expect.stringMatching(/Workflow/),
        executionArn: expect.stringMatching(/^arn:aws:states:[^:]+:\d{12}:execution:/),
        state: expect.any(String),
        schemaVersion: '1',
      });
      expect(event.detail.metadata.causationId).not.toBe('');
    }
    expect(new Set(events.map((e) => e.detail.metadata.eventId)).size).toBe(events.length);
    // Causation: each reacting context was caused by the event that started it.
    const placed = only('OrderPlaced', 'accepted-1');
    expect(only('RestaurantNotified', 'accepted-1').detail.metadata.causationId).toBe(
      placed.detail.metadata.eventId,
    );
    expect(only('VoucherIssued', 'accepted-1').detail.metadata.causationId).toBe(
      completed.detail.metadata.eventId,
    );
    expect(placed.detail.metadata.causationId).toBe(orders.executionArn);
    expect(runtime.record.deadLetters).toEqual([]);
  });

  it('cancels a rejected order with the restaurant’s reason and tells the customer', async () => {
    const orders = placeOrder('rejected-1', 'closed-diner', {
      items: [{ name: 'burger', quantity: 1, unitPrice: 12 }],
    });
    await runtime.settle();

    expect(orders.status).toBe('SUCCEEDED');
    expectInOrder(eventsOf('rejected-1'), [
      'food.orders OrderPlaced',
      'food.restaurants OrderRejected',
      'food.orders OrderCancelled',
      'food.notifications UserNotified',
    ]);
    expect(only('OrderCancelled', 'rejected-1').detail.data).toMatchObject({
      orderId: 'rejected-1',
      status: 'CANCELLED',
      reason: 'restaurant closed',
    });
    expect(only('UserNotified', 'rejected-1').detail.data.message).toMatch(
      /cancelled: restaurant closed/,
    );
    expect(runtime.record.events('OrderCompleted', 'rejected-1')).toEqual([]);
    expect(runtime.record.events('OrderAccepted', 'rejected-1')).toEqual([]);
    expect(runtime.record.events('VoucherIssued', 'rejected-1')).toEqual([]);
    expect(runtime.record.executions('promotions')).toEqual([]);
  });

  it('waits for a restaurant that never answers, then times out after 10 minutes', async () => {
    const orders = placeOrder('silent-1', 'sushi-zen', {
      items: [{ name: 'maki', quantity: 3, unitPrice: 6 }],
    });
    await runtime.settle();
    expect(orders.status).toBe('RUNNING');
    expect(orders.transitions.at(-1)).toMatchObject({ state: 'AwaitAcceptance', event: 'entered' });
    expect(runtime.record.events('RestaurantNotified', 'silent-1')).toHaveLength(1);

    await runtime.advance(Duration.minutes(9));
    expect(orders.status).toBe('RUNNING');
    expect(runtime.record.events('OrderTimedOut', 'silent-1')).toEqual([]);

    await runtime.advance(Duration.minutes(2));
    expect(orders.status).toBe('SUCCEEDED');
    expectInOrder(eventsOf('silent-1'), [
      'food.orders OrderTimedOut',
      'food.orders OrderCancelled',
      'food.notifications UserNotified',
    ]);
    const timedOut = only('OrderTimedOut', 'silent-1');
    expect(timedOut.time).toBe(new Date(START + 10 * 60_000).toISOString());
    expect(timedOut.detail.data.awaited).toMatchObject({ Error: 'States.Timeout' });
    expect(only('OrderCancelled', 'silent-1').detail.data).toMatchObject({
      status: 'CANCELLED',
      reason: 'the restaurant did not answer in time',
    });
    expect(only('UserNotified', 'silent-1').detail.data.message).toMatch(/did not answer in time/);
    expect(runtime.record.events('OrderCompleted', 'silent-1')).toEqual([]);
  });

  it('resolves two orders of the same customer each by its own orderId', async () => {
    const accepted = placeOrder('same-customer-a', 'luigis-pizza', { customerId: 'regular' });
    const rejected = placeOrder('same-customer-b', 'closed-diner', {
      customerId: 'regular',
      items: [{ name: 'burger', quantity: 1, unitPrice: 12 }],
    });
    await runtime.settle();

    expect([accepted.status, rejected.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(only('OrderCompleted', 'same-customer-a').detail.data.orderId).toBe('same-customer-a');
    expect(only('OrderCancelled', 'same-customer-b').detail.data.orderId).toBe('same-customer-b');
    expect(runtime.record.events('OrderCancelled', 'same-customer-a')).toEqual([]);
    expect(runtime.record.events('OrderCompleted', 'same-customer-b')).toEqual([]);
  });

  describe('the await protocol', () => {
    it('completes an accepted order exactly once, whichever of wait and event comes first', async () => {
      for (const id of ['race-1', 'race-2', 'race-3']) placeOrder(id, 'luigis-pizza');
      await runtime.settle();

      for (const id of ['race-1', 'race-2', 'race-3']) {
        expect(ordersOf(id).map((e) => e.status)).toEqual(['SUCCEEDED']);
        expect(runtime.record.events('OrderCompleted', id)).toHaveLength(1);
      }
      // One resume per order, by whichever side (waiter or event) came second.
      expect(resumerLogs().filter((m) => m === 'execution resumed')).toHaveLength(3);
    });

    it('keeps an OrderAccepted that arrives before Orders waits, and completes the order with it', async () => {
      runtime.putEvents([orderAccepted('early-1', 'evt-early-1')]);
      await runtime.settle();
      expect(runtime.record.executions('orders')).toEqual([]);
      expect(resumerLogs()).toContain('no execution of this flow awaits this key yet; event kept');

      // sushi-zen never answers: only the kept event can complete the wait.
      const orders = placeOrder('early-1', 'sushi-zen', {
        items: [{ name: 'nigiri', quantity: 2, unitPrice: 4 }],
      });
      await runtime.settle();

      expect(orders.status).toBe('SUCCEEDED');
      expect(runtime.record.events('OrderCompleted', 'early-1')).toHaveLength(1);
      expect(runtime.record.events('OrderTimedOut', 'early-1')).toEqual([]);
      expect(resumerLogs()).toContain('early event applied');
      expect(only('OrderCompleted', 'early-1').detail.data.etaMinutes).toBe(20);
    });

    // On AWS the resumer ignores a kept event past the await timeout (10 minutes).
    it('forgets an early event once the await timeout has passed', async () => {
      runtime.putEvents([orderAccepted('late-1', 'evt-late-1')]);
      await runtime.settle();
      await runtime.advance(Duration.minutes(11));

      const orders = placeOrder('late-1', 'sushi-zen', {
        items: [{ name: 'maki', quantity: 1, unitPrice: 6 }],
      });
      await runtime.settle();
      expect(orders.status).toBe('RUNNING');
      await runtime.advance(Duration.minutes(11));
      expect(runtime.record.events('OrderTimedOut', 'late-1')).toHaveLength(1);
    });

    it('does not let a late answer of a timed-out flow complete the next flow that reuses the order id', async () => {
      // Flow 1 waits for sushi-zen, which never answers, and times out.
      const first = placeOrder('reuse-flow-1', 'sushi-zen', {
        orderId: 'order-reused',
        items: [{ name: 'maki', quantity: 1, unitPrice: 6 }],
      });
      await runtime.settle();
      await runtime.advance(Duration.minutes(11));
      expect(first.status).toBe('SUCCEEDED');
      expect(runtime.record.events('OrderTimedOut', 'reuse-flow-1')).toHaveLength(1);

      // Its answer comes late, after the store forgot flow 1's waiter (a minute past the
      // timeout), with flow 1's correlationId: it is kept until the await's timeout.
      await runtime.advance(Duration.minutes(2));
      runtime.putEvents([
        {
          Source: 'food.restaurants',
          DetailType: 'OrderAccepted',
          Detail: JSON.stringify({
            metadata: { eventId: 'evt-late-answer', correlationId: 'reuse-flow-1' },
            data: { orderId: 'order-reused', decision: 'ACCEPTED', etaMinutes: 20 },
          }),
        },
      ]);
      await runtime.settle();

      // Flow 2 reuses the order id: the late answer of flow 1 must not complete it.
      const second = placeOrder('reuse-flow-2', 'sushi-zen', {
        orderId: 'order-reused',
        items: [{ name: 'maki', quantity: 1, unitPrice: 6 }],
      });
      await runtime.settle();
      expect(second.status).toBe('RUNNING');
      expect(runtime.record.events('OrderCompleted', 'reuse-flow-2')).toEqual([]);

      // Its own answer completes it.
      runtime.putEvents([
        {
          Source: 'food.restaurants',
          DetailType: 'OrderAccepted',
          Detail: JSON.stringify({
            metadata: { eventId: 'evt-own-answer', correlationId: 'reuse-flow-2' },
            data: { orderId: 'order-reused', decision: 'ACCEPTED', etaMinutes: 30 },
          }),
        },
      ]);
      await runtime.settle();
      expect(second.status).toBe('SUCCEEDED');
      // The late answer said 20 minutes; flow 2's own answer said 30.
      expect(only('OrderCompleted', 'reuse-flow-2').detail.data.etaMinutes).toBe(30);
    });

    it('pairs an answer that carries no correlationId by the order id alone', async () => {
      const orders = placeOrder('no-flow-1', 'sushi-zen', {
        items: [{ name: 'maki', quantity: 1, unitPrice: 6 }],
      });
      await runtime.settle();
      runtime.putEvents([
        {
          Source: 'food.restaurants',
          DetailType: 'OrderAccepted',
          Detail: JSON.stringify({
            metadata: { eventId: 'evt-no-flow' },
            data: { orderId: 'no-flow-1', decision: 'ACCEPTED', etaMinutes: 20 },
          }),
        },
      ]);
      await runtime.settle();
      expect(orders.status).toBe('SUCCEEDED');
      expect(runtime.record.events('OrderCompleted', 'no-flow-1')).toHaveLength(1);
    });

    it('resumes once when the same OrderAccepted is delivered twice', async () => {
      const orders = placeOrder('dup-1', 'sushi-zen', {
        items: [{ name: 'miso', quantity: 1, unitPrice: 3 }],
      });
      await runtime.settle();
      expect(orders.status).toBe('RUNNING');

      runtime.putEvents([orderAccepted('dup-1', 'evt-dup-1'), orderAccepted('dup-1', 'evt-dup-1')]);
      await runtime.settle();
      runtime.putEvents([orderAccepted('dup-1', 'evt-dup-1')]);
      await runtime.settle();

      expect(orders.status).toBe('SUCCEEDED');
      expect(runtime.record.events('OrderCompleted', 'dup-1')).toHaveLength(1);
      expect(resumerLogs().filter((m) => m === 'execution resumed')).toHaveLength(1);
      expect(resumerLogs().filter((m) => m === 'duplicate delivery ignored')).toHaveLength(2);
      expect(runtime.record.deadLetters).toEqual([]);
    });

    it('logs and keeps an event for an order nobody waits for, without failing', async () => {
      runtime.putEvents([orderAccepted('no-such-order', 'evt-unknown-1')]);
      await expect(runtime.settle()).resolves.toBeUndefined();

      expect(runtime.record.executions('orders')).toEqual([]);
      const resumer = runtime.record.invocations.filter((i) =>
        i.functionId.startsWith('OrdersAwaitsResumer'),
      );
      expect(resumer).toHaveLength(1);
      expect(resumer[0].error).toBeUndefined();
      expect(resumer[0].logs).toContainEqual(
        expect.objectContaining({
          message: 'no execution of this flow awaits this key yet; event kept',
          key: 'AwaitAcceptance#no-such-order',
          eventId: 'evt-unknown-1',
        }),
      );
      expect(runtime.record.deadLetters).toEqual([]);
    });
  });

  describe('failures', () => {
    it('retries a transient Lambda error of PlaceOrder and still completes', async () => {
      runtime.injectFault('PlaceOrder', { error: 'Lambda.ServiceException', times: 2 });
      const orders = placeOrder('flaky-1', 'luigis-pizza');
      await runtime.settle();
      // The retries wait on the virtual clock: 1 s, then 2 s (BackoffRate 2), each with full
      // jitter (a random delay up to that), as Step Functions schedules them.
      expect(orders.status).toBe('RUNNING');
      await runtime.advance(Duration.seconds(3));

      expect(orders.status).toBe('SUCCEEDED');
      expect(runtime.record.events('OrderCompleted', 'flaky-1')).toHaveLength(1);
      const placeOrders = runtime.record.invocations.filter((i) => i.task === 'PlaceOrder');
      expect(placeOrders.map((i) => i.error?.name)).toEqual([
        'Lambda.ServiceException',
        'Lambda.ServiceException',
        undefined,
      ]);
      const [first, second, third] = placeOrders.map((i) => Date.parse(i.at));
      expect(second - first).toBeLessThanOrEqual(1000);
      expect(third - second).toBeLessThanOrEqual(2000);
      expect(third - first).toBeGreaterThan(0);
      expect(
        orders.transitions.filter((t) => t.state === 'PlaceOrder' && t.event === 'retried'),
      ).toHaveLength(2);
      expect(runtime.record.events('TaskFailed', 'flaky-1')).toEqual([]);
    });

    it('fails an invalid order at once: TaskFailed, WorkflowFailed, no retry', async () => {
      const orders = placeOrder('invalid-1', 'luigis-pizza', { items: [] });
      await runtime.settle();

      expect(orders.status).toBe('FAILED');
      expect(orders.error).toBe('InvalidOrder');
      expect(orders.cause).toMatch(/at least one item/);
      expect(eventsOf('invalid-1')).toEqual([
        'food.orders WorkflowStarted',
        'food.orders TaskFailed',
        'food.orders WorkflowFailed',
      ]);
      expect(only('TaskFailed', 'invalid-1').detail.data).toMatchObject({ error: 'InvalidOrder' });
      expect(only('WorkflowFailed', 'invalid-1').detail.data).toMatchObject({
        error: 'InvalidOrder',
      });
      expect(runtime.record.invocations.filter((i) => i.task === 'PlaceOrder')).toHaveLength(1);
      expect(runtime.record.executions('restaurants')).toEqual([]);
    });

    it.each([
      ['no metadata', { data: { orderId: 'x', customerId: 'c', restaurantId: 'luigis-pizza' } }],
      ['a numeric correlationId', { metadata: { correlationId: 42 }, data: { orderId: 'x' } }],
      ['no data', { metadata: { correlationId: 'no-data' } }],
    ])('rejects an input with %s as InvalidEnvelope before any handler runs', async (_, input) => {
      const orders = runtime.startExecution('orders', input);
      await runtime.settle();

      expect(orders.status).toBe('FAILED');
      expect(orders.error).toBe('InvalidEnvelope');
      expect(runtime.record.invocations).toEqual([]);
      expect(runtime.record.allEvents).toEqual([]);
    });
  });

  describe('the record', () => {
    it('prints the flow as a timeline and as a Mermaid sequence diagram', async () => {
      placeOrder('drawn-1', 'luigis-pizza');
      placeOrder('other-1', 'closed-diner', {
        items: [{ name: 'burger', quantity: 1, unitPrice: 12 }],
      });
      await runtime.settle();

      const timeline = runtime.record.timeline('drawn-1').split('\n');
      const at = (text: string) => timeline.findIndex((line) => line.includes(text));
      expectAscending(
        [
          'orders workflow started',
          'food.orders OrderPlaced',
          'restaurants workflow started',
          'food.restaurants OrderAccepted',
          'food.orders OrderCompleted',
          'food.promotions VoucherIssued',
        ].map(at),
      );
      expect(timeline.every((line) => line.startsWith('12:00:00.000'))).toBe(true);
      expect(timeline.join('\n')).not.toContain('OrderRejected');

      const mermaid = runtime.record.toMermaid('drawn-1');
      expect(mermaid.startsWith('sequenceDiagram\n')).toBe(true);
      expect(mermaid).toContain('orders->>Bus: OrderPlaced');
      expect(mermaid).toContain('Bus-->>restaurants: OrderPlaced');
      expect(mermaid).toContain('Bus-->>promotions: OrderCompleted');
      expect(mermaid).not.toContain('OrderRejected');
    });
  });

  describe('a long simulation with a bounded record', () => {
    let bounded: LocalRuntime;
    beforeEach(() => {
      bounded = LocalRuntime.fromAssembly(assemblyDir, {
        startTime: new Date(START),
        record: 'summary',
      });
    });
    afterEach(() => bounded.dispose());

    it('counts every order and keeps only the failed ones in full', async () => {
      for (let i = 0; i < 30; i++) {
        bounded.startExecution('orders', {
          metadata: { correlationId: `long-${i}` },
          data: {
            orderId: `long-${i}`,
            customerId: 'c',
            restaurantId: 'luigis-pizza',
            items: i % 10 === 0 ? [] : PIZZA, // 3 invalid orders
          },
        });
        if (i % 10 === 9) await bounded.settle();
      }

      const summary = bounded.record.summary();
      // Each good order runs 4 workflows: orders, restaurants, notifications, promotions.
      expect(summary.executions).toEqual({
        total: 27 * 4 + 3,
        SUCCEEDED: 27 * 4,
        FAILED: 3,
        RUNNING: 0,
        TIMED_OUT: 0,
        ABORTED: 0,
      });
      expect(summary.events.byType.VoucherIssued).toBe(27);
      expect(summary.flows).toEqual({ kept: 3, dropped: 27 });
      expect(bounded.record.allExecutions.map((e) => [e.input, e.status])).toEqual(
        [0, 10, 20].map((i) => [
          expect.objectContaining({ metadata: { correlationId: `long-${i}` } }),
          'FAILED',
        ]),
      );
      expect(bounded.record.events('VoucherIssued')).toEqual([]);
      expect(bounded.record.flow('long-10').executions[0].transitions.length).toBeGreaterThan(0);
    });

    it('keeps an order that waits until it ends', async () => {
      bounded.startExecution('orders', {
        metadata: { correlationId: 'long-wait' },
        data: { orderId: 'long-wait', customerId: 'c', restaurantId: 'sushi-zen', items: PIZZA },
      });
      await bounded.settle();
      expect(bounded.record.executions('orders').map((e) => e.status)).toEqual(['RUNNING']);
      expect(bounded.record.events('RestaurantNotified', 'long-wait')).toHaveLength(1);

      await bounded.advance(Duration.minutes(11));
      expect(bounded.record.executions('orders')).toEqual([]);
      expect(bounded.record.summary().events.byType.OrderTimedOut).toBe(1);
      expect(bounded.record.summary().flows).toEqual({ kept: 0, dropped: 1 });
    });
  });
});

import { Duration } from 'aws-cdk-lib';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { LocalRuntime, RecordedEvent, RecordedExecution } from '../../lib/runtime';
import { testApp } from '../helpers';
import { foreignMetadata } from './foreign-metadata';

/**
 * End to end: the e-commerce fraud example synthesized with its real handler
 * bundles and run by the local runtime, offline, on a virtual clock.
 */

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

let assemblyDir: string;
let runtime: LocalRuntime;

beforeAll(() => {
  const app = testApp({ bundle: true });
  new EcommerceFraudStack(app, 'EcommerceFraud');
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

interface OrderOptions {
  readonly email?: string;
  readonly card?: string;
  readonly items?: { sku: string; quantity: number; unitPrice: number }[];
}

/** Start the Orders workflow for an order whose orderId is its correlation id. */
function placeOrder(correlationId: string, options: OrderOptions = {}): RecordedExecution {
  return runtime.startExecution('orders', {
    metadata: { correlationId },
    data: {
      orderId: correlationId,
      customerId: `customer-of-${correlationId}`,
      email: options.email ?? 'ada@example.com',
      card: options.card ?? 'tok_visa',
      items: options.items ?? [{ sku: 'BOOK-42', quantity: 2, unitPrice: 24.5 }],
    },
  });
}

/** `context detail-type` of the flow's events, in publication order. */
function eventsOf(correlationId: string): string[] {
  return runtime.record
    .events(undefined, correlationId)
    .filter((e) => !['WorkflowStarted', 'WorkflowSucceeded'].includes(e.detailType))
    .map((e) => `${e.source.split('.')[1]} ${e.detailType}`);
}

function only(detailType: string, correlationId: string): RecordedEvent {
  const events = runtime.record.events(detailType, correlationId);
  expect(events).toHaveLength(1);
  return events[0];
}

/** The one execution of a context in the flow. */
function executionOf(context: string, correlationId: string): RecordedExecution {
  const executions = runtime.record
    .flow(correlationId)
    .executions.filter((e) => e.contextName === context);
  expect(executions).toHaveLength(1);
  return executions[0];
}

function statusesOf(correlationId: string): Record<string, string> {
  return Object.fromEntries(
    runtime.record
      .flow(correlationId)
      .executions.map((e) => [e.contextName, e.error ? `${e.status} ${e.error}` : e.status]),
  );
}

/** Positions found (not -1) and in ascending order. */
function expectInOrder(list: string[], expected: string[]): void {
  const positions = expected.map((item) => list.indexOf(item));
  expect(positions).not.toContain(-1);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

function invocationsOf(task: string) {
  return runtime.record.invocations.filter((i) => i.task === task);
}

describe('e-commerce with fraud detection, end to end', () => {
  it('ships and completes a normal order: every context succeeds', async () => {
    const orders = placeOrder('happy-1');
    await runtime.settle();

    expect(orders.status).toBe('SUCCEEDED');
    const flow = eventsOf('happy-1');
    expect([...flow].sort()).toEqual(
      [
        'orders OrderPlaced',
        'inventory StockReserved',
        'payments PaymentCharged',
        'fraud-detection NoFraudDetected',
        'payments PaymentCaptured',
        'inventory StockCommitted',
        'delivery ShipmentPrepared',
        'delivery OrderShipped',
        'orders OrderCompleted',
      ].sort(),
    );
    // What causes what: the order of the events across contexts.
    expectInOrder(flow, [
      'orders OrderPlaced',
      'inventory StockReserved',
      'payments PaymentCharged',
      'payments PaymentCaptured',
      'delivery ShipmentPrepared',
      'delivery OrderShipped',
      'orders OrderCompleted',
    ]);
    expectInOrder(flow, ['fraud-detection NoFraudDetected', 'payments PaymentCaptured']);
    expectInOrder(flow, ['payments PaymentCaptured', 'inventory StockCommitted']);
    expect(statusesOf('happy-1')).toEqual({
      orders: 'SUCCEEDED',
      'fraud-detection': 'SUCCEEDED',
      inventory: 'SUCCEEDED',
      payments: 'SUCCEEDED',
      delivery: 'SUCCEEDED',
    });
    expect(only('PaymentCaptured', 'happy-1').detail.data).toMatchObject({
      chargeId: 'chg-happy-1',
      amount: 49,
    });
    expect(only('OrderCompleted', 'happy-1').detail.data).toMatchObject({
      status: 'COMPLETED',
      total: 49,
      trackingNumber: 'TRK-HAPPY-1',
    });
    expect(runtime.record.deadLetters).toEqual([]);
  });

  /** Every execution of the flow succeeded, and no lifecycle event of a failure was published. */
  function expectBusinessOutcome(correlationId: string): void {
    expect(
      runtime.record.flow(correlationId).executions.filter((e) => e.status !== 'SUCCEEDED'),
    ).toEqual([]);
    expect(runtime.record.events('TaskFailed', correlationId)).toEqual([]);
    expect(runtime.record.events('WorkflowFailed', correlationId)).toEqual([]);
  }

  describe.each([
    ['a total of 1000 or more', { items: [{ sku: 'TV-85', quantity: 1, unitPrice: 1000 }] }],
    ['an email at fraud.example', { email: 'mallory@fraud.example' }],
  ])('possible fraud (%s)', (_, order) => {
    it('refunds the charge, declines the payment, releases the stock and cancels the order: every execution succeeds', async () => {
      const orders = placeOrder('fraud-1', order);
      await runtime.settle();
      expect(orders.status).toBe('SUCCEEDED');

      expect(only('PossibleFraud', 'fraud-1').detail.data.suspicious).toBe(true);
      const flow = eventsOf('fraud-1');
      // Compensations in reverse order of the steps (refund, then release), then the cancellation.
      expectInOrder(flow, [
        'inventory StockReserved',
        'payments PaymentCharged',
        'payments PaymentRefunded',
        'payments PaymentDeclined',
        'inventory StockReleased',
        'inventory ReservationFailed',
        'orders OrderCancelled',
      ]);
      expectInOrder(flow, ['fraud-detection PossibleFraud', 'payments PaymentRefunded']);
      const charged = only('PaymentCharged', 'fraud-1').detail.data;
      expect(only('PaymentRefunded', 'fraud-1').detail.data).toEqual({
        orderId: 'fraud-1',
        chargeId: charged.chargeId,
        refunded: charged.amount,
      });
      expect(only('PaymentDeclined', 'fraud-1').detail.data).toMatchObject({
        orderId: 'fraud-1',
        Error: 'PossibleFraud',
        Cause: 'fraud detection flagged the order',
      });
      expect(only('OrderCancelled', 'fraud-1').detail.data).toMatchObject({
        status: 'CANCELLED',
        reason: 'fraud detection flagged the order',
      });
      for (const never of [
        'PaymentCaptured',
        'PaymentFailed',
        'StockCommitted',
        'OrderShipped',
        'OrderCompleted',
      ])
        expect(runtime.record.events(never, 'fraud-1')).toEqual([]);

      expect(statusesOf('fraud-1')).toEqual({
        orders: 'SUCCEEDED',
        'fraud-detection': 'SUCCEEDED',
        inventory: 'SUCCEEDED',
        payments: 'SUCCEEDED',
      });
      expectBusinessOutcome('fraud-1');
      const payments = executionOf('payments', 'fraud-1');
      const entered = payments.transitions.filter((t) => t.event === 'entered').map((t) => t.state);
      expectInOrder(entered, [
        'FraudSuspected',
        'Compensate ChargePayment (FraudSuspected)',
        'Fraud refunded',
      ]);
      // The emit that ends the workflow also publishes WorkflowSucceeded, after PaymentDeclined.
      expect(entered.at(-1)).toBe('Fraud refunded');
      expect(
        runtime.record
          .events(undefined, 'fraud-1')
          .filter((e) => e.source === 'shop.payments')
          .map((e) => e.detailType)
          .slice(-2),
      ).toEqual(['PaymentDeclined', 'WorkflowSucceeded']);
      expect(entered).not.toContain('Failed');
      expect(invocationsOf('Compensate ReserveStock')).toHaveLength(1);
      expect(runtime.record.deadLetters).toEqual([]);
    });
  });

  it('declines a card without a refund, releases the stock and cancels the order: every execution succeeds', async () => {
    const orders = placeOrder('declined-1', { card: 'declined' });
    await runtime.settle();

    expect(orders.status).toBe('SUCCEEDED');
    expectInOrder(eventsOf('declined-1'), [
      'inventory StockReserved',
      'payments PaymentDeclined',
      'inventory StockReleased',
      'inventory ReservationFailed',
      'orders OrderCancelled',
    ]);
    expect(only('PaymentDeclined', 'declined-1').detail.data).toMatchObject({
      orderId: 'declined-1',
      Error: 'PaymentDeclined',
    });
    for (const never of ['PaymentCharged', 'PaymentRefunded', 'PaymentCaptured', 'OrderShipped'])
      expect(runtime.record.events(never, 'declined-1')).toEqual([]);
    expect(invocationsOf('ChargePayment')).toHaveLength(1);
    expect(invocationsOf('Compensate ChargePayment')).toEqual([]);
    expect(only('OrderCancelled', 'declined-1').detail.data.reason).toBe(
      'card declined for order declined-1',
    );
    expect(statusesOf('declined-1')).toEqual({
      orders: 'SUCCEEDED',
      'fraud-detection': 'SUCCEEDED',
      inventory: 'SUCCEEDED',
      payments: 'SUCCEEDED',
    });
    expectBusinessOutcome('declined-1');
  });

  it('fails the payment on an outage after its retries: compensation, TaskFailed and WorkflowFailed', async () => {
    // A plain Error (not PaymentDeclined) after the charge: the capture cannot be published.
    runtime.injectFault('ChargePayment', { error: 'Error', message: 'bank unreachable' });
    const orders = placeOrder('outage-1');
    await runtime.settle();

    const payments = executionOf('payments', 'outage-1');
    expect(payments).toMatchObject({ status: 'FAILED', error: 'Error' });
    expectInOrder(eventsOf('outage-1'), [
      'inventory StockReserved',
      'payments TaskFailed',
      'payments PaymentFailed',
      'payments WorkflowFailed',
      'inventory StockReleased',
      'inventory ReservationFailed',
      'orders OrderCancelled',
    ]);
    expect(only('TaskFailed', 'outage-1').detail.data).toMatchObject({ error: 'Error' });
    expect(runtime.record.events('PaymentDeclined', 'outage-1')).toEqual([]);
    expect(orders.status).toBe('SUCCEEDED');
  });

  it('refunds and fails the payment when no fraud verdict comes within 15 minutes', async () => {
    runtime.injectFault('AssessRisk', { error: 'RiskEngineDown', message: 'risk engine down' });
    placeOrder('no-verdict-1');
    await runtime.settle();

    const payments = executionOf('payments', 'no-verdict-1');
    expect(payments.status).toBe('RUNNING');
    expect(payments.transitions.at(-1)).toMatchObject({
      state: 'AwaitFraudCheck',
      event: 'entered',
    });
    expect(executionOf('fraud-detection', 'no-verdict-1')).toMatchObject({
      status: 'FAILED',
      error: 'RiskEngineDown',
    });
    expect(runtime.record.events('PossibleFraud', 'no-verdict-1')).toEqual([]);
    expect(runtime.record.events('NoFraudDetected', 'no-verdict-1')).toEqual([]);

    await runtime.advance(Duration.minutes(14));
    expect(payments.status).toBe('RUNNING');
    expect(runtime.record.events('FraudCheckTimedOut', 'no-verdict-1')).toEqual([]);

    await runtime.advance(Duration.minutes(2));
    expect(payments).toMatchObject({ status: 'FAILED', error: 'AwaitTimedOut' });
    expectInOrder(eventsOf('no-verdict-1'), [
      'payments PaymentCharged',
      'payments FraudCheckTimedOut',
      'payments PaymentRefunded',
      'payments PaymentFailed',
      'inventory StockReleased',
      'inventory ReservationFailed',
      'orders OrderCancelled',
    ]);
    expect(only('FraudCheckTimedOut', 'no-verdict-1').time).toBe(
      new Date(START + 15 * 60_000).toISOString(),
    );
    // Payments' outage is Inventory's business outcome: it releases the stock and succeeds.
    expect(executionOf('inventory', 'no-verdict-1').status).toBe('SUCCEEDED');
    expect(only('OrderCancelled', 'no-verdict-1').detail.data.reason).toMatch(/in time/);
    expect(runtime.record.executions('delivery')).toEqual([]);
  });

  it('flags a customer registered at fraud.example, and resumes no await with it', async () => {
    // A payment waiting for its fraud verdict (the first assessment fails) must stay untouched.
    runtime.injectFault('AssessRisk', { error: 'RiskEngineDown', times: 1 });
    placeOrder('waiting-1');
    await runtime.settle();
    const payments = executionOf('payments', 'waiting-1');
    expect(payments.status).toBe('RUNNING');
    const resumerCalls = runtime.record.invocations.filter((i) =>
      i.functionId.includes('Resumer'),
    ).length;

    const customers = runtime.startExecution('customers', {
      metadata: { correlationId: 'signup-1' },
      data: {
        customerId: 'customer-of-waiting-1',
        email: 'Mallory@Fraud.Example',
        name: 'Mallory',
      },
    });
    await runtime.settle();

    expect(customers.status).toBe('SUCCEEDED');
    expect(eventsOf('signup-1')).toEqual([
      'customers CustomerRegistered',
      'fraud-detection PossibleFraud',
    ]);
    const flagged = only('PossibleFraud', 'signup-1');
    expect(flagged.detail.data).toMatchObject({
      customerId: 'customer-of-waiting-1',
      email: 'mallory@fraud.example',
      suspicious: true,
      reasons: ['customer registered with email domain fraud.example'],
    });
    expect(flagged.detail.data).not.toHaveProperty('orderId');
    // No await rule matches an event without an orderId: no resumer is even invoked.
    expect(flagged.matchedRules.filter((r) => /Await/.test(r))).toEqual([]);
    expect(runtime.record.invocations.filter((i) => i.functionId.includes('Resumer'))).toHaveLength(
      resumerCalls,
    );
    expect(payments.status).toBe('RUNNING');
    expect(runtime.record.executions('payments')).toHaveLength(1);
    expect(runtime.record.deadLetters).toEqual([]);

    // The waiting payment ends by its own timeout, not by the customer's PossibleFraud.
    await runtime.advance(Duration.minutes(16));
    expect(payments).toMatchObject({ status: 'FAILED', error: 'AwaitTimedOut' });
  });

  it('retries ChargePayment through transient throttling and still completes', async () => {
    runtime.injectFault('ChargePayment', { error: 'Lambda.TooManyRequestsException', times: 3 });
    const orders = placeOrder('throttled-1');
    await runtime.settle();
    // Three retries on the virtual clock: at most 1 s, 2 s and 4 s (full jitter).
    expect(orders.status).toBe('RUNNING');
    await runtime.advance(Duration.seconds(7));

    expect(orders.status).toBe('SUCCEEDED');
    expect(invocationsOf('ChargePayment').map((i) => i.error?.name)).toEqual([
      'Lambda.TooManyRequestsException',
      'Lambda.TooManyRequestsException',
      'Lambda.TooManyRequestsException',
      undefined,
    ]);
    const payments = executionOf('payments', 'throttled-1');
    expect(
      payments.transitions.filter((t) => t.state === 'ChargePayment' && t.event === 'retried'),
    ).toHaveLength(3);
    expect(runtime.record.events('PaymentCharged', 'throttled-1')).toHaveLength(1);
    expect(runtime.record.events('PaymentRefunded', 'throttled-1')).toEqual([]);
    expect(runtime.record.events('OrderCompleted', 'throttled-1')).toHaveLength(1);
  });

  it('rejects an invalid order with OrderRejected, and an outage of PlaceOrder with WorkflowFailed only', async () => {
    const invalid = placeOrder('invalid-1', { email: 'not an email' });
    await runtime.settle();
    runtime.injectFault('PlaceOrder', { error: 'Error', message: 'database down', times: 1 });
    const broken = placeOrder('broken-1');
    await runtime.settle();

    expect(invalid).toMatchObject({ status: 'FAILED', error: 'InvalidOrder' });
    expect(eventsOf('invalid-1')).toEqual([
      'orders TaskFailed',
      'orders OrderRejected',
      'orders WorkflowFailed',
    ]);
    expect(only('OrderRejected', 'invalid-1').detail.data).toMatchObject({
      Error: 'InvalidOrder',
      email: 'not an email',
    });
    expect(broken).toMatchObject({ status: 'FAILED', error: 'Error' });
    expect(eventsOf('broken-1')).toEqual(['orders TaskFailed', 'orders WorkflowFailed']);
  });

  it('cancels an order at once when its stock is sold out: Inventory publishes ReservationFailed and succeeds', async () => {
    const orders = placeOrder('sold-out-1', {
      items: [{ sku: 'SOLD-OUT', quantity: 1, unitPrice: 5 }],
    });
    await runtime.settle();

    expect(executionOf('inventory', 'sold-out-1').status).toBe('SUCCEEDED');
    expect(runtime.record.executions('payments')).toEqual([]);
    expectInOrder(eventsOf('sold-out-1'), ['inventory ReservationFailed', 'orders OrderCancelled']);
    expect(only('ReservationFailed', 'sold-out-1').detail.data).toMatchObject({
      Error: 'OutOfStock',
    });
    expect(orders.status).toBe('SUCCEEDED');
    expectBusinessOutcome('sold-out-1');
    expect(only('OrderCancelled', 'sold-out-1').detail.data.reason).toMatch(/SOLD-OUT|stock/i);
    expect(runtime.record.events('OrderStalled', 'sold-out-1')).toEqual([]);
  });
});

import { Duration } from 'aws-cdk-lib';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { LocalRuntime } from '../../lib/runtime';
import { testApp } from '../helpers';

/**
 * A typo in a test must not make it test nothing: names the app does not
 * know are refused (or, for events put on the bus, recorded as a warning)
 * with the names it does know. Run on the food-delivery example.
 */

const TASKS =
  'CancelOrder, CompleteOrder, IssueVoucher, NotifyRestaurant, NotifyUser, PlaceOrder, ReviewOrder';

let assemblyDir: string;
let runtime: LocalRuntime;

beforeAll(() => {
  const app = testApp({ bundle: true });
  new FoodDeliveryStack(app, 'FoodDelivery');
  assemblyDir = app.synth().directory;
});

beforeEach(() => {
  runtime = LocalRuntime.fromAssembly(assemblyDir);
});

afterEach(() => runtime?.dispose());

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const order = (correlationId: string) => ({
  metadata: { correlationId },
  data: {
    orderId: correlationId,
    customerId: 'c',
    restaurantId: 'luigis-pizza',
    items: [{ name: 'margherita', quantity: 1, unitPrice: 9 }],
  },
});

describe('injectFault', () => {
  it('fails when no handler has that name, naming the closest task and every task', () => {
    const error = errorOf(() =>
      runtime.injectFault('PlaceOrdr', { error: 'Lambda.ServiceException' }),
    );

    expect(error.name).toBe('LocalRuntime.UnknownName');
    expect(error.message).toBe(
      `injectFault('PlaceOrdr'): no handler of the app has that name. Did you mean 'PlaceOrder'? ` +
        `Tasks: ${TASKS} (a function's logical id or construct path works too).`,
    );
  });

  it('fails through runtime.faults too, without a guess when nothing is close', () => {
    const error = errorOf(() => runtime.faults.inject('TakePayment', { error: 'X' }));

    expect(error.message).toBe(
      `injectFault('TakePayment'): no handler of the app has that name. ` +
        `Tasks: ${TASKS} (a function's logical id or construct path works too).`,
    );
  });

  it('accepts a task name and a function logical id', async () => {
    const placeOrder = runtime.app.functions.find(
      (f) => f.environment.ENSEMBLE_TASK === 'PlaceOrder',
    )!;
    runtime.injectFault('CompleteOrder', { error: 'Lambda.ServiceException', times: 1 });
    runtime.injectFault(placeOrder.logicalId, { error: 'Lambda.ServiceException', times: 1 });

    runtime.startExecution('orders', order('fault-1'));
    // Each retry waits up to 1 s (full jitter) on the virtual clock.
    await runtime.advance(Duration.seconds(2));

    const failed = runtime.record.invocations.filter((i) => i.error);
    // Both are retried (Lambda.ServiceException), so the order still completes.
    expect(failed.map((i) => i.task)).toEqual(['PlaceOrder', 'CompleteOrder']);
  });
});

describe('record.events', () => {
  it('fails for an event no context declares, naming the closest and every event', () => {
    const error = errorOf(() => runtime.record.events('OrderPlacd'));

    expect(error.name).toBe('LocalRuntime.UnknownName');
    expect(error.message).toMatch(
      /^record\.events\('OrderPlacd'\): no context of the app declares that event and no event of that type was recorded\. Did you mean 'OrderPlaced'\? Events: /,
    );
    for (const name of ['OrderAccepted', 'OrderCancelled', 'VoucherIssued', 'WorkflowStarted'])
      expect(error.message).toContain(name);
  });

  it('returns nothing, without an error, for a declared event not yet published', () => {
    expect(runtime.record.events('OrderCancelled')).toEqual([]);
    expect(runtime.record.events('OrderCancelled', 'nobody')).toEqual([]);
  });

  it('knows an event of a source outside the app once it was put on the bus', async () => {
    expect(() => runtime.record.events('PartnerPinged')).toThrow(/PartnerPinged/);
    runtime.putEvents([{ Source: 'partner.app', DetailType: 'PartnerPinged', Detail: '{}' }]);
    await runtime.settle();

    expect(runtime.record.events('PartnerPinged')).toHaveLength(1);
    expect(runtime.record.warnings).toEqual([]);
  });
});

describe('putEvents with a source of the app', () => {
  it('records a warning for a detail-type its context does not declare, and still puts it', async () => {
    runtime.putEvents([
      {
        Source: 'food.restaurants',
        DetailType: 'OrderAcceptd',
        Detail: JSON.stringify({ metadata: { correlationId: 'w-1' }, data: { orderId: 'w-1' } }),
      },
    ]);
    await runtime.settle();

    expect(runtime.record.warnings.map((w) => w.message)).toEqual([
      `PutEvents by test: food.restaurants does not declare 'OrderAcceptd'. Did you mean 'OrderAccepted'? ` +
        'It declares OrderAccepted, OrderRejected, RestaurantNotified, TaskFailed, WorkflowFailed, WorkflowStarted, WorkflowSucceeded.',
    ]);
    expect(runtime.record.events('OrderAcceptd')).toHaveLength(1);
    expect(runtime.record.timeline()).toContain(
      "⚠ PutEvents by test: food.restaurants does not declare 'OrderAcceptd'",
    );
  });

  it('records no warning for a declared event', async () => {
    runtime.putEvents([
      {
        Source: 'food.restaurants',
        DetailType: 'OrderAccepted',
        // The data OrderAccepted's schema asks for: a breach would fail the run.
        Detail: JSON.stringify({
          metadata: { correlationId: 'w-2' },
          data: { orderId: 'w-2', etaMinutes: 20 },
        }),
      },
    ]);
    await runtime.settle();

    expect(runtime.record.warnings).toEqual([]);
  });
});

describe('startExecution', () => {
  it.each(['Orders', 'orders', 'FoodDelivery/Orders', 'FoodDelivery/orders'])(
    'starts the Orders workflow by %j',
    async (name) => {
      const execution = runtime.startExecution(name, order(`start-${name}`));
      await runtime.settle();

      expect(execution.contextName).toBe('orders');
      expect(execution.status).toBe('SUCCEEDED');
    },
  );

  it('fails for an unknown name, naming the closest context', () => {
    const error = errorOf(() => runtime.startExecution('Ordrs', order('x')));

    expect(error.name).toBe('StateMachineDoesNotExist');
    expect(error.message).toMatch(
      /^no state machine 'Ordrs' in the app \(name it <stack>\/<context>/,
    );
    expect(error.message).toContain('FoodDelivery/notifications');
    expect(error.message).toMatch(/Did you mean 'orders'\?$/);
  });
});

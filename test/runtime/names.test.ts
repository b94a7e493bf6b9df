import { LocalAppSpec } from '../../lib/runtime/assembly';
import { appNames, didYouMean, editDistance } from '../../lib/runtime/names';

describe('editDistance', () => {
  it.each([
    ['PlaceOrder', 'PlaceOrder', 0],
    ['PlaceOrdr', 'PlaceOrder', 1],
    ['TakePaymnet', 'TakePayment', 1], // a swap counts as one edit
    ['BookLnet', 'BookLent', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%j to %j is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('didYouMean', () => {
  const names = ['PlaceOrder', 'CancelOrder', 'OrderPlaced', 'Pay'];

  it.each([
    ['PlaceOrdr', 'PlaceOrder'],
    ['placeorder', 'PlaceOrder'], // case is ignored
    ['CancleOrder', 'CancelOrder'],
    ['OrderPlacd', 'OrderPlaced'],
    ['Pya', 'Pay'],
    ['TakePayment', undefined],
    ['Order', undefined],
  ])('%j → %j', (name, guess) => {
    expect(didYouMean(name, names)).toBe(guess);
  });
});

describe('appNames', () => {
  const fn = (logicalId: string, environment: Record<string, string>, constructPath?: string) => ({
    logicalId,
    stackName: 'Shop',
    arn: `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`,
    name: logicalId,
    codeDir: '/nowhere',
    handler: 'index.handler',
    environment,
    timeoutSeconds: 3,
    memorySize: 128,
    architecture: 'x86_64',
    constructPath,
  });
  const app: LocalAppSpec = {
    tables: [],
    eventBuses: ['Bus'],
    functions: [
      fn(
        'PaymentsTakePaymentHandler1',
        { ENSEMBLE_TASK: 'TakePayment', ENSEMBLE_EVENT_SOURCE: 'shop.payments' },
        'Shop/Payments/TakePaymentHandler/Resource',
      ),
      fn('PaymentsRefundHandler2', {
        ENSEMBLE_TASK: 'Compensate TakePayment',
        ENSEMBLE_EVENT_SOURCE: 'shop.payments',
        ENSEMBLE_EMITS: 'PaymentRefunded',
      }),
      fn('AuditHandler3', {}),
    ],
    stateMachines: [
      {
        logicalId: 'PaymentsWorkflow',
        stackName: 'Shop',
        arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:PaymentsWorkflow',
        name: 'PaymentsWorkflow',
        type: 'STANDARD',
        contextName: 'payments',
        definition: {
          States: {
            'Publish PaymentTaken': {
              Type: 'Task',
              Parameters: {
                Entries: [{ Source: 'shop.payments', DetailType: 'PaymentTaken', 'Detail.$': '$' }],
              },
            },
          },
        },
      },
    ],
    rules: [
      {
        logicalId: 'PaymentsOnOrderPlaced',
        stackName: 'Shop',
        eventBusName: 'Bus',
        targets: [],
        eventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] },
      },
      {
        logicalId: 'PaymentsAwaitsBank',
        stackName: 'Shop',
        eventBusName: 'Bus',
        targets: [],
        eventPattern: {
          source: ['shop.payments'],
          'detail-type': ['PaymentConfirmed', { prefix: 'Payment' }],
        },
      },
    ],
  };

  it('lists the tasks and every name a fault can target', () => {
    const names = appNames(app);

    expect(names.tasks).toEqual(['Compensate TakePayment', 'TakePayment']);
    expect([...names.faultTargets].sort()).toEqual([
      'AuditHandler3',
      'Compensate TakePayment',
      'PaymentsRefundHandler2',
      'PaymentsTakePaymentHandler1',
      'Shop/Payments/TakePaymentHandler',
      'Shop/Payments/TakePaymentHandler/Resource',
      'TakePayment',
    ]);
  });

  it("declares for each of the app's sources what it publishes, the lifecycle events and what rules match", () => {
    const names = appNames(app);

    expect([...names.declared.keys()]).toEqual(['shop.payments']);
    expect([...names.declared.get('shop.payments')!].sort()).toEqual([
      'PaymentConfirmed',
      'PaymentRefunded',
      'PaymentTaken',
      'TaskFailed',
      'WorkflowFailed',
      'WorkflowStarted',
      'WorkflowSucceeded',
    ]);
    // shop.orders is no source of this app, but its OrderPlaced is a known event name.
    expect(names.events.has('OrderPlaced')).toBe(true);
    expect(names.events.has('Payment')).toBe(false);
  });
});

import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { BoundedContext, DomainEventBus, HandlerBundler } from '../../lib';
import { LocalRuntime, RecordedExecution } from '../../lib/runtime';
import { fixtureHandler, testApp } from '../helpers';
import { foreignMetadata } from './foreign-metadata';

/**
 * End to end through the local runtime: a bounded context whose workflow
 * holds states a user wrote with aws-cdk-lib's JSONata factories (a Pass with
 * Output and Assign, a Choice with a Condition, a lambda:invoke task with
 * Arguments), chained after one of the library's own tasks and followed by
 * its publish states.
 *
 * Each `.jsonata()` factory sets QueryLanguage on its state, so the states
 * run as JSONata whatever the state machine's top-level language: with a
 * JSONPath top level (the default) a state may set QueryLanguage to JSONata;
 * with a JSONata top level every state is JSONata and may not set JSONPath.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */

type CheckoutEvent = 'OrderReceived' | 'FreightQuoted' | 'StandardShippingChosen';

/** The states of the workflow the test writes itself, by state name. */
const USER_STATES = [
  'ReceiveOrder',
  'Size order',
  'Large order?',
  'Quote freight',
  'Standard shipping',
];

let runtime: LocalRuntime;
/** Logical id of the function the JSONata task invokes: how the record names it. */
let freightQuoteId: string;

beforeAll(() => {
  const app = testApp({ bundle: true });
  const stack = new Stack(app, 'Shop');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'shop' });
  const checkout = new BoundedContext<CheckoutEvent>(stack, 'Checkout', {
    bus,
    events: ['OrderReceived', 'FreightQuoted', 'StandardShippingChosen'],
  });
  const freightQuote = new lambda.Function(checkout, 'FreightQuote', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: HandlerBundler.of(checkout).addHandler(
      'freight-quote',
      fixtureHandler('freight-quote.ts'),
    ),
  });
  freightQuoteId = stack.resolve(
    stack.getLogicalId(freightQuote.node.defaultChild as lambda.CfnFunction),
  ) as string;

  // Assign is evaluated on the state's input; the variables it sets are seen
  // by the states that follow as $orderTotal and $weightKg.
  // @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
  const sizeOrder = sfn.Pass.jsonata(checkout, 'SizeOrder', {
    stateName: 'Size order',
    assign: {
      orderTotal: '{% $states.input.data.total %}',
      weightKg: '{% $sum($states.input.data.items.weightKg) %}',
    },
    outputs: {
      metadata: '{% $states.input.metadata %}',
      data: '{% $merge([$states.input.data, {"itemCount": $count($states.input.data.items)}]) %}',
    },
  });
  // The lambda:invoke result is Lambda's Invoke response; the handler's return value is its Payload field, parsed as JSON.
  // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
  const quoteFreight = tasks.LambdaInvoke.jsonata(checkout, 'QuoteFreight', {
    stateName: 'Quote freight',
    lambdaFunction: freightQuote,
    payload: sfn.TaskInput.fromObject({
      orderId: '{% $states.input.data.orderId %}',
      weightKg: '{% $weightKg %}',
      declaredValue: '{% $orderTotal %}',
      itemCount: '{% $states.input.data.itemCount %}',
      express: true,
    }),
    outputs: {
      metadata: '{% $states.input.metadata %}',
      data: '{% $merge([$states.input.data, {"freight": $states.result.Payload}]) %}',
    },
  });
  const standardShipping = sfn.Pass.jsonata(checkout, 'StandardShipping', {
    stateName: 'Standard shipping',
    outputs: {
      metadata: '{% $states.input.metadata %}',
      data: '{% $merge([$states.input.data, {"shipping": {"method": "standard", "fee": $orderTotal < 50 ? 4.99 : 0}}]) %}',
    },
  });
  // @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
  const route = sfn.Choice.jsonata(checkout, 'Route', { stateName: 'Large order?' })
    .when(
      sfn.Condition.jsonata('{% $states.input.data.total > 100 %}'),
      quoteFreight.next(checkout.emit('FreightQuoted')),
    )
    .otherwise(standardShipping.next(checkout.emit('StandardShippingChosen')));

  checkout.workflow(
    checkout
      .task('ReceiveOrder', { entry: fixtureHandler(), emits: 'OrderReceived' })
      .next(sizeOrder)
      .next(route),
  );
  runtime = LocalRuntime.fromApp(app);
});

afterAll(() => runtime?.dispose());

afterEach(() => {
  expect(foreignMetadata(runtime.record.events())).toEqual([]);
});

interface Item {
  readonly sku: string;
  readonly weightKg: number;
}

async function checkOut(orderId: string, total: number, items: Item[]): Promise<RecordedExecution> {
  const execution = runtime.startExecution('checkout', {
    metadata: { correlationId: orderId },
    data: { orderId, total, items },
  });
  await runtime.settle();
  return execution;
}

/** The states of the test's own that the execution entered, in order. */
function userStatesEntered(execution: RecordedExecution): string[] {
  return execution.transitions
    .filter((t) => t.event === 'entered' && USER_STATES.includes(t.state))
    .map((t) => t.state);
}

/** What the freight quote handler received, for one order. */
function freightRequests(orderId: string): unknown[] {
  return runtime.record.invocations
    .filter((i) => i.functionId === freightQuoteId)
    .map((i) => i.input)
    .filter((input) => (input as { orderId?: unknown } | undefined)?.orderId === orderId);
}

function detailTypes(orderId: string): string[] {
  return runtime.record.events(undefined, orderId).map((e) => e.detailType);
}

function eventData(detailType: string, orderId: string): unknown[] {
  return runtime.record.events(detailType, orderId).map((e) => e.detail.data);
}

describe('JSONata states written with aws-cdk-lib, in a bounded context', () => {
  it('a large order takes the Condition branch: the task gets the computed Arguments and its Payload goes on', async () => {
    const items = [
      { sku: 'desk', weightKg: 4 },
      { sku: 'lamp', weightKg: 1.5 },
    ];
    const execution = await checkOut('o-large', 180, items);

    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    expect(userStatesEntered(execution)).toEqual([
      'ReceiveOrder',
      'Size order',
      'Large order?',
      'Quote freight',
    ]);
    expect(
      execution.transitions.filter((t) => t.event !== 'entered' && t.event !== 'exited'),
    ).toEqual([]);
    // Arguments: JSONata on the state input, and the variables Size order assigned.
    expect(freightRequests('o-large')).toEqual([
      { orderId: 'o-large', weightKg: 5.5, declaredValue: 180, itemCount: 2, express: true },
    ]);
    const data = {
      orderId: 'o-large',
      total: 180,
      items,
      itemCount: 2,
      freight: { carrier: 'FastFreight', quotedFor: 'o-large', price: 21, insured: true },
    };
    expect(detailTypes('o-large')).toEqual([
      'WorkflowStarted',
      'OrderReceived',
      'FreightQuoted',
      'WorkflowSucceeded',
    ]);
    expect(eventData('FreightQuoted', 'o-large')).toEqual([data]);
    expect(eventData('WorkflowSucceeded', 'o-large')).toEqual([data]);
    expect(execution.output).toEqual({
      metadata: expect.objectContaining({ correlationId: 'o-large' }),
      data,
    });
  });

  it('a small order takes the Default branch, where a variable set two states before prices the shipping', async () => {
    const items = [{ sku: 'pen', weightKg: 0.1 }];
    const execution = await checkOut('o-small', 40, items);

    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    expect(userStatesEntered(execution)).toEqual([
      'ReceiveOrder',
      'Size order',
      'Large order?',
      'Standard shipping',
    ]);
    expect(freightRequests('o-small')).toEqual([]);
    const data = {
      orderId: 'o-small',
      total: 40,
      items,
      itemCount: 1,
      shipping: { method: 'standard', fee: 4.99 },
    };
    expect(detailTypes('o-small')).toEqual([
      'WorkflowStarted',
      'OrderReceived',
      'StandardShippingChosen',
      'WorkflowSucceeded',
    ]);
    expect(eventData('StandardShippingChosen', 'o-small')).toEqual([data]);
    expect(execution.output).toEqual({
      metadata: expect.objectContaining({ correlationId: 'o-small' }),
      data,
    });
  });

  it('a total of exactly 100 is not > 100: Default branch, free shipping', async () => {
    const items = [{ sku: 'chair', weightKg: 7 }];
    const execution = await checkOut('o-hundred', 100, items);

    expect(execution.status).toBe('SUCCEEDED');
    expect(userStatesEntered(execution)).toEqual([
      'ReceiveOrder',
      'Size order',
      'Large order?',
      'Standard shipping',
    ]);
    expect(freightRequests('o-hundred')).toEqual([]);
    expect(eventData('StandardShippingChosen', 'o-hundred')).toEqual([
      {
        orderId: 'o-hundred',
        total: 100,
        items,
        itemCount: 1,
        shipping: { method: 'standard', fee: 0 },
      },
    ]);
  });

  it('a JSONata task that fails publishes TaskFailed with the error and WorkflowFailed, its envelope kept', async () => {
    runtime.injectFault(freightQuoteId, { error: 'NoCarrier', message: 'no carrier', times: 1 });
    const items = [{ sku: 'piano', weightKg: 300 }];
    const execution = await checkOut('o-no-carrier', 900, items);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('NoCarrier');
    expect(detailTypes('o-no-carrier')).toEqual([
      'WorkflowStarted',
      'OrderReceived',
      'TaskFailed',
      'WorkflowFailed',
    ]);
    // The catch-all of a JSONata state merges the error output into its input (it has no
    // ResultPath), so the failure events carry the envelope and the error.
    const [failed] = runtime.record.events('TaskFailed', 'o-no-carrier');
    expect(failed.detail.metadata.correlationId).toBe('o-no-carrier');
    expect(failed.detail.data).toEqual({
      input: expect.objectContaining({ orderId: 'o-no-carrier', total: 900 }),
      error: 'NoCarrier',
      cause: 'no carrier',
    });
  });
});

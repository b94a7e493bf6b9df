import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext, DomainEventBus } from '../../lib';
import { LocalRuntime } from '../../lib/runtime';
import { fixtureHandler, testApp } from '../helpers';

/**
 * Lambda gives a handler its event as JSON and takes its result as JSON: a
 * handler that changes its event object changes nothing of the execution.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
describe.each([
  ['JSONata', sfn.QueryLanguage.JSONATA],
  ['JSONPath', sfn.QueryLanguage.JSON_PATH],
])('a handler that changes its event (%s layout)', (_name, queryLanguage) => {
  let runtime: LocalRuntime;

  beforeAll(() => {
    const app = testApp({ bundle: true });
    const stack = new Stack(app, 'Shop');
    const bus = new DomainEventBus(stack, 'Bus', { appName: 'shop' });
    const orders = new BoundedContext(stack, 'Orders', {
      bus,
      events: ['OrderPlaced'],
      queryLanguage,
    });
    orders.workflow(
      orders.task('PlaceOrder', { entry: fixtureHandler('mutates.ts'), emits: 'OrderPlaced' }),
    );
    runtime = LocalRuntime.fromApp(app);
  });

  afterAll(() => runtime.dispose());

  it('changes neither the execution nor the record of its invocation', async () => {
    const execution = runtime.startExecution('orders', {
      metadata: { correlationId: 'o-1' },
      data: { orderId: 'o-1' },
    });
    await runtime.settle();
    expect(execution.status).toBe('SUCCEEDED');
    const events = runtime.record.events(undefined, 'o-1');
    expect(events.map((e) => e.detailType)).toEqual([
      'WorkflowStarted',
      'OrderPlaced',
      'WorkflowSucceeded',
    ]);
    for (const event of events) expect(event.detail.metadata.correlationId).toBe('o-1');
    expect(runtime.record.events('OrderPlaced', 'o-1')[0].detail.data).toEqual({ answered: true });
    const [invocation] = runtime.record.invocations;
    expect(invocation.input).toMatchObject({
      metadata: { correlationId: 'o-1' },
      data: { orderId: 'o-1' },
    });
    expect((invocation.input as { data: object }).data).not.toHaveProperty('leaked');
  });
});

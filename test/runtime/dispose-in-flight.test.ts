import { Stack } from 'aws-cdk-lib';
import { BoundedContext, DomainEventBus } from '../../lib';
import { LocalRuntime } from '../../lib/runtime';
import { fixtureHandler, testApp } from '../helpers';

/** Disposing a runtime whose executions are about to run a task leaves no rejection unhandled. */
it('dispose right after a start aborts the execution, and nothing is left unhandled', async () => {
  const app = testApp({ bundle: true });
  const stack = new Stack(app, 'Shop');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'shop' });
  const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
  orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
  const runtime = LocalRuntime.fromApp(app);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const execution = runtime.startExecution('orders', {
      metadata: { correlationId: 'd-1' },
      data: { orderId: 'd-1' },
    });
    runtime.dispose();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(execution.status).toBe('ABORTED');
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

import { App } from 'aws-cdk-lib';
import { LocalRuntime } from 'cdk-ensemble';
import { buildShop } from '../lib/app';

async function orderPizza(runtime: LocalRuntime) {
  try {
    runtime.startExecution('orders', {
      metadata: { correlationId: 'o-1' },
      data: { orderId: 'o-1', items: [{ name: 'pizza', quantity: 2 }] },
    });
    await runtime.settle();
    return {
      executions: runtime.record.allExecutions.map((e) => `${e.contextName} ${e.status}`).sort(),
      cooked: runtime.record.events('MealCooked').map((e) => e.detail['data']),
      completed: runtime.record.events('OrderCompleted').map((e) => e.detail['data']),
    };
  } finally {
    runtime.dispose();
  }
}

const cookedPizza = {
  executions: ['kitchen SUCCEEDED', 'orders SUCCEEDED'],
  cooked: [{ orderId: 'o-1', cooked: 2, cookedFor: 'OrderPlaced' }],
  completed: [{ orderId: 'o-1', meals: 2, status: 'completed' }],
};

// The order waits for the kitchen's event: the await's resumer, bundled from the package, runs too.
describe('an order through the local runtime', () => {
  it('flows from orders to the kitchen, from the app', async () => {
    process.env['CDK_VALIDATION'] = 'false';
    const app = new App();
    buildShop(app);
    expect(await orderPizza(LocalRuntime.fromApp(app))).toEqual(cookedPizza);
  });

  it('flows from orders to the kitchen, from the assembly `cdk synth` wrote', async () => {
    expect(await orderPizza(LocalRuntime.fromAssembly('cdk.out'))).toEqual(cookedPizza);
  });
});

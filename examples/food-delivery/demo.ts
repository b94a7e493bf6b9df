// Run: npm run demo   (synthesizes this example and runs three orders through it, offline)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { LocalRuntime, synthesizeForLocalRun } from '../../lib';
import { FoodDeliveryStack } from './food-delivery-stack';

const out = path.join(__dirname, '..', '..', '.demo');

const ORDERS = [
  {
    label: 'accepted: Luigi’s pizza takes it',
    orderId: 'order-accepted',
    restaurantId: 'luigis-pizza',
    items: [{ name: 'margherita', quantity: 2, unitPrice: 9.5 }],
    expect: 'OrderCompleted',
  },
  {
    label: 'rejected: the diner is closed',
    orderId: 'order-rejected',
    restaurantId: 'closed-diner',
    items: [{ name: 'burger', quantity: 1, unitPrice: 12 }],
    expect: 'OrderCancelled',
  },
  {
    label: 'timed out: the sushi bar never answers',
    orderId: 'order-timed-out',
    restaurantId: 'sushi-zen',
    items: [{ name: 'maki', quantity: 3, unitPrice: 6 }],
    expect: 'OrderTimedOut',
  },
];

async function main(): Promise<void> {
  const started = Date.now();
  const assembly = synthesizeForLocalRun(
    path.join(out, 'cdk.out'),
    (app) => new FoodDeliveryStack(app, 'FoodDelivery'),
  );
  const runtime = LocalRuntime.fromAssembly(assembly);
  try {
    for (const order of ORDERS) {
      runtime.startExecution('orders', {
        metadata: { correlationId: order.orderId },
        data: {
          orderId: order.orderId,
          customerId: 'customer-1',
          restaurantId: order.restaurantId,
          items: order.items,
        },
      });
    }
    await runtime.settle();
    console.log('The restaurants have answered (or not). Ten minutes pass...');
    await runtime.advance(Duration.minutes(11));

    let failures = 0;
    for (const order of ORDERS) {
      const outcome = runtime.record.events(order.expect, order.orderId).length > 0;
      if (!outcome) failures++;
      console.log(
        `\n━━ ${order.label} ━━ ${outcome ? `ended with ${order.expect}` : `MISSING ${order.expect}`}`,
      );
      console.log(runtime.record.timeline(order.orderId));
    }
    const diagram = path.join(out, 'food-delivery.mmd');
    fs.writeFileSync(diagram, runtime.record.toMermaid('order-accepted'));
    const dead = runtime.record.deadLetters.length;
    console.log(
      `\n${runtime.record.allExecutions.length} executions, ${runtime.record.allEvents.length} events, ` +
        `${runtime.record.invocations.length} handler invocations, ${dead} dead letters, ${Date.now() - started} ms.`,
    );
    console.log(`Sequence diagram of the accepted order: ${path.relative(process.cwd(), diagram)}`);
    if (failures > 0 || dead > 0) process.exitCode = 1;
  } finally {
    runtime.dispose();
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});

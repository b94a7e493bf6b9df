import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { LocalRuntime, synthesizeForLocalRun } from '../../lib';

/** The same accepted order, with events published by the workflows or by the handlers. */
async function acceptedOrder(publishFrom: 'workflow' | 'handler') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `publish-from-${publishFrom}-`));
  const assembly = synthesizeForLocalRun(
    dir,
    (app) => new FoodDeliveryStack(app, 'FoodDelivery', { publishFrom }),
  );
  const runtime = LocalRuntime.fromAssembly(assembly);
  try {
    runtime.startExecution('orders', {
      metadata: { correlationId: 'o-1' },
      data: {
        orderId: 'o-1',
        customerId: 'c-1',
        restaurantId: 'luigis-pizza',
        items: [{ name: 'margherita', quantity: 1, unitPrice: 9 }],
      },
    });
    await runtime.settle();
    const record = runtime.record;
    return {
      statuses: record.allExecutions.map((e) => `${e.contextName} ${e.status}`).sort(),
      events: record
        .events(undefined, 'o-1')
        .map((e) => `${e.source} ${e.detailType}`)
        .sort(),
      metadataKeys: Object.keys(record.events('OrderPlaced')[0].detail.metadata).sort(),
      transitions: record.allExecutions.reduce(
        (n, e) => n + e.transitions.filter((t) => t.event === 'entered').length,
        0,
      ),
    };
  } finally {
    runtime.dispose();
  }
}

describe('publishFrom: handler, end to end', () => {
  let workflow: Awaited<ReturnType<typeof acceptedOrder>>;
  let handler: Awaited<ReturnType<typeof acceptedOrder>>;
  beforeAll(async () => {
    workflow = await acceptedOrder('workflow');
    handler = await acceptedOrder('handler');
  });

  it('publishes the same events, each once, with the same envelope', () => {
    expect(handler.events).toEqual(workflow.events);
    expect(handler.metadataKeys).toEqual(workflow.metadataKeys);
    expect(handler.statuses).toEqual(workflow.statuses);
    expect(handler.statuses.every((s) => s.endsWith('SUCCEEDED'))).toBe(true);
  });

  it('saves one state transition per task that emits an event (5 in this flow)', () => {
    expect(workflow.transitions - handler.transitions).toBe(5);
  });
});

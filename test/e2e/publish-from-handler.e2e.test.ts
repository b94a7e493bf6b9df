import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { LocalRuntime, synthesizeForLocalRun } from '../../lib';

/** The same accepted order, with events published by the workflows or by the handlers. */
async function acceptedOrder(
  publishFrom: 'workflow' | 'handler',
  queryLanguage: sfn.QueryLanguage = sfn.QueryLanguage.JSONATA,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `publish-from-${publishFrom}-`));
  const assembly = synthesizeForLocalRun(
    dir,
    (app) => new FoodDeliveryStack(app, 'FoodDelivery', { publishFrom, queryLanguage }),
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

  it('saves one state transition per task that emits an event in the JSONPath layout (5 in this flow)', async () => {
    const jsonPath = sfn.QueryLanguage.JSON_PATH;
    const fromWorkflow = await acceptedOrder('workflow', jsonPath);
    const fromHandlers = await acceptedOrder('handler', jsonPath);
    expect(fromHandlers.events).toEqual(workflow.events);
    expect(fromWorkflow.transitions - fromHandlers.transitions).toBe(5);
  });

  it('saves nothing in the JSONata layout, where the workflow publishes the lifecycle events with the tasks events', () => {
    expect(workflow.transitions).toBe(15);
    expect(handler.transitions).toBeGreaterThanOrEqual(workflow.transitions);
  });
});

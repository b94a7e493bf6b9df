import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { z } from 'zod';
import { BoundedContext, DomainEventBus, LocalRuntime, synthesizeForLocalRun } from '../../lib';

const echo = path.join(__dirname, '..', 'fixtures', 'handlers', 'echo.ts');

/** Orders places an order with the echo handler (it returns its data); Kitchen reacts to it. */
function contractApp(publishFrom: 'workflow' | 'handler', options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `contracts-${publishFrom}-`));
  const assembly = synthesizeForLocalRun(dir, (app) => {
    const stack = new Stack(app, 'Shop');
    const bus = new DomainEventBus(stack, 'Bus', { appName: 'shop' });
    const orders = new BoundedContext(stack, 'Orders', {
      bus,
      publishFrom,
      events: { OrderPlaced: z.object({ orderId: z.string(), total: z.number() }) },
    });
    orders.workflow(orders.task('PlaceOrder', { entry: echo, emits: 'OrderPlaced' }));
    const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: ['MealCooked'] });
    kitchen.on(orders.event('OrderPlaced'));
    kitchen.workflow(kitchen.task('Cook', { entry: echo, emits: 'MealCooked' }));
  });
  return LocalRuntime.fromAssembly(assembly, options);
}

describe.each(['workflow', 'handler'] as const)('contracts, publishFrom: %s', (publishFrom) => {
  let runtime: LocalRuntime;
  beforeAll(() => (runtime = contractApp(publishFrom)));
  afterAll(() => runtime.dispose());

  it('fails a task whose data breaks its event schema with ContractViolation, and publishes nothing', async () => {
    const execution = runtime.startExecution('orders', {
      metadata: { correlationId: 'bad-1' },
      data: { orderId: 'o-1', total: 'ten euros' },
    });
    await runtime.settle();
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('ContractViolation');
    expect(execution.cause).toMatch(/total expected number, received string/);
    expect(runtime.record.events('OrderPlaced', 'bad-1')).toHaveLength(0);
    expect(runtime.record.events('TaskFailed', 'bad-1')[0].detail.data.error).toBe(
      'ContractViolation',
    );
    expect(runtime.record.allExecutions.filter((e) => e.contextName === 'kitchen')).toHaveLength(0);
  });

  it('publishes data that keeps the schema, extra fields included', async () => {
    const execution = runtime.startExecution('orders', {
      metadata: { correlationId: 'good-1' },
      data: { orderId: 'o-2', total: 12.5, note: 'no onions' },
    });
    await runtime.settle();
    expect(execution.status).toBe('SUCCEEDED');
    expect(runtime.record.events('OrderPlaced', 'good-1')).toHaveLength(1);
  });
});

describe('the local runtime checks every event put on the bus', () => {
  const badEvent = {
    Source: 'shop.orders',
    DetailType: 'OrderPlaced',
    Detail: JSON.stringify({ metadata: { eventId: 'e-1', correlationId: 'c-1' }, data: {} }),
  };

  it('fails the run when an event breaks its schema', async () => {
    const runtime = contractApp('workflow');
    try {
      runtime.putEvents([badEvent]);
      await expect(runtime.settle()).rejects.toThrow(
        /ContractViolation|shop\.orders OrderPlaced breaks its contract: data\.orderId is required; data\.total is required/,
      );
    } finally {
      runtime.dispose();
    }
  });

  it("only warns with contracts: 'warn'", async () => {
    const runtime = contractApp('workflow', { contracts: 'warn' });
    try {
      runtime.putEvents([badEvent]);
      await runtime.settle();
      expect(runtime.record.warnings.map((w) => w.message).join('\n')).toMatch(
        /shop\.orders OrderPlaced breaks its contract: data\.orderId is required/,
      );
    } finally {
      runtime.dispose();
    }
  });
});

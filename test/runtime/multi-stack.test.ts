import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Fn, Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AssemblyError,
  BoundedContext,
  DomainEventBus,
  IDomainEventBus,
  LocalRuntime,
  loadAssembly,
} from '../../lib';
import { fixtureHandler, testApp } from '../helpers';

/** A context stack: `Orders` publishes `OrderPlaced`, `Kitchen` cooks it. */
function contextStacks(scope: Construct, bus: (stack: Stack) => IDomainEventBus): void {
  const ordersStack = new Stack(scope, 'Orders');
  const orders = new BoundedContext(ordersStack, 'Orders', {
    bus: bus(ordersStack),
    events: ['OrderPlaced'],
  });
  orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
  const kitchenStack = new Stack(scope, 'Kitchen');
  const kitchen = new BoundedContext(kitchenStack, 'Kitchen', {
    bus: bus(kitchenStack),
    events: ['MealCooked'],
    // The handler publishes, so its environment reads the bus from another stack too.
    publishFrom: 'handler',
  });
  kitchen.on(orders.event('OrderPlaced'));
  kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));
}

/** A bus stack and a stack per context, the contexts given the bus across stacks. */
function splitApp(scope: Construct): void {
  const busStack = new Stack(scope, 'Bus');
  const bus = new DomainEventBus(busStack, 'Bus', { appName: 'test' });
  contextStacks(scope, () => bus);
}

async function placeOrder(runtime: LocalRuntime) {
  try {
    runtime.startExecution('orders', { metadata: { correlationId: 'o-1' }, data: { id: 'o-1' } });
    await runtime.settle();
    return {
      statuses: runtime.record.allExecutions.map((e) => `${e.contextName} ${e.status}`).sort(),
      events: runtime.record.events(undefined, 'o-1').map((e) => `${e.source} ${e.detailType}`),
    };
  } finally {
    runtime.dispose();
  }
}

const flowed = {
  statuses: ['kitchen SUCCEEDED', 'orders SUCCEEDED'],
  events: expect.arrayContaining(['test.orders OrderPlaced', 'test.kitchen MealCooked']),
};

describe('local runtime on an app of several stacks', () => {
  it('runs a flow across a bus stack and a stack per context (Fn::GetStackOutput)', async () => {
    // The repository's feature flags make weak references between stacks.
    const app = testApp({ bundle: true });
    splitApp(app);
    expect(await placeOrder(LocalRuntime.fromApp(app))).toEqual(flowed);
  });

  it('runs the stacks of a Stage (a nested cloud assembly)', async () => {
    const app = testApp({ bundle: true });
    splitApp(new Stage(app, 'Prod'));
    expect(await placeOrder(LocalRuntime.fromApp(app))).toEqual(flowed);
  });

  it('runs a Stage loaded from its cloud assembly directory (Fn::ImportValue)', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'multi-stack-'));
    // No feature flags: CDK's default references between stacks are exports.
    const app = new App({ outdir });
    splitApp(new Stage(app, 'Prod'));
    app.synth();
    const template = fs.readFileSync(
      path.join(outdir, 'assembly-Prod', 'ProdOrders525171E2.template.json'),
      'utf8',
    );
    expect(template).toContain('Fn::ImportValue');
    expect(await placeOrder(LocalRuntime.fromAssembly(outdir))).toEqual(flowed);
  });

  it('fails when two stages hold the same stacks, and runs one stage on its own', async () => {
    const app = testApp({ bundle: true });
    splitApp(new Stage(app, 'Dev'));
    const prod = new Stage(app, 'Prod');
    splitApp(prod);
    expect(() => LocalRuntime.fromApp(app)).toThrow(
      /stacks 'Dev-\w+' and 'Prod-\w+' both define resource '\w+'.*LocalRuntime.fromApp\(stage\)/,
    );
    expect(await placeOrder(LocalRuntime.fromApp(prod))).toEqual(flowed);
  });

  it("resolves a bus imported by ARN to the app's own bus of that name", async () => {
    const app = testApp({ bundle: true });
    // Orders publishes on the bus of its own stack; Kitchen, in another stack,
    // knows the bus only by its ARN.
    const busStack = new Stack(app, 'Orders');
    const bus = new DomainEventBus(busStack, 'Bus', { appName: 'test', eventBusName: 'test-bus' });
    const orders = new BoundedContext(busStack, 'Orders', { bus, events: ['OrderPlaced'] });
    orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
    const kitchenStack = new Stack(app, 'Kitchen');
    const kitchen = new BoundedContext(kitchenStack, 'Kitchen', {
      bus: DomainEventBus.fromEventBusArn(
        kitchenStack,
        'SharedBus',
        'arn:aws:events:us-east-1:123456789012:event-bus/test-bus',
        'test',
      ),
      events: ['MealCooked'],
    });
    kitchen.on(orders.event('OrderPlaced'));
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));
    expect(await placeOrder(LocalRuntime.fromApp(app))).toEqual(flowed);
  });

  it('tells a task handler which event started its execution, and nothing on a direct start', async () => {
    const app = testApp({ bundle: true });
    const stack = new Stack(app, 'Test');
    const bus = new DomainEventBus(stack, 'Bus', { appName: 'test' });
    const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
    const handler = fixtureHandler('trigger.ts');
    orders.workflow(orders.task('PlaceOrder', { entry: handler, emits: 'OrderPlaced' }));
    const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: ['MealCooked'] });
    kitchen.on(orders.event('OrderPlaced'));
    kitchen.workflow(kitchen.task('Cook', { entry: handler, emits: 'MealCooked' }));
    const runtime = LocalRuntime.fromApp(app);
    try {
      runtime.startExecution('orders', { metadata: { correlationId: 'o-1' }, data: {} });
      await runtime.settle();
      const [placed] = runtime.record.events('OrderPlaced');
      const [cooked] = runtime.record.events('MealCooked');
      expect(placed.detail.data).toEqual({ trigger: 'direct' });
      expect(cooked.detail.data).toEqual({
        trigger: {
          source: 'test.orders',
          detailType: 'OrderPlaced',
          eventId: placed.detail.metadata.eventId,
        },
      });
    } finally {
      runtime.dispose();
    }
  });

  it('fails when a stack imports an export that no stack of the assembly defines', () => {
    const app = testApp({ bundle: true });
    contextStacks(app, (stack) =>
      DomainEventBus.fromEventBusArn(stack, 'SharedBus', Fn.importValue('Shared:BusArn'), 'test'),
    );
    const assembly = app.synth().directory;
    let error: unknown;
    try {
      loadAssembly(assembly);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AssemblyError);
    const message = (error as Error).message;
    expect(message).toMatch(/stack 'Orders'/);
    expect(message).toMatch(/resource 'Orders\w+'/);
    expect(message).toMatch(/property '[\w.]+'/);
    expect(message).toMatch(/export 'Shared:BusArn'/);
    expect(message).toMatch(/Fix: synthesize the stack that exports it in the same app/);
  });
});

describe('loading an assembly', () => {
  it('fails naming the file when the manifest is not JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-assembly-'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{ "version": ');
    expect(() => LocalRuntime.fromAssembly(dir)).toThrow(
      `${path.join(dir, 'manifest.json')} is not valid JSON (`,
    );
  });
});

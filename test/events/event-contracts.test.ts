import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { BoundedContext, DomainEventBus } from '../../lib';
import { fixtureHandler, testApp, testStack } from '../helpers';

const OrderPlaced = z.object({
  orderId: z.string(),
  total: z.number(),
  customer: z.object({ id: z.string(), tier: z.enum(['GOLD', 'SILVER']) }),
});
const MealCooked = z.object({ orderId: z.string(), minutes: z.number().int() });

function shop(options: { schemaRegistry?: boolean } = {}) {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'test', ...options });
  const orders = new BoundedContext(stack, 'Orders', {
    bus,
    events: { OrderPlaced, OrderExpired: z.object({ orderId: z.string() }) },
  });
  const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: { MealCooked } });
  return { app, stack, bus, orders, kitchen };
}

describe('events declared with schemas', () => {
  const cook = (kitchen: BoundedContext<'MealCooked'>) =>
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));
  const place = (orders: BoundedContext<'OrderPlaced' | 'OrderExpired'>) =>
    orders.workflow(orders.task('Place', { entry: fixtureHandler(), emits: 'OrderPlaced' }));

  it('gives one registry per app and one JSON Schema Draft 4 schema per declared event', () => {
    const { stack, orders, kitchen } = shop();
    place(orders);
    cook(kitchen);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    template.resourceCountIs('AWS::EventSchemas::Schema', 3);
    const schemas = template.findResources('AWS::EventSchemas::Schema');
    const placed = Object.values(schemas).find(
      (r) => r.Properties.SchemaName === 'test.orders@OrderPlaced',
    )!;
    expect(placed.Properties.Type).toBe('JSONSchemaDraft4');
    expect(placed.Properties.RegistryName).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^BusSchemaRegistry/), 'RegistryName'],
    });
    const content = JSON.parse(placed.Properties.Content);
    expect(content.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(content.properties.source).toEqual({ type: 'string', enum: ['test.orders'] });
    expect(content.properties['detail-type']).toEqual({ type: 'string', enum: ['OrderPlaced'] });
    expect(content.properties.detail.properties.data).toMatchObject({
      type: 'object',
      required: ['orderId', 'total', 'customer'],
      properties: { customer: { properties: { tier: { enum: ['GOLD', 'SILVER'] } } } },
    });
  });

  it('has no registry with schemaRegistry: false', () => {
    const { stack, orders, kitchen } = shop({ schemaRegistry: false });
    place(orders);
    cook(kitchen);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EventSchemas::Registry', 0);
    template.resourceCountIs('AWS::EventSchemas::Schema', 0);
  });

  it('keeps the names-only form: a schema with undescribed data', () => {
    const { stack, bus } = testStack();
    const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
    orders.workflow(orders.task('Place', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
    const [schema] = Object.values(
      Template.fromStack(stack).findResources('AWS::EventSchemas::Schema'),
    );
    expect(JSON.parse(schema.Properties.Content).properties.detail.properties.data).toEqual({});
  });

  it("hands the emitted event's schema to the task's handler", () => {
    const { stack, orders, kitchen } = shop();
    place(orders);
    cook(kitchen);
    const [fn] = Object.values(
      Template.fromStack(stack).findResources('AWS::Lambda::Function', {
        Properties: { Description: 'test.orders Place' },
      }),
    );
    const contract = JSON.parse(fn.Properties.Environment.Variables.ENSEMBLE_CONTRACT);
    expect(contract.event).toBe('OrderPlaced');
    expect(contract.schema.required).toEqual(['orderId', 'total', 'customer']);
  });

  it('writes the contract on the state machine, for tools that read cdk.out', () => {
    const { stack, orders, kitchen } = shop();
    orders.workflow(orders.task('Place', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
    kitchen.on(orders.event('OrderPlaced'), { filter: { total: [{ numeric: ['>', 10] }] } });
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));
    const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
    const contracts = Object.values(machines).map((m) => m.Metadata['cdk-ensemble:contract']);
    expect(contracts.find((c) => c.contextName === 'kitchen')).toMatchObject({
      source: 'test.kitchen',
      events: [{ name: 'MealCooked', dataSchema: { type: 'object' } }],
      publishes: expect.arrayContaining(['MealCooked', 'WorkflowStarted']),
      subscribes: [
        {
          source: 'test.orders',
          event: 'OrderPlaced',
          filter: { total: [{ numeric: ['>', 10] }] },
        },
      ],
    });
  });

  it('fails when a schema cannot be written as JSON Schema', () => {
    const { stack, bus } = testStack();
    expect(
      () =>
        new BoundedContext(stack, 'Orders', {
          bus,
          events: { OrderPlaced: z.object({ at: z.date() }) },
        }),
    ).toThrow(
      /\[Test\/Orders\] invalid events\.OrderPlaced: 'Date cannot be represented in JSON Schema'\. An event travels as JSON: .*z\.iso\.datetime\(\) rather than z\.date\(\)/,
    );
  });
});

describe('filters checked against the schema', () => {
  it('fails when a filter names a field the event schema lacks', () => {
    const { orders, kitchen } = shop();
    expect(() =>
      kitchen.on(orders.event('OrderPlaced'), { filter: { totl: [{ numeric: ['>', 10] }] } }),
    ).toThrow(
      /\[Test\/Kitchen\] invalid filter: \{"totl":\[\{"numeric":\[">",10\]\}\]\}\. field 'totl' is not in the event's schema \(its fields there: orderId, total, customer\), so the filter would never match\. Filter on the fields of OrderPlaced as orders declares them/,
    );
  });

  it('fails when a numeric operator filters a string field', () => {
    const { orders, kitchen } = shop();
    expect(() =>
      kitchen.on(orders.event('OrderPlaced'), { filter: { orderId: [{ numeric: ['>', 10] }] } }),
    ).toThrow(
      /invalid filter: .*field 'orderId' is string in the event's schema, but \{"numeric":\[">",10\]\} compares it as number, so it would never match/,
    );
  });

  it('fails when a nested field is missing or a value has the wrong type', () => {
    const { orders, kitchen } = shop();
    expect(() =>
      kitchen.on(orders.event('OrderPlaced'), {
        filter: { customer: { level: ['GOLD'] }, total: ['100'] },
      }),
    ).toThrow(
      /field 'customer\.level' is not in the event's schema \(its fields there: id, tier\).*; field 'total' is number in the event's schema, but "100" compares it as string/,
    );
  });

  it('accepts filters that fit the schema, and any filter on an event without one', () => {
    const { orders, kitchen, stack, bus } = shop();
    kitchen.on(orders.event('OrderPlaced'), {
      filter: {
        total: [{ numeric: ['>=', 10] }],
        customer: { tier: ['GOLD', { prefix: 'SIL' }] },
        orderId: [{ exists: true }],
      },
    });
    const legacy = new BoundedContext(stack, 'Legacy', { bus, events: ['Anything'] });
    kitchen.on(legacy.event('Anything'), { filter: { whatever: [{ numeric: ['>', 1] }] } });
    expect(kitchen.subscriptions).toHaveLength(2);
  });
});

describe('correlateBy checked against the schemas', () => {
  it('fails when an awaited event lacks the correlation field', () => {
    const { orders, kitchen } = shop();
    expect(() =>
      orders.await('AwaitMeal', {
        events: [kitchen.event('MealCooked')],
        correlateBy: 'order.id',
        timeout: Duration.minutes(5),
        onTimeout: 'OrderExpired',
      }),
    ).toThrow(
      /\[Test\/Orders\/AwaitMeal\] invalid correlateBy: 'order\.id'\. MealCooked \(declared by kitchen\) has no field 'order\.id' in its schema \(its fields: orderId, minutes\), so it could never be matched to the waiting execution\. Correlate by a field every awaited event has, or add it to MealCooked's schema/,
    );
  });

  it("fails when the awaiting workflow's data lacks the correlation field", () => {
    const { app, stack, bus, kitchen } = shop();
    const waiter = new BoundedContext(stack, 'Waiter', {
      bus,
      events: { TableServed: z.object({ table: z.number() }), ServeExpired: z.object({}) },
    });
    const MealReady = z.object({ orderId: z.string(), table: z.number() });
    const pass = new BoundedContext(stack, 'Pass', { bus, events: { MealReady } });
    pass.workflow(pass.task('Ready', { entry: fixtureHandler(), emits: 'MealReady' }));
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));
    waiter.workflow(
      waiter.task('Serve', { entry: fixtureHandler(), emits: 'TableServed' }).next(
        waiter.await('AwaitReady', {
          events: [pass.event('MealReady')],
          correlateBy: 'orderId',
          timeout: Duration.minutes(5),
          onTimeout: 'ServeExpired',
        }),
      ),
    );
    expect(() => app.synth()).toThrow(
      /\[Test\/Waiter\] invalid correlateBy: 'orderId'\. await AwaitReady correlates by a field that no schema of the waiter workflow's data has .* Add 'orderId' to the schema of the event whose data the workflow carries/,
    );
  });

  it('accepts a correlation field that the awaited events and the workflow data have', () => {
    const { stack, orders, kitchen } = shop();
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));
    orders.workflow(
      orders.task('Place', { entry: fixtureHandler(), emits: 'OrderPlaced' }).next(
        orders.await('AwaitMeal', {
          events: [kitchen.event('MealCooked')],
          correlateBy: 'orderId',
          timeout: Duration.minutes(5),
          onTimeout: 'OrderExpired',
        }),
      ),
    );
    Template.fromStack(stack);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toHaveLength(0);
  });
});

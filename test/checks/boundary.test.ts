import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { BoundedContext, DomainEventBus } from '../../lib';
import { fixtureHandler, testApp, testStack } from '../helpers';

function contexts(extraEvents: string[] = []) {
  const { app, stack, bus } = testStack();
  const orders = new BoundedContext(stack, 'Orders', {
    bus,
    events: ['OrderPlaced', ...extraEvents],
  });
  const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: ['MealCooked'] });
  const cook = kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' });
  kitchen.workflow(cook);
  return { app, stack, orders, kitchen, cook };
}

describe('the rule: orchestrate within a context, choreograph between contexts', () => {
  it("fails synth when a workflow invokes another context's handler", () => {
    const { app, orders, cook } = contexts();
    orders.workflow(
      orders
        .task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' })
        .next(new tasks.LambdaInvoke(orders, 'CookDirectly', { lambdaFunction: cook.handler })),
    );
    expect(() => app.synth()).toThrow(
      /\[Test\/Orders\] workflow state 'CookDirectly' invokes Test\/Kitchen\/CookHandler, which belongs to bounded context 'kitchen'\. Orchestration stops at the context boundary: publish an event from orders and have kitchen react to it with kitchen\.on\(orders\.event\('\.\.\.'\)\)/,
    );
  });

  it("fails synth when a workflow starts another context's state machine", () => {
    const { app, orders, kitchen } = contexts();
    orders.workflow(
      new tasks.StepFunctionsStartExecution(orders, 'StartKitchen', {
        stateMachine: kitchen.stateMachine,
      }),
    );
    expect(() => app.synth()).toThrow(
      /workflow state 'StartKitchen' invokes Test\/Kitchen\/Workflow.*belongs to bounded context 'kitchen'/,
    );
  });

  it('fails synth when the foreign call hides in an error handler', () => {
    const { app, orders, cook } = contexts();
    const place = orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' });
    const rescue = new tasks.LambdaInvoke(orders, 'Rescue', { lambdaFunction: cook.handler });
    const guarded = new sfn.Pass(orders, 'Guarded');
    const parallel = new sfn.Parallel(orders, 'Both').branch(guarded).addCatch(rescue);
    orders.workflow(place.next(parallel));
    expect(() => app.synth()).toThrow(/workflow state 'Rescue' invokes Test\/Kitchen/);
  });

  it('allows a workflow to invoke its own handlers directly', () => {
    const { app, orders } = contexts();
    const place = orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' });
    orders.workflow(
      place.next(new tasks.LambdaInvoke(orders, 'Again', { lambdaFunction: place.handler })),
    );
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synth when a context subscribes to an event no state publishes', () => {
    const { app, orders, kitchen } = contexts(['OrderRefunded']);
    orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
    kitchen.on(orders.event('OrderRefunded'));
    expect(() => app.synth()).toThrow(
      /\[Test\/Kitchen\] kitchen subscribes to test.orders OrderRefunded, but no state of the orders workflow publishes it\. Publish it there \(a task with emits: 'OrderRefunded', or orders.emit\('OrderRefunded'\)\), or remove the subscription/,
    );
  });

  it('fails synth when the publisher has no workflow at all', () => {
    const { app, orders, kitchen } = contexts();
    kitchen.on(orders.event('OrderPlaced'));
    expect(() => app.synth()).toThrow(/no state of the orders workflow publishes it/);
  });

  it('fails synth when a context subscribes but has no workflow to start', () => {
    const { stack, bus } = testStack();
    const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
    orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
    const idle = new BoundedContext(stack, 'Idle', { bus, events: [] });
    idle.on(orders.event('OrderPlaced'));
    expect(() => Template.fromStack(stack)).toThrow(
      /\[Test\/Idle\] idle subscribes to events but has no workflow to start\. Call idle.workflow/,
    );
  });

  it('accepts lifecycle events, which every workflow publishes', () => {
    const { app, orders, kitchen } = contexts();
    orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
    const audit = new BoundedContext(kitchen.node.scope!, 'Audit', {
      bus: orders.bus,
      events: ['Noted'],
    });
    audit.on(orders.event('TaskFailed'));
    audit.on(kitchen.event('WorkflowSucceeded'));
    audit.workflow(audit.task('Note', { entry: fixtureHandler(), emits: 'Noted' }));
    expect(() => app.synth()).not.toThrow();
  });

  it('checks contexts across stacks of one app', () => {
    const app = testApp();
    const busStack = new Stack(app, 'Shared');
    const bus = new DomainEventBus(busStack, 'Bus', { appName: 'multi' });
    const ordersStack = new Stack(app, 'OrdersStack');
    const orders = new BoundedContext(ordersStack, 'Orders', {
      bus,
      events: ['OrderPlaced', 'Never'],
    });
    orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
    const kitchenStack = new Stack(app, 'KitchenStack');
    const kitchen = new BoundedContext(kitchenStack, 'Kitchen', { bus, events: ['MealCooked'] });
    kitchen.on(orders.event('Never'));
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));
    expect(() => app.synth()).toThrow(
      /\[KitchenStack\/Kitchen\] kitchen subscribes to multi.orders Never/,
    );
  });
});

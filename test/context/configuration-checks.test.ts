import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext, DomainEventBus } from '../../lib';
import { isLibraryStateName } from '../../lib/context/private/validate';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { fixtureHandler, testApp, testStack } from '../helpers';

/** These tests pin the JSONPath layout; test/workflow/jsonata-layout.test.ts tests the JSONata one. */
const JSON_PATH = sfn.QueryLanguage.JSON_PATH;

/** Configurations that synthesize but would fail or loop once deployed. */
describe('configuration checks', () => {
  function contexts() {
    const { app, stack, bus } = testStack();
    const orders = new BoundedContext(stack, 'Orders', {
      bus,
      queryLanguage: JSON_PATH,
      events: ['OrderPlaced'],
    });
    const kitchen = new BoundedContext(stack, 'Kitchen', {
      bus,
      queryLanguage: JSON_PATH,
      events: ['MealCooked'],
    });
    return { app, stack, bus, orders, kitchen };
  }
  const place = (orders: BoundedContext<'OrderPlaced'>) =>
    orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
  const cook = (kitchen: BoundedContext<'MealCooked'>) =>
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));

  describe('subscription loops', () => {
    it('fails when a context subscribes to its own event', () => {
      const { orders } = contexts();
      expect(() => orders.on(orders.event('OrderPlaced'))).toThrow(
        /\[Test\/Orders\] invalid event: 'test\.orders OrderPlaced'\. orders would start its own workflow with every OrderPlaced it publishes: an unbounded loop of billed executions\. Continue inside the workflow .* or react from another context/,
      );
    });

    it('fails when a context subscribes to its own lifecycle event', () => {
      const { orders } = contexts();
      expect(() => orders.on(orders.event('WorkflowFailed'))).toThrow(
        /invalid event: 'test\.orders WorkflowFailed'\. orders would start its own workflow/,
      );
    });

    it('warns when subscriptions form a cycle through several contexts with no filter', () => {
      const { stack, orders, kitchen } = contexts();
      kitchen.on(orders.event('OrderPlaced'));
      orders.on(kitchen.event('MealCooked'));
      place(orders);
      cook(kitchen);
      Annotations.fromStack(stack).hasWarning(
        '/Test/Kitchen',
        Match.stringLikeRegexp(
          "Subscriptions form a cycle with no filter: Test/Kitchen \\(kitchen\\) → Test/Orders \\(orders\\) → Test/Kitchen: orders\\.on\\(kitchen\\.event\\('MealCooked'\\)\\), kitchen\\.on\\(orders\\.event\\('OrderPlaced'\\)\\)\\. .*unbounded loop of billed executions.*Give one subscription of the cycle a filter \\(options\\.filter\\)",
        ),
      );
    });

    it('does not warn when one subscription of the cycle has a filter', () => {
      const { stack, orders, kitchen } = contexts();
      kitchen.on(orders.event('OrderPlaced'), { filter: { kind: ['new'] } });
      orders.on(kitchen.event('MealCooked'));
      place(orders);
      cook(kitchen);
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('form a cycle'));
    });
  });

  describe('context names', () => {
    it('fails when two contexts share a contextName on one bus', () => {
      const { app, stack, bus, orders } = contexts();
      place(orders);
      const other = new BoundedContext(stack, 'OrderHistory', {
        bus,
        queryLanguage: JSON_PATH,
        contextName: 'orders',
        events: ['OrderArchived'],
      });
      other.workflow(other.task('Archive', { entry: fixtureHandler(), emits: 'OrderArchived' }));
      expect(() => app.synth()).toThrow(
        /\[Test\/OrderHistory\] invalid contextName: 'orders'\. Test\/Orders already uses it on the same bus \(Test\/Bus\): both publish with source test\.orders, so a subscriber could not tell their events apart\. Give one of them another contextName/,
      );
    });

    it('fails when two stacks put a context of the same name on one shared bus', () => {
      const app = testApp();
      const busStack = new Stack(app, 'Shared');
      const bus = new DomainEventBus(busStack, 'Bus', { appName: 'test' });
      for (const id of ['A', 'B']) {
        const orders = new BoundedContext(new Stack(app, id), 'Orders', {
          bus,
          queryLanguage: JSON_PATH,
          events: ['OrderPlaced'],
        });
        place(orders);
      }
      expect(() => app.synth()).toThrow(
        /\[B\/Orders\] invalid contextName: 'orders'\. A\/Orders already uses it on the same bus \(Shared\/Bus\)/,
      );
    });

    it('accepts the same contextName on two different buses', () => {
      const app = new App();
      for (const id of ['A', 'B']) {
        const stack = new Stack(app, id);
        const bus = new DomainEventBus(stack, 'Bus', { appName: 'test' });
        place(
          new BoundedContext(stack, 'Orders', {
            bus,
            queryLanguage: JSON_PATH,
            events: ['OrderPlaced'],
          }),
        );
      }
      expect(() => app.synth()).not.toThrow();
    });
  });

  describe('task options', () => {
    it.each([
      ['retry.maxAttempts', { maxAttempts: -1 }, '-1', 'Use a whole number from 0 to 99999999'],
      ['retry.maxAttempts', { maxAttempts: 2.5 }, '2.5', 'Use a whole number from 0 to 99999999'],
      [
        'retry.maxAttempts',
        { maxAttempts: 100_000_000 },
        '100000000',
        'Use a whole number from 0 to 99999999',
      ],
      [
        'retry.interval',
        { interval: Duration.millis(500) },
        "'500 millis'",
        'Use a whole number of seconds from 1 to 99999999',
      ],
      ['retry.backoffRate', { backoffRate: 0.5 }, '0.5', 'Use a number of at least 1.0'],
      [
        'retry.maxDelay',
        { maxDelay: Duration.days(400) },
        "'400 days'",
        'Use a whole number of seconds from 1 to 31622400',
      ],
    ])('fails when %s is out of range (%j)', (property, retry, shown, fix) => {
      const { orders } = contexts();
      expect(() =>
        orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced', retry }),
      ).toThrow(`[Test/Orders/PlaceOrder] invalid ${property}: ${shown}. ${fix}`);
    });

    it.each([
      ['entry', { entry: '' }],
      ['compensate.entry', { compensate: { entry: '', emits: 'OrderPlaced' as const } }],
    ])('fails when %s is empty', (property, override) => {
      const { orders } = contexts();
      expect(() =>
        orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced', ...override }),
      ).toThrow(
        `[Test/Orders/PlaceOrder] invalid ${property}: ''. Give the path of the handler's entry file`,
      );
    });
  });

  describe('timeouts', () => {
    it('fails when workflowTimeout is zero', () => {
      const { stack, bus } = testStack();
      expect(
        () =>
          new BoundedContext(stack, 'Orders', {
            bus,
            queryLanguage: JSON_PATH,
            events: [],
            workflowTimeout: Duration.seconds(0),
          }),
      ).toThrow(
        /\[Test\/Orders\] invalid workflowTimeout: '0 seconds'\. An execution would time out at once.*Give at least 1 second/,
      );
    });

    it('fails when workflowTimeout is not longer than an await of the context', () => {
      const { stack, bus } = testStack();
      const kitchen = new BoundedContext(stack, 'Kitchen', {
        bus,
        queryLanguage: JSON_PATH,
        events: ['MealCooked'],
      });
      cook(kitchen);
      const orders = new BoundedContext(stack, 'Orders', {
        bus,
        queryLanguage: JSON_PATH,
        events: ['OrderPlaced', 'OrderExpired'],
        workflowTimeout: Duration.minutes(10),
      });
      const awaiting = orders.await('AwaitMeal', {
        events: [kitchen.event('MealCooked')],
        correlateBy: 'orderId',
        timeout: Duration.minutes(30),
        onTimeout: 'OrderExpired',
      });
      expect(() => orders.workflow(awaiting)).toThrow(
        /\[Test\/Orders\] invalid workflowTimeout: '10 minutes'\. The await AwaitMeal waits up to 30 minutes, so the execution would time out first: its timeout event, the compensations and WorkflowFailed would never be published\. Give workflowTimeout more than the longest await's timeout plus the steps before it, or shorten the await's timeout/,
      );
    });
  });

  describe('contexts without a workflow', () => {
    it('fails when a context declares events but has no workflow', () => {
      const { app, orders, kitchen } = contexts();
      place(orders);
      expect(kitchen.hasWorkflow).toBe(false);
      expect(() => app.synth()).toThrow(
        /\[Test\/Kitchen\] invalid events: \["MealCooked"\]\. kitchen declares events but has no workflow: no state would publish them, and its dead-letter queue would have no alarm\. Call kitchen\.workflow\(\.\.\.\), or remove the events \(or the context\)/,
      );
    });
  });

  describe('state names', () => {
    it.each([
      ['task', 'Failed'],
      ['task', 'Check envelope'],
      ['task', 'Default causationId'],
      ['task', 'InvalidEnvelope'],
      ['task', 'Publish WorkflowStarted'],
      ['task', 'Publish Anything'],
      ['task', 'Compensate PlaceOrder'],
      ['await', 'AwaitMeal timed out'],
      ['await', 'Pick: which event?'],
      ['fail', 'Failed'],
      ['fail', 'Which failure event?'],
      ['emit', 'Publish OrderPlaced'],
    ])('fails when a %s is named %p, like a state the library builds', (kind, name) => {
      const { stack, bus, orders, kitchen } = contexts();
      cook(kitchen);
      const property = {
        task: 'task name',
        await: 'await name',
        fail: 'state name',
        emit: 'stateName',
      }[kind]!;
      const build: Record<string, () => unknown> = {
        task: () => orders.task(name, { entry: fixtureHandler(), emits: 'OrderPlaced' }),
        await: () =>
          new BoundedContext(stack, 'Waiting', {
            bus,
            queryLanguage: JSON_PATH,
            events: ['Expired'],
          }).await(name, {
            events: [kitchen.event('MealCooked')],
            correlateBy: 'orderId',
            timeout: Duration.minutes(1),
            onTimeout: 'Expired',
          }),
        fail: () => orders.fail(name, { error: 'Nope', cause: 'no' }),
        emit: () => orders.emit('OrderPlaced', { stateName: name }),
      };
      expect(build[kind]).toThrow(
        new RegExp(
          `invalid ${property}: '${name.replace(/[?()]/g, '\\$&')}'\\. The library names its own states so: .*Choose another name`,
        ),
      );
    });

    it('reserves the name of every state the library builds', () => {
      const { stack, bus } = testStack();
      const kitchen = new BoundedContext(stack, 'Kitchen', {
        bus,
        queryLanguage: JSON_PATH,
        events: ['MealCooked'],
      });
      cook(kitchen);
      const orders = new BoundedContext(stack, 'Orders', {
        bus,
        queryLanguage: JSON_PATH,
        events: [
          'OrderPlaced',
          'PaymentRefunded',
          'OrderExpired',
          'OrderCancelled',
          'OrderRejected',
          'OrderDeclined',
        ],
      });
      const pay = orders.task('Pay', {
        entry: fixtureHandler(),
        emits: 'OrderPlaced',
        compensate: { entry: fixtureHandler(), emits: 'PaymentRefunded' },
      });
      const meal = kitchen.event('MealCooked');
      const branched = orders.await('AwaitBranch', {
        events: [meal],
        correlateBy: 'orderId',
        timeout: Duration.minutes(5),
        onTimeout: 'OrderExpired',
      });
      const plain = orders.await('AwaitPlain', {
        events: [meal],
        correlateBy: 'orderId',
        timeout: Duration.minutes(5),
        onTimeout: 'OrderExpired',
      });
      const check = new sfn.Choice(orders, 'Good?');
      const userNames = new Set([
        'Pay',
        'AwaitBranch',
        'AwaitPlain',
        'Good?',
        'Refuse',
        'Ship',
        'Undo',
        'Declined',
        'Undone',
      ]);
      branched.when(meal, plain);
      const ship = orders
        .task('Ship', { entry: fixtureHandler() })
        .onError('Declined', orders.emit('OrderDeclined', { stateName: 'Declined' }));
      plain.next(
        check
          .when(sfn.Condition.isPresent('$.data.ok'), ship)
          .when(
            sfn.Condition.isPresent('$.data.undo'),
            orders.compensate('Undo', {
              error: 'Undone',
              cause: 'no',
              then: orders.emit('OrderCancelled', { stateName: 'Undone' }),
            }),
          )
          .otherwise(orders.fail('Refuse', { error: 'Refused', cause: 'no' })),
      );
      orders.workflow(pay.next(branched), {
        failureEvents: { Refused: 'OrderRejected', default: 'OrderCancelled' },
      });
      const machine = resolveStateMachines(Template.fromStack(stack).toJSON()).find((m) =>
        m.logicalId.startsWith('Orders'),
      )!;
      const names = Object.keys((machine.definition as { States: object }).States);
      const library = names.filter((name) => !userNames.has(name));
      expect(library.length).toBeGreaterThan(10);
      expect(library).toEqual(
        expect.arrayContaining(['Which failure event?', 'Compensate Pay (Undo)', 'Compensate Pay']),
      );
      expect(library.filter((name) => !isLibraryStateName(name))).toEqual([]);
    });

    it('still accepts names that only resemble the library states', () => {
      const { orders } = contexts();
      const task = orders.task('Publisher', { entry: fixtureHandler(), emits: 'OrderPlaced' });
      const failed = orders.fail('FailedPayment', { error: 'Nope', cause: 'no' });
      expect(() =>
        orders.workflow(task.next(new sfn.Choice(orders, 'Ok?').otherwise(failed))),
      ).not.toThrow();
    });
  });
});

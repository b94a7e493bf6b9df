import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext } from '../../lib';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { fixtureHandler, testStack } from '../helpers';
import { NO_CALLBACK, runDefinition } from './run-definition';

/**
 * The JSONata layout (the default), run on the project's engine with stub
 * handlers: the same events and envelopes as the JSONPath layout, in the
 * same order, with fewer states.
 */

const definitionOf = (stack: Stack, prefix: string): object =>
  resolveStateMachines(Template.fromStack(stack).toJSON()).find((m) =>
    m.logicalId.startsWith(prefix),
  )!.definition as object;

const valid = { metadata: { correlationId: 'order-1' }, data: { orderId: 'order-1' } };
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:local:run-1';

/** A context with one task: `Notify` emits `Notified`. */
function oneTask() {
  const { stack, bus } = testStack();
  const ctx = new BoundedContext(stack, 'Notifications', { bus, events: ['Notified'] });
  ctx.workflow(ctx.task('Notify', { entry: fixtureHandler(), emits: 'Notified' }));
  return definitionOf(stack, 'Notifications');
}

/** Reserve (compensable) then Pay, with a failure event. */
function saga() {
  const { stack, bus } = testStack();
  const ctx = new BoundedContext(stack, 'Checkout', {
    bus,
    events: ['Reserved', 'Released', 'Paid', 'CheckoutFailed'],
  });
  ctx.workflow(
    ctx
      .task('Reserve', {
        entry: fixtureHandler(),
        emits: 'Reserved',
        compensate: { entry: fixtureHandler(), emits: 'Released' },
      })
      .next(ctx.task('Pay', { entry: fixtureHandler(), emits: 'Paid' })),
    { failureEvent: 'CheckoutFailed' },
  );
  return definitionOf(stack, 'Checkout');
}

const names = (run: { events: { DetailType: string }[] }) => run.events.map((e) => e.DetailType);

describe('the JSONata layout', () => {
  describe('a workflow of one task', () => {
    const definition = oneTask();

    it('is written in JSONata', () => {
      expect(definition).toMatchObject({ QueryLanguage: 'JSONata' });
    });

    it('runs in two states and publishes WorkflowStarted, the event and WorkflowSucceeded', async () => {
      const run = await runDefinition(definition, valid, { Notify: (i) => i.data });
      expect(run.status).toBe('SUCCEEDED');
      expect(run.entered).toEqual(['Notify', 'Publish Notified']);
      expect(names(run)).toEqual(['WorkflowStarted', 'Notified', 'WorkflowSucceeded']);
    });

    it('writes every envelope field, with causationId defaulted to the execution ARN', async () => {
      const run = await runDefinition(definition, valid, { Notify: (i) => ({ ...i.data, n: 1 }) });
      const [started, notified, succeeded] = run.events;
      for (const event of run.events) {
        expect(event.Source).toBe('test.notifications');
        expect(event.Detail.metadata).toEqual({
          eventId: expect.stringMatching(
            /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
          ),
          correlationId: 'order-1',
          causationId: EXECUTION_ARN,
          occurredAt: '2026-01-01T12:00:00.000Z',
          context: 'notifications',
          workflow: expect.any(String),
          executionArn: EXECUTION_ARN,
          state: expect.any(String),
          schemaVersion: '1',
        });
      }
      expect(new Set(run.events.map((e) => e.Detail.metadata.eventId)).size).toBe(3);
      expect([started, notified, succeeded].map((e) => e.Detail.metadata.state)).toEqual([
        'Start',
        'Notify',
        'End',
      ]);
      expect(started.Detail.data).toEqual(valid.data);
      expect(notified.Detail.data).toEqual({ orderId: 'order-1', n: 1 });
      expect(succeeded.Detail.data).toEqual({ orderId: 'order-1', n: 1 });
    });

    it('keeps a given causationId and the other metadata fields, for the handler too', async () => {
      const seen: any[] = [];
      const input = {
        metadata: { correlationId: 'c', causationId: 'evt-1', trigger: { eventId: 'evt-1' } },
        data: {},
      };
      const run = await runDefinition(definition, input, {
        Notify: (i) => (seen.push(i), i.data),
      });
      expect(seen[0]).toEqual({ metadata: input.metadata, data: {}, task: 'Notify' });
      expect(run.events.map((e) => e.Detail.metadata.causationId)).toEqual([
        'evt-1',
        'evt-1',
        'evt-1',
      ]);
    });

    it('gives WorkflowStarted the execution start time, the others the time they were published', async () => {
      let attempts = 0;
      const run = await runDefinition(definition, valid, {
        // A throttled first attempt: the retry comes later on the engine's clock.
        Notify: (i) => {
          if (++attempts === 1)
            throw Object.assign(new Error('slow down'), {
              name: 'Lambda.TooManyRequestsException',
            });
          return i.data;
        },
      });
      const [started, notified] = run.events.map((e) => e.Detail.metadata.occurredAt);
      expect(started).toBe('2026-01-01T12:00:00.000Z');
      expect(Date.parse(notified)).toBeGreaterThan(Date.parse(started));
    });

    it('re-sends the same event ids when the publish is retried', async () => {
      let calls = 0;
      const ids: string[][] = [];
      const run = await runDefinition(
        definition,
        valid,
        { Notify: (i) => i.data },
        {
          putEvents: (entries) => {
            ids.push(entries.map((e) => e.Detail.metadata.eventId));
            if (++calls === 1)
              throw Object.assign(new Error('one entry failed'), {
                name: 'EventBridge.FailedEntry',
              });
            return undefined;
          },
        },
      );
      expect(run.status).toBe('SUCCEEDED');
      expect(ids).toHaveLength(2);
      expect(ids[1]).toEqual(ids[0]);
    });

    it.each<[string, unknown]>([
      ['no metadata', { data: {} }],
      ['no correlationId', { metadata: {}, data: {} }],
      ['an empty correlationId', { metadata: { correlationId: '' }, data: {} }],
      ['a numeric correlationId', { metadata: { correlationId: 7 }, data: {} }],
      ['a correlationId in a list', { metadata: { correlationId: ['a'] }, data: {} }],
      ['a quote in the correlationId', { metadata: { correlationId: 'a"b' }, data: {} }],
      ['a backslash in the correlationId', { metadata: { correlationId: 'a\\b' }, data: {} }],
      ['U+0000 in the correlationId', { metadata: { correlationId: 'a\u0000b' }, data: {} }],
      ['a line break in the correlationId', { metadata: { correlationId: 'a\nb' }, data: {} }],
      ['U+001F in the correlationId', { metadata: { correlationId: 'a\u001fb' }, data: {} }],
      [
        'a correlationId of 257 characters',
        { metadata: { correlationId: 'x'.repeat(257) }, data: {} },
      ],
      ['a null causationId', { metadata: { correlationId: 'a', causationId: null }, data: {} }],
      [
        'a quote in the causationId',
        { metadata: { correlationId: 'a', causationId: '"' }, data: {} },
      ],
      ['no data', { metadata: { correlationId: 'a' } }],
      ['data that is a list', { metadata: { correlationId: 'a' }, data: [{}] }],
      ['data that is a string', { metadata: { correlationId: 'a' }, data: 'x' }],
      ['data that is null', { metadata: { correlationId: 'a' }, data: null }],
      ['an envelope inside a list', [valid]],
      ['a string', 'order-1'],
    ])('fails with InvalidEnvelope before any side effect on %s', async (_what, input) => {
      let invoked = 0;
      const run = await runDefinition(definition, input, { Notify: () => ++invoked });
      expect(run).toMatchObject({ status: 'FAILED', error: 'InvalidEnvelope' });
      expect(invoked).toBe(0);
      expect(run.events).toEqual([]);
      expect(run.entered).toEqual(['Notify', 'InvalidEnvelope']);
    });

    it('accepts an id of 256 characters and one with spaces and non-ASCII letters', async () => {
      for (const correlationId of ['x'.repeat(256), 'commande n° 1']) {
        const run = await runDefinition(
          definition,
          { metadata: { correlationId }, data: {} },
          { Notify: (i) => i.data },
        );
        expect(run.status).toBe('SUCCEEDED');
      }
    });

    it('publishes WorkflowStarted with TaskFailed when the first task fails', async () => {
      const run = await runDefinition(definition, valid, {
        Notify: () => {
          throw Object.assign(new Error('down'), { name: 'MailerDown' });
        },
      });
      expect(run).toMatchObject({ status: 'FAILED', error: 'MailerDown', cause: 'down' });
      expect(names(run)).toEqual(['WorkflowStarted', 'TaskFailed', 'WorkflowFailed']);
      expect(run.events.every((e) => e.Detail.metadata.causationId === EXECUTION_ARN)).toBe(true);
      expect(run.events[1].Detail.data).toEqual({
        input: valid.data,
        error: 'MailerDown',
        cause: 'down',
      });
    });
  });

  describe('a saga', () => {
    const definition = saga();

    it('runs Reserve and Pay in four states on the happy path', async () => {
      const run = await runDefinition(definition, valid, {
        Reserve: (i) => i.data,
        Pay: (i) => i.data,
      });
      expect(run.entered).toEqual(['Reserve', 'Publish Reserved', 'Pay', 'Publish Paid']);
      expect(names(run)).toEqual(['WorkflowStarted', 'Reserved', 'Paid', 'WorkflowSucceeded']);
    });

    it('compensates, then publishes the failure event and WorkflowFailed, in order', async () => {
      const seen: any[] = [];
      const run = await runDefinition(definition, valid, {
        Reserve: (i) => i.data,
        Pay: () => {
          throw Object.assign(new Error('card'), { name: 'CardDeclined' });
        },
        'Compensate Reserve': (i) => (seen.push(i), { released: true }),
      });
      expect(run).toMatchObject({ status: 'FAILED', error: 'CardDeclined' });
      expect(names(run)).toEqual([
        'WorkflowStarted',
        'Reserved',
        'TaskFailed',
        'Released',
        'CheckoutFailed',
        'WorkflowFailed',
      ]);
      expect(seen[0].error).toEqual({ Error: 'CardDeclined', Cause: 'card' });
      expect(run.events[3].Detail.data).toEqual({ released: true });
      expect(run.events[4].Detail.data).toEqual({
        orderId: 'order-1',
        Error: 'CardDeclined',
        Cause: 'card',
      });
    });
  });

  describe('a workflow that starts with a state of its own', () => {
    const { stack, bus } = testStack();
    const ctx = new BoundedContext(stack, 'Fraud', { bus, events: ['Flagged', 'Cleared'] });
    ctx.workflow(
      sfn.Choice.jsonata(stack, 'Risky?')
        .when(sfn.Condition.jsonata('{% $states.input.data.risky %}'), ctx.emit('Flagged'))
        .otherwise(ctx.emit('Cleared')),
    );
    const definition = definitionOf(stack, 'Fraud');

    it('checks the envelope in a first state that publishes WorkflowStarted', async () => {
      const run = await runDefinition(
        definition,
        { metadata: { correlationId: 'a' }, data: { risky: true } },
        {},
      );
      expect(run.entered).toEqual(['Publish WorkflowStarted', 'Risky?', 'Publish Flagged']);
      expect(names(run)).toEqual(['WorkflowStarted', 'Flagged', 'WorkflowSucceeded']);
      expect(run.events.map((e) => e.Detail.metadata.causationId)).toEqual([
        EXECUTION_ARN,
        EXECUTION_ARN,
        EXECUTION_ARN,
      ]);
    });

    it('refuses an invalid envelope before publishing anything', async () => {
      const run = await runDefinition(
        definition,
        { metadata: { correlationId: 'a"' }, data: {} },
        {},
      );
      expect(run).toMatchObject({ status: 'FAILED', error: 'InvalidEnvelope' });
      expect(run.events).toEqual([]);
      expect(run.entered).toEqual(['Publish WorkflowStarted', 'InvalidEnvelope']);
    });
  });

  describe('a first task with an error route', () => {
    const lending = (route: (ctx: BoundedContext, stack: Stack) => sfn.IChainable) => {
      const { stack, bus } = testStack();
      const ctx = new BoundedContext(stack, 'Loans', { bus, events: ['Lent', 'Refused'] });
      ctx.workflow(
        ctx
          .task('Lend', { entry: fixtureHandler(), emits: 'Lent' })
          .onError('NotAllowed', route(ctx, stack)),
      );
      return definitionOf(stack, 'Loans');
    };
    const notAllowed = {
      Lend: () => {
        throw Object.assign(new Error('no'), { name: 'NotAllowed' });
      },
    };

    it('publishes WorkflowStarted with the event of the route when the route is an emit', async () => {
      const run = await runDefinition(
        lending((ctx) => ctx.emit('Refused')),
        valid,
        notAllowed,
      );
      expect(run.status).toBe('SUCCEEDED');
      expect(run.entered).toEqual(['Lend', 'Publish Refused']);
      expect(names(run)).toEqual(['WorkflowStarted', 'Refused', 'WorkflowSucceeded']);
      expect(run.events[1].Detail.data).toEqual(valid.data);
      expect(run.events.every((e) => e.Detail.metadata.causationId === EXECUTION_ARN)).toBe(true);
    });

    it('publishes WorkflowStarted in a state of its own when the route goes to a state of the user', async () => {
      const run = await runDefinition(
        lending((ctx, stack) => sfn.Pass.jsonata(stack, 'Note').next(ctx.emit('Refused'))),
        valid,
        notAllowed,
      );
      expect(run.status).toBe('SUCCEEDED');
      expect(run.entered).toEqual(['Publish WorkflowStarted', 'Lend', 'Note', 'Publish Refused']);
      expect(names(run)).toEqual(['WorkflowStarted', 'Refused', 'WorkflowSucceeded']);
    });
  });

  describe('fail(), and an await that times out', () => {
    const { stack, bus } = testStack();
    const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: ['Cooked'] });
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'Cooked' }));
    const orders = new BoundedContext(stack, 'Orders', {
      bus,
      events: ['Placed', 'TimedOut', 'Done'],
    });
    orders.workflow(
      orders
        .task('Place', { entry: fixtureHandler(), emits: 'Placed' })
        .next(
          orders.await('AwaitCooked', {
            events: [kitchen.event('Cooked')],
            correlateBy: 'orderId',
            timeout: Duration.minutes(10),
            onTimeout: 'TimedOut',
          }),
        )
        .next(
          sfn.Choice.jsonata(stack, 'Hot?')
            .when(
              sfn.Condition.jsonata('{% $states.input.data.awaited.data.hot %}'),
              orders.emit('Done'),
            )
            .otherwise(orders.fail('Cold', { error: 'ColdMeal', cause: 'the meal came cold' })),
        ),
    );
    const definition = definitionOf(stack, 'Orders');

    it('computes the deadline and the waiter expiry in the definition', async () => {
      const requests: any[] = [];
      await runDefinition(definition, valid, {
        Place: (i) => i.data,
        AwaitCooked: (i) => (requests.push(i), { event: 'Cooked', data: { hot: true } }),
      });
      // The engine's clock starts at 2026-01-01T12:00:00Z.
      expect(requests[0].Payload).toMatchObject({
        await: 'AwaitCooked',
        data: valid.data,
        metadata: { correlationId: 'order-1', causationId: EXECUTION_ARN },
        deadline: '2026-01-01T12:10:00.000Z',
        expiresAt: Date.parse('2026-01-01T12:10:00Z') / 1000 + 60,
        token: expect.any(String),
      });
    });

    it('fails with the error of fail(), after its failure events', async () => {
      const run = await runDefinition(definition, valid, {
        Place: (i) => i.data,
        AwaitCooked: () => ({ event: 'Cooked', data: { hot: false } }),
      });
      expect(run).toMatchObject({
        status: 'FAILED',
        error: 'ColdMeal',
        cause: 'the meal came cold',
      });
      expect(names(run)).toEqual(['WorkflowStarted', 'Placed', 'WorkflowFailed']);
    });

    it('publishes the timeout event, then fails with AwaitTimedOut', async () => {
      const run = await runDefinition(definition, valid, {
        Place: (i) => i.data,
        AwaitCooked: () => NO_CALLBACK,
      });
      expect(run).toMatchObject({ status: 'FAILED', error: 'AwaitTimedOut' });
      expect(names(run)).toEqual(['WorkflowStarted', 'Placed', 'TimedOut', 'WorkflowFailed']);
      expect(run.events[2].Detail.data.awaited).toMatchObject({ Error: 'States.Timeout' });
    });
  });

  describe('a JSONPath state of the user', () => {
    it('fails synth naming the state, the field, its value and the fix', () => {
      const { stack, bus } = testStack();
      const ctx = new BoundedContext(stack, 'Restaurants', { bus, events: ['Accepted'] });
      const choice = new sfn.Choice(stack, 'Decision', { stateName: 'Accepted?' })
        .when(sfn.Condition.stringEquals('$.data.decision', 'OK'), ctx.emit('Accepted'))
        .otherwise(new sfn.Pass(stack, 'No'));
      expect(() => ctx.workflow(choice)).toThrow(
        "[Test/Decision] invalid Choices[0].Variable of state 'Accepted?': '$.data.decision'. " +
          'This context writes JSONata (the default). Write the state with its .jsonata() factory',
      );
    });

    it('shows a token as what it renders (ResultPath DISCARD is null)', () => {
      const { stack, bus } = testStack();
      const ctx = new BoundedContext(stack, 'Restaurants', { bus, events: [] });
      const pass = new sfn.Pass(stack, 'Drop', { resultPath: sfn.JsonPath.DISCARD });
      expect(() => ctx.workflow(pass)).toThrow(
        "[Test/Drop] invalid ResultPath of state 'Drop': null. This context writes JSONata",
      );
    });

    it('fails synth on a state set to JSONPath', () => {
      const { stack, bus } = testStack();
      const ctx = new BoundedContext(stack, 'Restaurants', { bus, events: [] });
      const pass = new sfn.Pass(stack, 'Keep', { queryLanguage: sfn.QueryLanguage.JSON_PATH });
      expect(() => ctx.workflow(pass)).toThrow(
        /\[Test\/Keep\] invalid queryLanguage: 'JSONPath'\..*queryLanguage: sfn\.QueryLanguage\.JSON_PATH on the context/,
      );
    });

    it('fails synth on a JSONPath state inside a Parallel branch', () => {
      const { stack, bus } = testStack();
      const ctx = new BoundedContext(stack, 'Restaurants', { bus, events: [] });
      const parallel = sfn.Parallel.jsonata(stack, 'Both').branch(
        new sfn.Pass(stack, 'Inner', { resultPath: '$.x' }),
      );
      expect(() => ctx.workflow(parallel)).toThrow(
        "[Test/Both] invalid ResultPath of state 'Inner' (inside 'Both'): '$.x'",
      );
    });

    it.each<[string, string | Record<string, unknown>]>([
      ['a JSONPath', '$.data'],
      ['an intrinsic', 'States.JsonMerge($.data, $.error, false)'],
      ['Parameters', { 'reason.$': '$.error.Cause' }],
    ])('fails synth on emit data written as %s', (_what, data) => {
      const { stack, bus } = testStack();
      const ctx = new BoundedContext(stack, 'Loans', { bus, events: ['Refused'] });
      expect(() => ctx.emit('Refused', { data })).toThrow(
        /\[Test\/Loans\/EmitRefused\] invalid data: .*This context writes JSONata \(the default\): give data as a JSONata expression/,
      );
    });

    it('is accepted with queryLanguage JSON_PATH on the context', () => {
      const { stack, bus } = testStack();
      const ctx = new BoundedContext(stack, 'Restaurants', {
        bus,
        events: [],
        queryLanguage: sfn.QueryLanguage.JSON_PATH,
      });
      expect(() => ctx.workflow(new sfn.Pass(stack, 'Keep', { resultPath: '$.x' }))).not.toThrow();
    });
  });
});

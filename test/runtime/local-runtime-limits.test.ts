import { Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext, DomainEventBus } from '../../lib';
import { LocalRuntime } from '../../lib/runtime';
import { fixtureHandler, testApp } from '../helpers';

/**
 * The local runtime never hangs, and refuses what AWS refuses with AWS's
 * error. Each hang below spun `settle()` or `advance()` forever before it was
 * fixed: these tests give each a 10 s budget and expect a result in under 5 s.
 */

const PARTNER_BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/partner-bus';

let assemblyDir: string;
let runtime: LocalRuntime;

beforeAll(() => {
  const app = testApp({ bundle: true });
  const stack = new Stack(app, 'Limits');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'lim' });
  const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: ['OrderAccepted'] });
  kitchen.workflow(
    kitchen.task('Review', { entry: fixtureHandler() }).next(kitchen.emit('OrderAccepted')),
  );
  // Workflow timeouts shorter than what the executions wait for: Orders waits 90
  // minutes before its one-hour await, so its two-hour timeout comes during the await.
  const orders = new BoundedContext(stack, 'Orders', {
    bus,
    events: ['OrderPlaced', 'OrderTimedOut', 'OrderDone'],
    workflowTimeout: Duration.hours(2),
  });
  orders.workflow(
    orders
      .task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' })
      .next(new sfn.Wait(stack, 'Prepare', { time: sfn.WaitTime.duration(Duration.minutes(90)) }))
      .next(
        orders
          .await('AwaitKitchen', {
            events: [kitchen.event('OrderAccepted')],
            correlateBy: 'orderId',
            timeout: Duration.hours(1),
            onTimeout: 'OrderTimedOut',
          })
          .when(kitchen.event('OrderAccepted'), orders.emit('OrderDone')),
      ),
  );
  const naps = new BoundedContext(stack, 'Naps', {
    bus,
    events: ['Rested'],
    workflowTimeout: Duration.minutes(5),
  });
  naps.workflow(
    new sfn.Wait(stack, 'Nap', { time: sfn.WaitTime.duration(Duration.hours(1)) }).next(
      naps.emit('Rested'),
    ),
  );
  // The JSONPath layout publishes WorkflowStarted before the task runs: the test sees it before
  // the task's oversized result ends the execution (the JSONata layout publishes it with Grown).
  const big = new BoundedContext(stack, 'Big', {
    bus,
    events: ['Grown'],
    queryLanguage: sfn.QueryLanguage.JSON_PATH,
  });
  big.workflow(big.task('Grow', { entry: fixtureHandler('pad.ts'), emits: 'Grown' }));
  // A context on a bus of another app, imported by its ARN.
  const partnerBus = DomainEventBus.fromEventBusArn(stack, 'PartnerBus', PARTNER_BUS, 'partner');
  const partner = new BoundedContext(stack, 'Partner', { bus: partnerBus, events: ['Noted'] });
  partner.workflow(partner.task('Note', { entry: fixtureHandler(), emits: 'Noted' }));
  const stuck = new BoundedContext(stack, 'Stuck', { bus, events: ['Unstuck'] });
  stuck.workflow(stuck.task('Hang', { entry: fixtureHandler('never.ts'), emits: 'Unstuck' }));
  assemblyDir = app.synth().directory;
});

beforeEach(() => {
  runtime = LocalRuntime.fromAssembly(assemblyDir);
});

afterEach(() => runtime?.dispose());

const envelope = (id: string, data: Record<string, unknown> = {}) => ({
  metadata: { correlationId: id },
  data: { orderId: id, ...data },
});

/** An object nested `depth` levels deep: `{ a: { a: ... {} } }`. */
function nested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let node = root;
  for (let i = 1; i < depth; i++) {
    const child: Record<string, unknown> = {};
    node.a = child;
    node = child;
  }
  return root;
}

/** `work`, or a failure after `ms`: a hang fails the test instead of stalling the run. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error `fn` throws (or the promise rejects with), or undefined. */
async function failureOf(fn: () => unknown): Promise<Error | undefined> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('LocalRuntime never hangs', () => {
  it('settles after an execution fails on an input nested 2,500 levels deep', async () => {
    const execution = runtime.startExecution('kitchen', {
      ...envelope('deep-1'),
      data: { orderId: 'deep-1', deep: nested(2500) },
    });
    await within(5000, runtime.settle());
    // EventBridge refuses the event; the publish is retried on the virtual clock (1 s, 2 s,
    // 4 s at most, full jitter), then the execution fails.
    expect(execution.status).toBe('RUNNING');
    await within(5000, runtime.advance(Duration.seconds(7)));
    expect(execution.status).toBe('FAILED');
  }, 10_000);

  it.each([
    [
      'a circular object',
      () => {
        const input: Record<string, unknown> = envelope('circular-1');
        input.self = input;
        return input;
      },
    ],
    ['a BigInt', () => ({ ...envelope('bigint-1'), data: { orderId: 'bigint-1', n: BigInt(10) } })],
  ])(
    'refuses %s in the input at once, as StartExecution refuses input that is not JSON',
    async (_, input) => {
      const error = await failureOf(() => runtime.startExecution('kitchen', input()));
      expect(error?.name).toBe('InvalidExecutionInput');
      expect(error?.message).toMatch(/^Invalid State Machine Execution Input: '.+'/);
      await within(5000, runtime.settle());
      expect(runtime.executions('kitchen')).toHaveLength(0);
    },
    10_000,
  );

  it('times out an execution waiting in an await, and time goes on', async () => {
    const execution = runtime.startExecution('orders', envelope('late-1'));
    await within(5000, runtime.settle());
    expect(execution.status).toBe('RUNNING');
    await within(5000, runtime.advance(Duration.hours(2)));
    expect(execution.status).toBe('TIMED_OUT');
    expect(execution.error).toBe('States.Timeout');
    expect(execution.transitions.filter((t) => t.event === 'entered').at(-1)?.state).toBe(
      'AwaitKitchen',
    );
    expect(runtime.clock.now() - Date.parse(execution.startedAt)).toBe(2 * 3600 * 1000);
    // Still usable afterwards.
    const next = runtime.startExecution('kitchen', envelope('after-1'));
    await within(5000, runtime.settle());
    expect(next.status).toBe('SUCCEEDED');
  }, 10_000);

  it('times out an execution waiting in a Wait state, and time goes on', async () => {
    const execution = runtime.startExecution('naps', envelope('nap-1'));
    await within(5000, runtime.advance(Duration.hours(2)));
    expect(execution.status).toBe('TIMED_OUT');
    expect(runtime.record.events('Rested')).toHaveLength(0);
    expect(runtime.clock.now() - Date.parse(execution.startedAt)).toBe(2 * 3600 * 1000);
  }, 10_000);

  it('fails settle() naming the execution and state when nothing moves any more', async () => {
    const stalled = new LocalRuntime(runtime.app, { stallTimeout: Duration.millis(300) });
    try {
      // Its handler never answers: the invocation stays pending and nothing else can run.
      const execution = stalled.startExecution('stuck', envelope('stuck-1'));
      const error = await failureOf(() => within(5000, stalled.settle()));
      expect(error?.name).toBe('LocalRuntime.Stalled');
      expect(error?.message).toContain(`${execution.executionArn} in state 'Hang'`);
      expect(error?.message).toMatch(/no progress for 300 ms/);
    } finally {
      stalled.dispose();
    }
  }, 10_000);
});

describe('LocalRuntime refuses what AWS refuses', () => {
  describe('PutEvents', () => {
    const entry = (EventBusName?: string) => ({
      Source: 'lim.kitchen',
      DetailType: 'OrderAccepted',
      Detail: JSON.stringify(envelope('bus-1')),
      ...(EventBusName ? { EventBusName } : {}),
    });

    it('accepts the app bus, a bus it imported and the default bus', () => {
      const [appBus] = runtime.app.eventBuses;
      for (const bus of [appBus, 'partner-bus', PARTNER_BUS, 'default']) {
        expect(runtime.putEvents([entry(bus)]).FailedEntryCount).toBe(0);
      }
    });

    it('fails with ResourceNotFoundException for a bus the app neither has nor imported', () => {
      expect(() => runtime.putEvents([entry('partner-buss')])).toThrow(
        expect.objectContaining({
          name: 'ResourceNotFoundException',
          message: expect.stringMatching(/^Event bus partner-buss does not exist\. /),
        }),
      );
      expect(runtime.record.allEvents).toHaveLength(0);
    });

    it('fails the entry of a handler whose Detail is not a JSON object, as the SDK answers', async () => {
      const result = runtime.putEvents([{ ...entry(), Detail: '["not", "an", "object"]' }]);
      expect(result).toEqual({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
      });
    });
  });

  describe('StartExecution with a name already used', () => {
    it('returns the running execution when the input is the same', async () => {
      const first = runtime.startExecution('orders', envelope('o-1'), 'order-o-1');
      await within(5000, runtime.settle());
      const again = runtime.startExecution('orders', envelope('o-1'), 'order-o-1');
      expect(again).toBe(first);
      expect(again.executionArn).toBe(first.executionArn);
      expect(again.startedAt).toBe(first.startedAt);
      await within(5000, runtime.settle());
      expect(runtime.executions('orders')).toHaveLength(1);
      expect(runtime.record.events('OrderPlaced')).toHaveLength(1);
    }, 10_000);

    it('fails with ExecutionAlreadyExists when the input differs', async () => {
      const first = runtime.startExecution('orders', envelope('o-2'), 'order-o-2');
      const error = await failureOf(() =>
        runtime.startExecution('orders', envelope('o-2', { note: 'again' }), 'order-o-2'),
      );
      expect(error?.name).toBe('ExecutionAlreadyExists');
      expect(error?.message).toBe(`Execution Already Exists: '${first.executionArn}'`);
      await within(5000, runtime.settle());
      expect(runtime.executions('orders')).toHaveLength(1);
    }, 10_000);

    it('fails with ExecutionAlreadyExists once the execution is closed, until 90 days later', async () => {
      const first = runtime.startExecution('kitchen', envelope('k-1'), 'review-k-1');
      await within(5000, runtime.settle());
      expect(first.status).toBe('SUCCEEDED');
      const error = await failureOf(() =>
        runtime.startExecution('kitchen', envelope('k-1'), 'review-k-1'),
      );
      expect(error?.name).toBe('ExecutionAlreadyExists');
      expect(error?.message).toBe(`Execution Already Exists: '${first.executionArn}'`);
      await within(5000, runtime.advance(Duration.days(90)));
      const later = runtime.startExecution('kitchen', envelope('k-1'), 'review-k-1');
      expect(later).not.toBe(first);
      // Let it end before the runtime is disposed: its first state invokes a handler at once.
      await within(5000, runtime.settle());
    }, 10_000);
  });

  describe('States.DataLimitExceeded', () => {
    it('fails the execution when a task returns more than 256 KiB, past any Catch', async () => {
      const execution = runtime.startExecution('big', envelope('big-1', { padBytes: 256 * 1024 }));
      await within(5000, runtime.settle());
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('States.DataLimitExceeded');
      expect(execution.cause).toMatch(
        /^The state\/task 'Grow' returned a result with a size exceeding the maximum number of bytes service limit/,
      );
      // Terminal: the workflow's catch-all did not run, no TaskFailed nor WorkflowFailed.
      expect(runtime.record.events(undefined, 'big-1').map((e) => e.detailType)).toEqual([
        'WorkflowStarted',
      ]);
    }, 10_000);

    it('lets a task return up to 256 KiB', async () => {
      const execution = runtime.startExecution('big', envelope('big-2', { padBytes: 200 * 1024 }));
      await within(5000, runtime.settle());
      expect(execution.status).toBe('SUCCEEDED');
    }, 10_000);
  });
});

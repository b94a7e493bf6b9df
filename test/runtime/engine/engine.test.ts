import { VirtualClock } from '../../../lib/runtime/clock';
import {
  integrationKey,
  runStateMachine,
  StateMachineEngine,
  StatesError,
} from '../../../lib/runtime/engine';
import type { TaskRequest } from '../../../lib/runtime/engine';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Lets the engine run until it waits on the clock (or a callback). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Moves the clock by `ms`, firing the timers due on the way, one at a time. */
async function advance(clock: VirtualClock, ms: number): Promise<void> {
  const until = clock.now() + ms;
  await settle();
  while (clock.fireDue(until) > 0) await settle();
  await settle();
}

const taskMachine = (task: object) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...task } },
});

describe('StateMachineEngine', () => {
  it('waits on the clock it is given: a Wait of one hour ends only when the clock reaches it', async () => {
    const clock = new VirtualClock(START);
    const engine = new StateMachineEngine(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } },
      { clock },
    );
    const execution = engine.start({ a: 1 });
    await advance(clock, 3599_000);
    expect(execution.status).toBe('RUNNING');
    await advance(clock, 1000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toEqual({ a: 1 });
    expect(execution.transitions.map((t) => [t.state, t.event, t.at])).toEqual([
      ['W', 'entered', '2026-01-01T12:00:00.000Z'],
      ['W', 'exited', '2026-01-01T13:00:00.000Z'],
    ]);
  });

  it('Wait with TimestampPath waits until that time', async () => {
    const clock = new VirtualClock(START);
    const engine = new StateMachineEngine(
      { StartAt: 'W', States: { W: { Type: 'Wait', TimestampPath: '$.at', End: true } } },
      { clock },
    );
    const execution = engine.start({ at: '2026-01-01T12:30:00Z' });
    await advance(clock, 29 * 60_000);
    expect(execution.status).toBe('RUNNING');
    await advance(clock, 60_000);
    expect(execution.status).toBe('SUCCEEDED');
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-complex-retry-scenarios
  it('retries on the documented schedule: ErrorA, ErrorB, ErrorC, ErrorB, ErrorB wait 1, 2, 5 and 4 s, then Catch', async () => {
    const clock = new VirtualClock(START);
    const errors = ['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB', 'ErrorB'];
    const calls: number[] = [];
    const engine = new StateMachineEngine(
      {
        StartAt: 'X',
        States: {
          X: {
            Type: 'Task',
            Resource: 'arn:aws:states:us-east-1:123456789012:task:X',
            Next: 'Y',
            Retry: [
              {
                ErrorEquals: ['ErrorA', 'ErrorB'],
                IntervalSeconds: 1,
                BackoffRate: 2.0,
                MaxAttempts: 2,
              },
              { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
            ],
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }],
          },
          Y: { Type: 'Pass', End: true },
          Z: { Type: 'Pass', Result: 'Z', End: true },
        },
      },
      {
        clock,
        tasks: {
          X: () => {
            calls.push((clock.now() - START) / 1000);
            throw new StatesError(errors[calls.length - 1], '');
          },
        },
      },
    );
    const execution = engine.start({});
    await advance(clock, 60_000);
    expect(calls).toEqual([0, 1, 3, 8, 12]);
    expect(execution.output).toBe('Z');
    expect(
      execution.transitions
        .filter((t) => t.state === 'X')
        .map((t) => `${t.event}:${t.error ?? ''}`),
    ).toEqual([
      'entered:',
      'retried:ErrorA',
      'retried:ErrorB',
      'retried:ErrorC',
      'retried:ErrorB',
      'caught:ErrorB',
    ]);
  });

  it('MaxDelaySeconds caps the backoff and JitterStrategy FULL draws from the random source it is given', async () => {
    const clock = new VirtualClock(START);
    const calls: number[] = [];
    const engine = new StateMachineEngine(
      taskMachine({
        Retry: [
          {
            ErrorEquals: ['States.ALL'],
            IntervalSeconds: 4,
            BackoffRate: 3,
            MaxAttempts: 3,
            MaxDelaySeconds: 10,
            JitterStrategy: 'FULL',
          },
        ],
      }),
      {
        clock,
        random: () => 0.5,
        tasks: {
          T: () => {
            calls.push((clock.now() - START) / 1000);
            throw new Error('again');
          },
        },
      },
    );
    const execution = engine.start({});
    await advance(clock, 60_000);
    // Delays 4, 12 → 10, 36 → 10 seconds, each halved by the jitter.
    expect(calls).toEqual([0, 2, 7, 12]);
    expect(execution.status).toBe('FAILED');
  });

  describe('task tokens', () => {
    const callback = (extra: object = {}) =>
      taskMachine({
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { 'token.$': '$$.Task.Token', 'order.$': '$.order' },
        ResultPath: '$.answer',
        ...extra,
      });

    it('issues a token in $$.Task.Token and ends the task with SendTaskSuccess', async () => {
      const clock = new VirtualClock(START);
      const requests: TaskRequest[] = [];
      const engine = new StateMachineEngine(callback(), {
        clock,
        resources: { 'sqs:sendMessage': (request) => void requests.push(request) },
      });
      const execution = engine.start({ order: 7 });
      await settle();
      expect(requests).toHaveLength(1);
      const token = requests[0].taskToken!;
      expect(requests[0].input).toEqual({ token, order: 7 });
      expect(execution.status).toBe('RUNNING');
      execution.sendTaskSuccess(token, { accepted: true });
      await execution.done;
      expect(execution.output).toEqual({ order: 7, answer: { accepted: true } });
      expect(() => engine.sendTaskSuccess(token, {})).toThrow(/no task is waiting/);
    });

    it('SendTaskFailure fails the task with the error and cause given', async () => {
      const clock = new VirtualClock(START);
      let token = '';
      const engine = new StateMachineEngine(callback(), {
        clock,
        resources: { 'sqs:sendMessage': (request) => void (token = request.taskToken!) },
      });
      const execution = engine.start({ order: 7 });
      await settle();
      engine.sendTaskFailure(token, 'Rejected', 'out of stock');
      expect(await execution.done).toEqual({
        status: 'FAILED',
        error: 'Rejected',
        cause: 'out of stock',
      });
    });

    it('HeartbeatSeconds fails the task with States.HeartbeatTimeout unless heartbeats come', async () => {
      const clock = new VirtualClock(START);
      let token = '';
      const engine = new StateMachineEngine(
        callback({ HeartbeatSeconds: 60, TimeoutSeconds: 600 }),
        {
          clock,
          resources: { 'sqs:sendMessage': (request) => void (token = request.taskToken!) },
        },
      );
      const execution = engine.start({ order: 7 });
      await advance(clock, 50_000);
      engine.sendTaskHeartbeat(token);
      await advance(clock, 50_000);
      expect(execution.status).toBe('RUNNING');
      await advance(clock, 11_000);
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('States.HeartbeatTimeout');
    });

    it('TimeoutSecondsPath times the callback out with States.Timeout', async () => {
      const clock = new VirtualClock(START);
      const engine = new StateMachineEngine(callback({ TimeoutSecondsPath: '$.limit' }), {
        clock,
        resources: { 'sqs:sendMessage': () => undefined },
      });
      const execution = engine.start({ order: 7, limit: 30 });
      await advance(clock, 29_000);
      expect(execution.status).toBe('RUNNING');
      await advance(clock, 1_000);
      expect(execution.error).toBe('States.Timeout');
    });

    it('a JSONata task reads its token from $states.context.Task.Token and its timeout from an expression', async () => {
      const clock = new VirtualClock(START);
      const requests: TaskRequest[] = [];
      const engine = new StateMachineEngine(
        {
          QueryLanguage: 'JSONata',
          ...taskMachine({
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Arguments: { token: '{% $states.context.Task.Token %}' },
            TimeoutSeconds: '{% $states.input.limit %}',
          }),
        },
        { clock, resources: { 'lambda:invoke': (request) => void requests.push(request) } },
      );
      const execution = engine.start({ limit: 5 });
      await settle();
      expect((requests[0].input as any).token).toBe(requests[0].taskToken);
      await advance(clock, 5_000);
      expect(execution.error).toBe('States.Timeout');
    });
  });

  it('stop() aborts the execution and cancels its waits', async () => {
    const clock = new VirtualClock(START);
    const engine = new StateMachineEngine(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
      { clock },
    );
    const execution = engine.start({});
    await settle();
    execution.stop('Cancelled', 'by the test');
    expect(await execution.done).toEqual({
      status: 'ABORTED',
      error: 'Cancelled',
      cause: 'by the test',
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it("the state machine's TimeoutSeconds ends the execution TIMED_OUT with States.Timeout", async () => {
    const clock = new VirtualClock(START);
    const engine = new StateMachineEngine(
      { TimeoutSeconds: 10, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } },
      { clock },
    );
    const execution = engine.start({});
    await advance(clock, 10_000);
    expect(execution.status).toBe('TIMED_OUT');
    expect(execution.error).toBe('States.Timeout');
  });

  it('reports every transition to onTransition as it happens', async () => {
    const clock = new VirtualClock(START);
    const seen: string[] = [];
    const engine = new StateMachineEngine(
      { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } },
      {
        clock,
        onTransition: (execution, t) => seen.push(`${execution.name}:${t.state}:${t.event}`),
      },
    );
    await engine.start({}, { name: 'one' }).done;
    expect(seen).toEqual(['one:A:entered', 'one:A:exited', 'one:B:entered', 'one:B:exited']);
  });

  it('runs many executions of one definition, each with its own variables', async () => {
    const engine = new StateMachineEngine(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Assign: { n: '{% $states.input %}' }, Next: 'B' },
          B: { Type: 'Pass', Output: '{% $n * 2 %}', End: true },
        },
      },
      { clock: new VirtualClock(START) },
    );
    const results = await Promise.all([1, 2, 3].map((n) => engine.start(n).done));
    expect(results.map((r) => r.output)).toEqual([2, 4, 6]);
  });

  it('fails when constructed with a Next that names no state, naming the state and the fix', () => {
    expect(
      () =>
        new StateMachineEngine(
          { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } },
          { clock: new VirtualClock() },
        ),
    ).toThrow(
      'the state \'A\' in the definition has Next "Nowhere", which is not a state of it. Use one of: A.',
    );
  });
});

describe('integrationKey', () => {
  it.each([
    ['arn:aws:states:::lambda:invoke', 'lambda:invoke'],
    ['arn:aws:states:::lambda:invoke.waitForTaskToken', 'lambda:invoke'],
    ['arn:aws:lambda:us-east-1:123456789012:function:PlaceOrder', 'lambda:invoke'],
    ['arn:aws:states:::events:putEvents', 'events:putEvents'],
    ['arn:aws:states:::states:startExecution.sync:2', 'states:startExecution'],
    ['arn:aws:states:::aws-sdk:dynamodb:getItem', 'aws-sdk:dynamodb:getItem'],
  ])('%s is served by %s', (resource, key) => {
    expect(integrationKey(resource)).toBe(key);
  });
});

describe('runStateMachine', () => {
  it('fails with States.DataLimitExceeded when a state output passes 256 KiB, which Catch cannot handle', async () => {
    const definition = taskMachine({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'T' }] });
    const result = await runStateMachine(
      definition,
      {},
      { tasks: { T: () => 'x'.repeat(256 * 1024) } },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('fails a Task without a handler with LocalRuntime.Unsupported, naming the state and how to give one', async () => {
    expect(await runStateMachine(taskMachine({}), {})).toMatchObject({
      status: 'FAILED',
      error: 'LocalRuntime.Unsupported',
      cause: expect.stringContaining("tasks: { 'T': (input) => result }"),
    });
  });

  it('sends the value a handler returns as the callback of a .waitForTaskToken task', async () => {
    const definition = taskMachine({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { 'token.$': '$$.Task.Token' },
    });
    const result = await runStateMachine(
      definition,
      {},
      { tasks: { T: (input: any) => ({ got: typeof input.token }) } },
    );
    expect(result).toEqual({ status: 'SUCCEEDED', output: { got: 'string' } });
  });

  it('stops an execution that waits for a token nobody sends, saying so', async () => {
    const definition = taskMachine({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' });
    const result = await runStateMachine(
      definition,
      {},
      { tasks: { T: () => new Promise(() => undefined) } },
    );
    expect(result).toMatchObject({
      status: 'ABORTED',
      cause: expect.stringContaining('never comes'),
    });
  });

  it('never waits in real time: a week of waits takes milliseconds', async () => {
    const definition = {
      StartAt: 'W',
      States: {
        W: { Type: 'Wait', Seconds: 7 * 24 * 3600, Next: 'P' },
        P: { Type: 'Pass', Parameters: { 'at.$': '$$.State.EnteredTime' }, End: true },
      },
    };
    const started = performance.now();
    const result = await runStateMachine(definition, {});
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.output).toEqual({ at: '2026-01-08T12:00:00.000Z' });
  });
});

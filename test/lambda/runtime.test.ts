import type { Context } from 'aws-lambda';
import {
  InvalidEnvelopeError,
  logger,
  parseTaskPayload,
  TaskContext,
  taskHandler,
  TaskPayload,
} from '../../lambda/runtime';

// Outside Lambda and without POWERTOOLS_DEV, the Powertools Logger (v2) prints through its own
// `new Console({ stdout: process.stdout, stderr: process.stderr })`: one JSON document per line,
// INFO on stdout, ERROR on stderr (Logger.setConsole / Logger.printLog). `setCorrelationId(value)`
// appends the temporary key `correlation_id`.

type LogLine = Record<string, unknown>;

function captureLogs(): { lines: () => LogLine[]; restore: () => void } {
  const chunks: string[] = [];
  const record = (chunk: unknown): boolean => {
    chunks.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

const payload = <T>(data: T, correlationId = 'corr-1', task = 'DoThing'): TaskPayload<T> => ({
  metadata: { correlationId },
  data,
  task,
});

describe('parseTaskPayload', () => {
  it.each([
    ['with object data', { metadata: { correlationId: 'c-1' }, data: { a: 1 }, task: 'T' }],
    ['with null data', { metadata: { correlationId: 'c-1' }, data: null, task: 'T' }],
    ['with falsy data', { metadata: { correlationId: 'c-1' }, data: 0, task: 'T' }],
    [
      'with full metadata',
      {
        metadata: { correlationId: 'c-1', causationId: 'e-0', context: 'orders', state: 'S' },
        data: [],
        task: 'T',
      },
    ],
  ])('accepts a payload %s and returns it unchanged', (_name, event) => {
    expect(parseTaskPayload(event)).toBe(event);
  });

  it.each<[string, unknown, RegExp]>([
    ['the event is null', null, /received object/],
    ['the event is undefined', undefined, /received undefined/],
    ['the event is a string', 'hello', /received string/],
    ['the event is a number', 42, /received number/],
    ['metadata is missing', { data: {}, task: 'T' }, /correlationId must be a non-empty string/],
    [
      'correlationId is missing',
      { metadata: {}, data: {}, task: 'T' },
      /correlationId must be a non-empty string/,
    ],
    [
      'correlationId is empty',
      { metadata: { correlationId: '' }, data: {}, task: 'T' },
      /correlationId must be a non-empty string/,
    ],
    [
      'correlationId is a number',
      { metadata: { correlationId: 7 }, data: {}, task: 'T' },
      /correlationId must be a non-empty string/,
    ],
    [
      'correlationId is null',
      { metadata: { correlationId: null }, data: {}, task: 'T' },
      /correlationId must be a non-empty string/,
    ],
    ['data is missing', { metadata: { correlationId: 'c-1' }, task: 'T' }, /data is missing/],
  ])('fails when %s', (_name, event, message) => {
    let caught: unknown;
    try {
      parseTaskPayload(event);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEnvelopeError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('InvalidEnvelope');
    expect((caught as Error).message).toMatch(message);
  });
});

describe('taskHandler', () => {
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => {
    logs.restore();
    logger.resetKeys();
  });

  const completed = () => logs.lines().filter((l) => l.message === 'task completed');

  it.each<[string, (data: { n: number }) => unknown]>([
    ['a sync function', (data) => ({ doubled: data.n * 2 })],
    ['an async function', async (data) => ({ doubled: data.n * 2 })],
    [
      'an async function that resolves later',
      (data) => new Promise((resolve) => setTimeout(() => resolve({ doubled: data.n * 2 }), 5)),
    ],
  ])('returns the result of %s', async (_name, fn) => {
    const handler = taskHandler(fn);
    await expect(handler(payload({ n: 21 }))).resolves.toEqual({ doubled: 42 });
  });

  it('passes the data and a context with the correlation id and task', async () => {
    const fn = jest.fn((_data: { n: number }, _ctx: TaskContext) => 'ok');
    const event: TaskPayload<{ n: number }> = {
      metadata: { correlationId: 'corr-ctx', causationId: 'evt-0' },
      data: { n: 1 },
      task: 'PlaceOrder',
    };
    await taskHandler(fn)(event);
    expect(fn).toHaveBeenCalledTimes(1);
    const [data, ctx] = fn.mock.calls[0];
    expect(data).toBe(event.data);
    expect(ctx).toMatchObject({ correlationId: 'corr-ctx', task: 'PlaceOrder' });
    expect(ctx.payload).toBe(event);
    expect(ctx.lambdaContext).toBeUndefined();
  });

  it('passes the Lambda context on and adds it to the log lines', async () => {
    const lambdaContext = {
      functionName: 'orders-place-order',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-place-order',
      memoryLimitInMB: '256',
      awsRequestId: 'req-1',
      callbackWaitsForEmptyEventLoop: true,
      logGroupName: '/aws/lambda/orders-place-order',
      logStreamName: 'stream',
      getRemainingTimeInMillis: () => 1000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } as Context;
    const fn = jest.fn((_data: object, ctx: TaskContext) => ctx.lambdaContext?.awsRequestId);
    await expect(taskHandler(fn)(payload({}), lambdaContext)).resolves.toBe('req-1');
    expect(completed()[0]).toMatchObject({
      function_name: 'orders-place-order',
      function_request_id: 'req-1',
      correlation_id: 'corr-1',
    });
  });

  it('fails when the event is not a task payload, before calling the business function', async () => {
    const fn = jest.fn(() => 'never');
    await expect(taskHandler(fn)({ data: {} } as unknown as TaskPayload<object>)).rejects.toThrow(
      InvalidEnvelopeError,
    );
    expect(fn).not.toHaveBeenCalled();
  });

  class OutOfStock extends Error {
    constructor() {
      super('no more pizza');
      this.name = 'OutOfStock';
    }
  }

  it.each<[string, () => Error, (e: Error) => unknown]>([
    [
      'a sync business function throws',
      () => new OutOfStock(),
      (e) => {
        throw e;
      },
    ],
    [
      'an async business function rejects',
      () => new OutOfStock(),
      async (e) => {
        throw e;
      },
    ],
    [
      'a business function throws a plain Error',
      () => new Error('boom'),
      (e) => {
        throw e;
      },
    ],
  ])('fails when %s, rethrowing the same error', async (_name, makeError, fail) => {
    const error = makeError();
    const handler = taskHandler(() => fail(error));
    let caught: unknown;
    try {
      await handler(payload({}, 'corr-err', 'Failing'));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    expect((caught as Error).name).toBe(error.name);
    const failed = logs.lines().find((l) => l.message === 'task failed');
    expect(failed).toMatchObject({ level: 'ERROR', correlation_id: 'corr-err', task: 'Failing' });
    expect(completed()).toHaveLength(0);
  });

  it('logs task completed as JSON with correlation_id and task', async () => {
    await taskHandler(() => 'done')({
      metadata: { correlationId: 'corr-log', causationId: 'evt-7' },
      data: {},
      task: 'NotifyUser',
    });
    const lines = completed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      message: 'task completed',
      correlation_id: 'corr-log',
      task: 'NotifyUser',
      causationId: 'evt-7',
    });
  });

  it('puts the correlation id on log lines written by the business function', async () => {
    await taskHandler(() => {
      logger.info('inside');
    })(payload({}, 'corr-inside', 'Inner'));
    expect(logs.lines().find((l) => l.message === 'inside')).toMatchObject({
      correlation_id: 'corr-inside',
      task: 'Inner',
    });
  });

  it('does not leak keys into the next invocation', async () => {
    const handler = taskHandler((data: { extra?: string }) => {
      if (data.extra) logger.appendKeys({ extra: data.extra });
      return 'ok';
    });
    await handler({
      metadata: { correlationId: 'corr-first', causationId: 'evt-first' },
      data: { extra: 'only-first' },
      task: 'First',
    });
    await handler(payload({}, 'corr-second', 'Second'));

    const [first, second] = completed();
    expect(first).toMatchObject({
      correlation_id: 'corr-first',
      task: 'First',
      extra: 'only-first',
      causationId: 'evt-first',
    });
    expect(second).toMatchObject({ correlation_id: 'corr-second', task: 'Second' });
    expect(second).not.toHaveProperty('extra');
    expect(second).not.toHaveProperty('causationId');

    logger.info('after the invocations');
    const after = logs.lines().find((l) => l.message === 'after the invocations');
    expect(after).toBeDefined();
    expect(after).not.toHaveProperty('correlation_id');
    expect(after).not.toHaveProperty('task');
  });

  it('does not leak keys after a failed invocation', async () => {
    const handler = taskHandler((data: { fail: boolean }) => {
      logger.appendKeys({ attempt: 'failed-one' });
      if (data.fail) throw new Error('nope');
      return 'ok';
    });
    await expect(handler(payload({ fail: true }, 'corr-a', 'A'))).rejects.toThrow('nope');
    logger.info('between');
    const between = logs.lines().find((l) => l.message === 'between');
    expect(between).toBeDefined();
    expect(between).not.toHaveProperty('correlation_id');
    expect(between).not.toHaveProperty('attempt');
  });
});

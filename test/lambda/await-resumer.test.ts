import type { EventBridgeEvent } from 'aws-lambda';
import type { RegisterRequest } from '../../lambda/runtime/await/resumer';

// The resumer handler end to end: the real handler, broker and DynamoDbAwaitStore, over an
// in-memory DynamoDB table (honouring the store's condition expressions) and a recording
// Step Functions client. Both SDK clients are replaced; their commands stay real.

type Item = Record<string, { S?: string; N?: string }>;
type Command = { constructor: { name: string }; input: Record<string, any> };

const mockTable = new Map<string, Item>();
const mockTaskSuccesses: { taskToken: string; output: string }[] = [];

function mockConditionHolds(
  condition: string | undefined,
  existing: Item | undefined,
  values: Record<string, { S?: string; N?: string }> | undefined,
): boolean {
  if (!condition) return true;
  return condition.split(' OR ').some((clause) => {
    if (clause === 'attribute_not_exists(pk)') return existing === undefined;
    const older = /^(\w+) < (:\w+)$/.exec(clause);
    if (older) return Number(existing?.[older[1]]?.N) < Number(values?.[older[2]]?.N);
    const equals = /^(\w+) = (:\w+)$/.exec(clause);
    if (!equals) throw new Error(`fake DynamoDB: unsupported condition '${clause}'`);
    return (
      existing?.[equals[1]]?.S !== undefined && existing[equals[1]].S === values?.[equals[2]]?.S
    );
  });
}

async function mockDynamoSend({ constructor, input }: Command): Promise<unknown> {
  const pk: string = (input.Item ?? input.Key).pk.S;
  const existing = mockTable.get(pk);
  switch (constructor.name) {
    case 'PutItemCommand':
      if (!mockConditionHolds(input.ConditionExpression, existing, input.ExpressionAttributeValues))
        throw Object.assign(new Error('The conditional request failed'), {
          name: 'ConditionalCheckFailedException',
        });
      mockTable.set(pk, input.Item);
      return {};
    case 'DeleteItemCommand':
      mockTable.delete(pk);
      return input.ReturnValues === 'ALL_OLD' ? { Attributes: existing } : {};
    case 'GetItemCommand':
      return { Item: existing };
    default:
      throw new Error(`fake DynamoDB: unexpected ${constructor.name}`);
  }
}

jest.mock('@aws-sdk/client-dynamodb', () => ({
  ...jest.requireActual('@aws-sdk/client-dynamodb'),
  DynamoDBClient: class {
    public send(command: Command) {
      return mockDynamoSend(command);
    }
  },
}));

jest.mock('@aws-sdk/client-sfn', () => ({
  ...jest.requireActual('@aws-sdk/client-sfn'),
  SFNClient: class {
    public async send(command: Command) {
      if (command.constructor.name !== 'SendTaskSuccessCommand')
        throw new Error(`fake SFN: unexpected ${command.constructor.name}`);
      mockTaskSuccesses.push(command.input as { taskToken: string; output: string });
      return {};
    }
  },
}));

type ResumerModule = typeof import('../../lambda/runtime/await/resumer');
type HandlerInput = Parameters<ResumerModule['handler']>[0];

const RESTAURANTS = 'food.restaurants';
const ARN = 'arn:aws:states:eu-west-1:111111111111:execution:orders:exec-1';
const AWAITS = [
  {
    name: 'WaitForRestaurant',
    events: [
      { source: RESTAURANTS, detailType: 'OrderAccepted' },
      { source: RESTAURANTS, detailType: 'OrderRejected' },
    ],
    correlateBy: 'orderId',
    timeoutSeconds: 900,
  },
  {
    name: 'WaitForCourier',
    events: [{ source: 'food.couriers', detailType: 'CourierAssigned' }],
    correlateBy: 'order.id',
    timeoutSeconds: 600,
  },
];

/** Load the handler afresh (it caches its config and broker per module instance). */
function load(awaits: string | null = JSON.stringify(AWAITS)) {
  if (awaits === null) delete process.env.ENSEMBLE_AWAITS;
  else process.env.ENSEMBLE_AWAITS = awaits;
  process.env.ENSEMBLE_AWAIT_TABLE = 'orders-await-table';
  let resumer!: ResumerModule;
  let logger!: typeof import('../../lambda/runtime/logger').logger;
  jest.isolateModules(() => {
    resumer = require('../../lambda/runtime/await/resumer');
    logger = require('../../lambda/runtime/logger').logger;
  });
  const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  const handler = (input: HandlerInput | RegisterRequest) => resumer.handler(input);
  return {
    handler,
    warn,
    info,
    CorrelationValueMissingError: resumer.CorrelationValueMissingError,
  };
}

const register = (overrides: Partial<RegisterRequest> = {}): RegisterRequest => ({
  token: 'token-1',
  await: 'WaitForRestaurant',
  data: { orderId: 'order-1', items: [] },
  executionArn: ARN,
  metadata: { correlationId: 'corr-1' },
  ...overrides,
});

function event(
  detailType: string,
  data: unknown,
  options: { source?: string; id?: string; eventId?: string | null } = {},
): HandlerInput {
  const eventId = options.eventId === undefined ? 'evt-1' : options.eventId;
  return {
    version: '0',
    id: options.id ?? 'eb-1',
    'detail-type': detailType,
    source: options.source ?? RESTAURANTS,
    account: '111111111111',
    time: '2025-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      metadata:
        eventId === null ? { correlationId: 'corr-1' } : { eventId, correlationId: 'corr-1' },
      data,
    },
  } satisfies EventBridgeEvent<string, unknown>;
}

/** The outputs sent to Step Functions, parsed, with their tokens. */
const resumes = () =>
  mockTaskSuccesses.map((s) => ({ token: s.taskToken, output: JSON.parse(s.output) }));
const pendingKeys = () => [...mockTable.keys()].filter((pk) => !pk.startsWith('D#')).sort();

const ACCEPTED = {
  event: 'OrderAccepted',
  source: RESTAURANTS,
  eventId: 'evt-1',
  data: { orderId: 'order-1' },
};

beforeEach(() => {
  mockTable.clear();
  mockTaskSuccesses.length = 0;
});

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(() => {
  delete process.env.ENSEMBLE_AWAITS;
  delete process.env.ENSEMBLE_AWAIT_TABLE;
});

describe('resumer handler', () => {
  it('resumes a registered waiter once when its event arrives', async () => {
    const { handler } = load();

    await expect(handler(register())).resolves.toEqual({ outcomes: ['waiting'] });
    expect(pendingKeys()).toEqual(['W#WaitForRestaurant#order-1']);
    await expect(handler(event('OrderAccepted', { orderId: 'order-1' }))).resolves.toEqual({
      outcomes: ['resumed'],
    });

    expect(resumes()).toEqual([{ token: 'token-1', output: ACCEPTED }]);
    expect(pendingKeys()).toEqual([]);
    // Redelivered by EventBridge: ignored.
    await expect(handler(event('OrderAccepted', { orderId: 'order-1' }))).resolves.toEqual({
      outcomes: ['duplicate'],
    });
    expect(resumes()).toHaveLength(1);
  });

  it('records the waiter until the expiry the workflow computed, or its timeout plus a minute', async () => {
    const { handler } = load();
    const now = Math.floor(Date.now() / 1000);
    await handler(register({ expiresAt: 1_900_000_000, deadline: '2030-03-17T17:45:40.000Z' }));
    expect(mockTable.get('W#WaitForRestaurant#order-1')?.expiresAt).toEqual({ N: '1900000000' });
    mockTable.clear();
    await handler(register());
    const expiresAt = Number(mockTable.get('W#WaitForRestaurant#order-1')?.expiresAt?.N);
    expect(expiresAt - now).toBeGreaterThanOrEqual(900 + 60);
    expect(expiresAt - now).toBeLessThan(900 + 60 + 5);
  });

  it("gives the workflow the event's identity and data, not its metadata", async () => {
    const { handler } = load();
    await handler(register());
    await handler(event('OrderAccepted', { orderId: 'order-1', eta: 20 }));

    expect(resumes()[0].output).toEqual({
      event: 'OrderAccepted',
      source: RESTAURANTS,
      eventId: 'evt-1',
      data: { orderId: 'order-1', eta: 20 },
    });
  });

  it('keeps only the listed data fields, and the metadata when asked', async () => {
    const awaits = AWAITS.map((a) =>
      a.name === 'WaitForRestaurant'
        ? { ...a, keep: { data: ['eta', 'kitchen.name', 'absent'], metadata: true } }
        : a,
    );
    const { handler } = load(JSON.stringify(awaits));
    await handler(register());
    await handler(
      event('OrderAccepted', { orderId: 'order-1', eta: 20, kitchen: { name: 'K', id: 7 } }),
    );

    expect(resumes()[0].output).toEqual({
      event: 'OrderAccepted',
      source: RESTAURANTS,
      eventId: 'evt-1',
      data: { eta: 20, kitchen: { name: 'K' } },
      metadata: { eventId: 'evt-1', correlationId: 'corr-1' },
    });
  });

  it('keeps an early event and resumes the waiter when it registers', async () => {
    const { handler } = load();

    await expect(handler(event('OrderAccepted', { orderId: 'order-1' }))).resolves.toEqual({
      outcomes: ['kept'],
    });
    expect(pendingKeys()).toEqual(['E#WaitForRestaurant#order-1\u001fcorr-1']);
    expect(resumes()).toEqual([]);

    await expect(handler(register())).resolves.toEqual({ outcomes: ['resumed'] });
    expect(resumes()).toEqual([{ token: 'token-1', output: ACCEPTED }]);
    expect(pendingKeys()).toEqual([]);
  });

  it('correlates a number with its string form and reads nested correlation fields', async () => {
    const { handler } = load();
    await handler(
      register({ await: 'WaitForCourier', data: { order: { id: 42 } }, token: 'token-c' }),
    );

    const assigned = event('CourierAssigned', { order: { id: '42' } }, { source: 'food.couriers' });
    await expect(handler(assigned)).resolves.toEqual({ outcomes: ['resumed'] });
    expect(resumes()).toEqual([
      {
        token: 'token-c',
        output: expect.objectContaining({
          event: 'CourierAssigned',
          data: { order: { id: '42' } },
        }),
      },
    ]);
  });

  it('uses the EventBridge id when the event carries no eventId', async () => {
    const { handler } = load();
    await handler(register());
    await handler(event('OrderRejected', { orderId: 'order-1' }, { eventId: null, id: 'eb-9' }));
    expect(resumes()).toEqual([
      {
        token: 'token-1',
        output: {
          event: 'OrderRejected',
          source: RESTAURANTS,
          eventId: 'eb-9',
          data: { orderId: 'order-1' },
        },
      },
    ]);
  });

  it.each<[string, string, string]>([
    ['an unknown source', 'food.kitchens', 'OrderAccepted'],
    ['an unknown detail-type', RESTAURANTS, 'MenuChanged'],
    ['a detail-type of another source', 'food.couriers', 'OrderAccepted'],
  ])('returns no outcome and warns for %s', async (_name, source, detailType) => {
    const { handler, warn } = load();
    await handler(register());

    await expect(handler(event(detailType, { orderId: 'order-1' }, { source }))).resolves.toEqual({
      outcomes: [],
    });

    expect(warn).toHaveBeenCalledWith('event matches no await of this context', {
      source,
      detailType,
    });
    expect(resumes()).toEqual([]);
    expect(pendingKeys()).toEqual(['W#WaitForRestaurant#order-1']);
  });

  it.each<[string, unknown]>([
    ['missing', { other: 'x' }],
    ['null', { orderId: null }],
    ['an object', { orderId: { id: 'order-1' } }],
    ['the data itself missing', undefined],
  ])('drops an event whose correlation field is %s', async (_name, data) => {
    const { handler, warn } = load();
    await handler(register());

    await expect(handler(event('OrderAccepted', data))).resolves.toEqual({ outcomes: [] });

    expect(warn).toHaveBeenCalledWith(
      'event has no correlation value; dropped (it stays in the bus archive)',
      { await: 'WaitForRestaurant', field: 'orderId' },
    );
    expect(warn).not.toHaveBeenCalledWith(
      'event matches no await of this context',
      expect.anything(),
    );
    expect(resumes()).toEqual([]);
    expect(pendingKeys()).toEqual(['W#WaitForRestaurant#order-1']);
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['null', null],
    ['an object', { id: 'order-1' }],
    ['a boolean', true],
    ['an empty string', ''],
  ])('rejects a registration whose correlation value is %s', async (_name, orderId) => {
    const { handler, CorrelationValueMissingError } = load();

    const attempt = handler(register({ data: { orderId } }));
    await expect(attempt).rejects.toBeInstanceOf(CorrelationValueMissingError);
    await expect(attempt).rejects.toMatchObject({
      name: 'CorrelationValueMissing',
      message: expect.stringContaining(
        "await 'WaitForRestaurant' correlates by data.orderId, which must hold a non-empty string or a number",
      ),
    });
    expect(mockTable.size).toBe(0);
  });

  it('rejects a registration for an await that is not configured', async () => {
    const { handler } = load();
    await expect(handler(register({ await: 'WaitForPayment' }))).rejects.toThrow(
      "no await named 'WaitForPayment' is configured for this context",
    );
    expect(mockTable.size).toBe(0);
  });

  it('rejects a second execution waiting on the same order', async () => {
    const { handler } = load();
    await handler(register());
    await expect(
      handler(register({ token: 'token-2', executionArn: `${ARN}-other` })),
    ).rejects.toMatchObject({ name: 'AwaitConflict' });
    await handler(event('OrderAccepted', { orderId: 'order-1' }));
    expect(resumes().map((r) => r.token)).toEqual(['token-1']);
  });

  it('fails clearly when ENSEMBLE_AWAITS is not set', async () => {
    const { handler } = load(null);
    await expect(handler(register())).rejects.toThrow(/ENSEMBLE_AWAITS is not set/);
  });
});

import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { AwaitOutput, KeptEvent, Waiter } from '../../lambda/runtime/await/broker';
import { fieldAt, parseAwaitConfigs } from '../../lambda/runtime/await/config';
import { DynamoDbAwaitStore } from '../../lambda/runtime/await/dynamodb-store';
import { SfnResumer } from '../../lambda/runtime/await/sfn-resumer';

/** A client whose `send` records each command and answers from a queue (an Error is thrown). */
class FakeClient {
  public readonly sent: { command: string; input: unknown }[] = [];
  public readonly answers: unknown[] = [];

  public async send(command: { constructor: { name: string }; input: unknown }): Promise<unknown> {
    this.sent.push({ command: command.constructor.name, input: command.input });
    const answer = this.answers.shift() ?? {};
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

const named = (name: string, message = name): Error => Object.assign(new Error(message), { name });

const TABLE = 'orders-await-table';
const NOW = 1_700_000_000;
const KEY = 'WaitForRestaurant#order-1';
const ARN = 'arn:aws:states:eu-west-1:111111111111:execution:orders:exec-1';
const OUTPUT: AwaitOutput = {
  event: 'OrderAccepted',
  source: 'food.restaurants',
  eventId: 'evt-1',
  data: { orderId: 'order-1', eta: 12 },
  metadata: { eventId: 'evt-1', correlationId: 'corr-1' },
};
const WAITER: Waiter = { key: KEY, token: 'token-1', executionArn: ARN, expiresAt: NOW + 60 };
const EVENT: KeptEvent = { key: KEY, eventId: 'evt-1', output: OUTPUT, expiresAt: NOW + 60 };

describe('DynamoDbAwaitStore', () => {
  let client: FakeClient;
  let store: DynamoDbAwaitStore;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
    client = new FakeClient();
    store = new DynamoDbAwaitStore(TABLE, client as unknown as DynamoDBClient);
  });

  afterEach(() => jest.restoreAllMocks());

  it('sends real SDK commands', async () => {
    const sent: unknown[] = [];
    const recording = { send: async (command: unknown) => (sent.push(command), {}) };
    const s = new DynamoDbAwaitStore(TABLE, recording as unknown as DynamoDBClient);
    await s.putWaiter(WAITER);
    await s.takeEvent(KEY);
    await s.hasWaiter(KEY);
    expect(sent[0]).toBeInstanceOf(PutItemCommand);
    expect(sent[1]).toBeInstanceOf(DeleteItemCommand);
    expect(sent[2]).toBeInstanceOf(GetItemCommand);
  });

  describe('conditional writes', () => {
    it('puts a waiter under W# unless another execution waits on the key', async () => {
      await expect(store.putWaiter(WAITER)).resolves.toBe(true);
      expect(client.sent).toEqual([
        {
          command: 'PutItemCommand',
          input: {
            TableName: TABLE,
            Item: {
              pk: { S: `W#${KEY}` },
              token: { S: 'token-1' },
              executionArn: { S: ARN },
              expiresAt: { N: String(NOW + 60) },
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR executionArn = :arn OR expiresAt < :now',
            ExpressionAttributeValues: { ':arn': { S: ARN }, ':now': { N: String(NOW) } },
          },
        },
      ]);
    });

    it('keeps an event under E# unless one is kept, with its output as JSON', async () => {
      await expect(store.keepEvent(EVENT)).resolves.toBe(true);
      expect(client.sent).toEqual([
        {
          command: 'PutItemCommand',
          input: {
            TableName: TABLE,
            Item: {
              pk: { S: `E#${KEY}` },
              eventId: { S: 'evt-1' },
              output: { S: JSON.stringify(OUTPUT) },
              expiresAt: { N: String(NOW + 60) },
            },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': { N: String(NOW) } },
          },
        },
      ]);
    });

    it('marks an event id seen under D# unless it is already', async () => {
      await expect(store.markSeen(`${KEY}#evt-1`, NOW + 900)).resolves.toBe(true);
      expect(client.sent).toEqual([
        {
          command: 'PutItemCommand',
          input: {
            TableName: TABLE,
            Item: { pk: { S: `D#${KEY}#evt-1` }, expiresAt: { N: String(NOW + 900) } },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': { N: String(NOW) } },
          },
        },
      ]);
    });

    const writes: [string, (s: DynamoDbAwaitStore) => Promise<boolean>][] = [
      ['putWaiter', (s) => s.putWaiter(WAITER)],
      ['keepEvent', (s) => s.keepEvent(EVENT)],
      ['markSeen', (s) => s.markSeen('evt-1', NOW + 60)],
    ];

    it.each(writes)('%s returns false when the condition fails (error name)', async (_m, write) => {
      client.answers.push(
        named('ConditionalCheckFailedException', 'The conditional request failed'),
      );
      await expect(write(store)).resolves.toBe(false);
    });

    it.each(writes)(
      '%s returns false on the SDK ConditionalCheckFailedException',
      async (_m, write) => {
        client.answers.push(
          new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
          }),
        );
        await expect(write(store)).resolves.toBe(false);
      },
    );

    it.each(writes)('%s rethrows any other error', async (_m, write) => {
      const error = named('ProvisionedThroughputExceededException');
      client.answers.push(error);
      await expect(write(store)).rejects.toBe(error);
    });
  });

  describe('takes', () => {
    const waiterItem = (expiresAt: number) => ({
      pk: { S: `W#${KEY}` },
      token: { S: 'token-1' },
      executionArn: { S: ARN },
      expiresAt: { N: String(expiresAt) },
    });
    const eventItem = (expiresAt: number) => ({
      pk: { S: `E#${KEY}` },
      eventId: { S: 'evt-1' },
      output: { S: JSON.stringify(OUTPUT) },
      expiresAt: { N: String(expiresAt) },
    });

    it('takes a waiter by deleting W# and returning the old item', async () => {
      client.answers.push({ Attributes: waiterItem(NOW + 60) });
      await expect(store.takeWaiter(KEY)).resolves.toEqual(WAITER);
      expect(client.sent).toEqual([
        {
          command: 'DeleteItemCommand',
          input: { TableName: TABLE, Key: { pk: { S: `W#${KEY}` } }, ReturnValues: 'ALL_OLD' },
        },
      ]);
    });

    it("takes a flow's waiter only, in one conditional delete", async () => {
      const withFlow = { ...waiterItem(NOW + 60), correlationId: { S: 'corr-1' } };
      client.answers.push(
        { Attributes: withFlow },
        named('ConditionalCheckFailedException', 'The conditional request failed'),
      );
      await expect(store.takeWaiter(KEY, 'corr-1')).resolves.toEqual({
        ...WAITER,
        correlationId: 'corr-1',
      });
      // A waiter of another flow fails the condition: no waiter for this event.
      await expect(store.takeWaiter(KEY, 'corr-2')).resolves.toBeUndefined();
      expect(client.sent[1]).toEqual({
        command: 'DeleteItemCommand',
        input: {
          TableName: TABLE,
          Key: { pk: { S: `W#${KEY}` } },
          ReturnValues: 'ALL_OLD',
          ConditionExpression:
            'attribute_not_exists(correlationId) OR correlationId = :correlationId',
          ExpressionAttributeValues: { ':correlationId': { S: 'corr-2' } },
        },
      });
    });

    it("tells a flow's waiter from another flow's", async () => {
      const withFlow = { ...waiterItem(NOW + 60), correlationId: { S: 'corr-1' } };
      client.answers.push({ Item: withFlow }, { Item: withFlow }, { Item: waiterItem(NOW + 60) });
      await expect(store.hasWaiter(KEY, 'corr-1')).resolves.toBe(true);
      await expect(store.hasWaiter(KEY, 'corr-2')).resolves.toBe(false);
      // A waiter that carries no flow pairs with any.
      await expect(store.hasWaiter(KEY, 'corr-2')).resolves.toBe(true);
    });

    it('takes a kept event by deleting E# and parsing its output', async () => {
      client.answers.push({ Attributes: eventItem(NOW + 60) });
      await expect(store.takeEvent(KEY)).resolves.toEqual(EVENT);
      expect(client.sent).toEqual([
        {
          command: 'DeleteItemCommand',
          input: { TableName: TABLE, Key: { pk: { S: `E#${KEY}` } }, ReturnValues: 'ALL_OLD' },
        },
      ]);
    });

    it.each<[string, (s: DynamoDbAwaitStore) => Promise<unknown>, (e: number) => object]>([
      ['takeWaiter', (s) => s.takeWaiter(KEY), waiterItem],
      ['takeEvent', (s) => s.takeEvent(KEY), eventItem],
    ])('%s treats a missing or expired item as absent', async (_m, take, item) => {
      client.answers.push({}, { Attributes: item(NOW - 1) }, { Attributes: item(NOW) });
      await expect(take(store)).resolves.toBeUndefined();
      // Expired but not yet swept by DynamoDB's TTL.
      await expect(take(store)).resolves.toBeUndefined();
      // Expiring this very second still counts.
      await expect(take(store)).resolves.toBeDefined();
    });

    it('reads a waiter consistently under W#', async () => {
      client.answers.push({ Item: waiterItem(NOW + 60) }, {});
      await expect(store.hasWaiter(KEY)).resolves.toBe(true);
      await expect(store.hasWaiter(KEY)).resolves.toBe(false);
      expect(client.sent[0]).toEqual({
        command: 'GetItemCommand',
        input: { TableName: TABLE, Key: { pk: { S: `W#${KEY}` } }, ConsistentRead: true },
      });
    });

    it('unmarks a seen event id by deleting D#', async () => {
      await store.unmarkSeen(`${KEY}#evt-1`);
      expect(client.sent).toEqual([
        {
          command: 'DeleteItemCommand',
          input: { TableName: TABLE, Key: { pk: { S: `D#${KEY}#evt-1` } } },
        },
      ]);
    });

    it.each<[string, (s: DynamoDbAwaitStore) => Promise<unknown>]>([
      ['takeWaiter', (s) => s.takeWaiter(KEY)],
      ['takeEvent', (s) => s.takeEvent(KEY)],
      ['hasWaiter', (s) => s.hasWaiter(KEY)],
      ['unmarkSeen', (s) => s.unmarkSeen('evt-1')],
    ])('%s rethrows errors', async (_m, call) => {
      const error = named('InternalServerError');
      client.answers.push(error);
      await expect(call(store)).rejects.toBe(error);
    });
  });
});

describe('SfnResumer', () => {
  let client: FakeClient;
  let resumer: SfnResumer;

  beforeEach(() => {
    client = new FakeClient();
    resumer = new SfnResumer(client as unknown as SFNClient);
  });

  it('sends the output as JSON with SendTaskSuccess and reports resumed', async () => {
    await expect(resumer.resume('token-1', OUTPUT)).resolves.toBe('resumed');
    expect(client.sent).toEqual([
      {
        command: SendTaskSuccessCommand.name,
        input: { taskToken: 'token-1', output: JSON.stringify(OUTPUT) },
      },
    ]);
    expect(JSON.parse((client.sent[0].input as { output: string }).output)).toEqual(OUTPUT);
  });

  it.each(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'])(
    'reports gone when Step Functions answers %s',
    async (name) => {
      client.answers.push(named(name));
      await expect(resumer.resume('token-1', OUTPUT)).resolves.toBe('gone');
    },
  );

  it.each(['ThrottlingException', 'ServiceUnavailable', 'AccessDeniedException', 'InvalidOutput'])(
    'rethrows %s',
    async (name) => {
      const error = named(name);
      client.answers.push(error);
      await expect(resumer.resume('token-1', OUTPUT)).rejects.toBe(error);
    },
  );
});

describe('fieldAt', () => {
  const data = {
    orderId: 'order-1',
    zero: 0,
    empty: '',
    nothing: null,
    order: { id: 42, customer: { id: 'c-7' }, name: 'pizza' },
    items: [{ sku: 'a' }, { sku: 'b' }],
  };

  it.each<[string, unknown, string, unknown]>([
    ['a top-level field', data, 'orderId', 'order-1'],
    ['a nested field', data, 'order.id', 42],
    ['a deeply nested field', data, 'order.customer.id', 'c-7'],
    ['a nested object', data, 'order.customer', { id: 'c-7' }],
    ['a falsy number', data, 'zero', 0],
    ['an empty string', data, 'empty', ''],
    ['an array element by index', data, 'items.1.sku', 'b'],
    ['a null field', data, 'nothing', null],
    ['a missing top-level field', data, 'missing', undefined],
    ['a missing nested field', data, 'order.missing.id', undefined],
    ['a path through a string', data, 'order.name.length', undefined],
    ['a path through a number', data, 'order.id.value', undefined],
    ['a path through null', data, 'nothing.id', undefined],
    ['undefined', undefined, 'orderId', undefined],
    ['null', null, 'orderId', undefined],
    ['a string', 'order-1', 'orderId', undefined],
    ['a number', 7, 'orderId', undefined],
  ])('reads %s', (_name, value, path, expected) => {
    expect(fieldAt(value, path)).toEqual(expected);
  });
});

describe('parseAwaitConfigs', () => {
  it.each([undefined, ''])('throws a clear error when ENSEMBLE_AWAITS is %p', (value) => {
    expect(() => parseAwaitConfigs(value)).toThrow(
      'ENSEMBLE_AWAITS is not set: this function is configured by BoundedContext.await()',
    );
  });

  it('parses the configured awaits', () => {
    const configs = [
      {
        name: 'WaitForRestaurant',
        events: [{ source: 'food.restaurants', detailType: 'OrderAccepted' }],
        correlateBy: 'orderId',
        timeoutSeconds: 900,
      },
    ];
    expect(parseAwaitConfigs(JSON.stringify(configs))).toEqual(configs);
  });
});

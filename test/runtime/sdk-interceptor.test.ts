import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SdkCall, SdkInterceptor, UnsupportedCallError } from '../../lib/runtime/sdk-interceptor';

type Proto = Record<string | symbol, unknown>;

/** smithy's base `Client` prototype, found through a client's prototype chain. */
function smithyClientPrototype(client: object): Proto {
  let proto = Object.getPrototypeOf(client);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'send'))
    proto = Object.getPrototypeOf(proto);
  if (!proto) throw new Error('no send on the prototype chain');
  return proto as Proto;
}

const ORIGINAL = Symbol.for('cdk-ensemble.local-runtime.original-send');

// No region, no credentials: any call that escaped to the SDK's own `send` would fail.
const newClients = () => ({
  eventBridge: new EventBridgeClient({}),
  sfn: new SFNClient({}),
  dynamoDb: new DynamoDBClient({}),
});

describe('SdkInterceptor', () => {
  let interceptor: SdkInterceptor;
  let calls: SdkCall[];
  const recording = async (call: SdkCall) => {
    calls.push(call);
    return { served: `${call.service}.${call.action}` };
  };

  beforeEach(() => {
    interceptor = new SdkInterceptor();
    calls = [];
  });

  afterEach(() => {
    interceptor.uninstall();
  });

  it('routes an EventBridge PutEvents call to the router', async () => {
    interceptor.install(recording);
    const entries = [
      {
        Source: 'shop.orders',
        DetailType: 'OrderPlaced',
        Detail: JSON.stringify({ data: { orderId: 'o-1' } }),
        EventBusName: 'DomainBus',
      },
    ];
    const result = await new EventBridgeClient({}).send(new PutEventsCommand({ Entries: entries }));
    expect(result).toEqual({ served: 'EventBridge.PutEvents' });
    expect(calls).toEqual([
      { service: 'EventBridge', action: 'PutEvents', input: { Entries: entries } },
    ]);
  });

  it.each([
    {
      name: 'SFN SendTaskSuccess',
      send: (c: ReturnType<typeof newClients>) =>
        c.sfn.send(new SendTaskSuccessCommand({ taskToken: 't-1', output: '{"ok":true}' })),
      call: {
        service: 'SFN',
        action: 'SendTaskSuccess',
        input: { taskToken: 't-1', output: '{"ok":true}' },
      },
    },
    {
      name: 'SFN StartExecution',
      send: (c: ReturnType<typeof newClients>) =>
        c.sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:sm', input: '{}' })),
      call: {
        service: 'SFN',
        action: 'StartExecution',
        input: { stateMachineArn: 'arn:sm', input: '{}' },
      },
    },
    {
      name: 'DynamoDB GetItem',
      send: (c: ReturnType<typeof newClients>) =>
        c.dynamoDb.send(new GetItemCommand({ TableName: 'Waiters', Key: { pk: { S: 'W#1' } } })),
      call: {
        service: 'DynamoDB',
        action: 'GetItem',
        input: { TableName: 'Waiters', Key: { pk: { S: 'W#1' } } },
      },
    },
    {
      name: 'DynamoDB PutItem',
      send: (c: ReturnType<typeof newClients>) =>
        c.dynamoDb.send(
          new PutItemCommand({
            TableName: 'Waiters',
            Item: { pk: { S: 'W#1' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      call: {
        service: 'DynamoDB',
        action: 'PutItem',
        input: {
          TableName: 'Waiters',
          Item: { pk: { S: 'W#1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    },
  ])('routes $name to the router', async ({ send, call }) => {
    interceptor.install(recording);
    await expect(send(newClients())).resolves.toEqual({ served: `${call.service}.${call.action}` });
    expect(calls).toEqual([call]);
  });

  it('routes calls of clients created before install', async () => {
    const clients = newClients();
    interceptor.install(recording);
    await clients.sfn.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }));
    expect(calls.map((c) => `${c.service}.${c.action}`)).toEqual(['SFN.SendTaskSuccess']);
  });

  it('routes to the router of the latest install', async () => {
    const second: SdkCall[] = [];
    interceptor.install(recording);
    interceptor.install(async (call) => {
      second.push(call);
      return {};
    });
    await new SFNClient({}).send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }));
    expect(calls).toHaveLength(0);
    expect(second).toHaveLength(1);
  });

  it.each([
    {
      name: 'EventBridge PutEvents',
      send: (c: ReturnType<typeof newClients>) =>
        c.eventBridge.send(new PutEventsCommand({ Entries: [] })),
      what: 'EventBridge.PutEvents',
    },
    {
      name: 'DynamoDB GetItem',
      send: (c: ReturnType<typeof newClients>) =>
        c.dynamoDb.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } })),
      what: 'DynamoDB.GetItem',
    },
  ])('fails when the router does not serve $name', async ({ send, what }) => {
    interceptor.install(async (call) => {
      throw new UnsupportedCallError(`${call.service}.${call.action}`);
    });
    const error = await send(newClients()).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedCallError);
    expect(error?.name).toBe('LocalRuntime.Unsupported');
    expect(error?.message).toContain(what);
    expect(error?.message).toBe(
      `the local runtime does not serve ${what}; it would have gone to AWS`,
    );
  });

  it('passes the router error through unchanged', async () => {
    const failure = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });
    interceptor.install(async () => {
      throw failure;
    });
    await expect(
      new DynamoDBClient({}).send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'k' } } })),
    ).rejects.toBe(failure);
  });

  describe('uninstall', () => {
    it("restores smithy Client's own send", () => {
      const client = new EventBridgeClient({});
      const base = smithyClientPrototype(client);
      const original = base.send;
      expect(typeof original).toBe('function');

      interceptor.install(recording);
      expect(smithyClientPrototype(client)).toBe(base);
      expect(base.send).not.toBe(original);
      expect(base[ORIGINAL]).toBe(original);
      // Every client shares the one patched base.
      expect(smithyClientPrototype(new SFNClient({})).send).toBe(base.send);
      expect(smithyClientPrototype(new DynamoDBClient({})).send).toBe(base.send);

      interceptor.uninstall();
      expect(base.send).toBe(original);
      expect(Object.getOwnPropertySymbols(base)).not.toContain(ORIGINAL);
    });

    it("sends through the SDK's own middleware again, not the router", async () => {
      const client = new SFNClient({});
      // Answer in the SDK's first middleware step, so the restored send never reaches the network.
      client.middlewareStack.add(
        () => async () => ({
          output: { $metadata: {}, answeredBy: 'sdk middleware' },
          response: {},
        }),
        { step: 'initialize', name: 'answerLocally' },
      );
      const send = () => client.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }));

      interceptor.install(recording);
      await expect(send()).resolves.toEqual({ served: 'SFN.SendTaskSuccess' });
      interceptor.uninstall();
      await expect(send()).resolves.toMatchObject({ answeredBy: 'sdk middleware' });
      expect(calls).toHaveLength(1);
    });

    it('can install again after uninstall', async () => {
      const base = smithyClientPrototype(new SFNClient({}));
      const original = base.send;
      interceptor.install(recording);
      interceptor.uninstall();
      interceptor.install(recording);
      expect(base.send).not.toBe(original);
      await new SFNClient({}).send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }));
      expect(calls).toHaveLength(1);
      interceptor.uninstall();
      expect(base.send).toBe(original);
    });

    it('is harmless when nothing was installed', () => {
      const base = smithyClientPrototype(new SFNClient({}));
      const original = base.send;
      interceptor.uninstall();
      expect(base.send).toBe(original);
    });
  });
});

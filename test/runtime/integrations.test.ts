import { createHash } from 'node:crypto';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { BoundedContext, DomainEventBus } from '../../lib';
import { LocalRuntime } from '../../lib/runtime';
import { testApp } from '../helpers';

/**
 * The Task integrations of the local runtime, driven by workflows written
 * with aws-cdk-lib's own task constructs, as a user writes them: plain
 * `sfn.StateMachine`s of the stack (the runtime loads every
 * `AWS::StepFunctions::StateMachine` of the assembly) and a bounded context's
 * workflow. Each result is checked against the shape AWS documents for the
 * integration, and every wait against the virtual clock.
 */

let assemblyDir: string;
let runtime: LocalRuntime;
/** Logical id of each plain state machine, by construct id. */
const machines: Record<string, string> = {};
let queueUrl: string;
let topicArn: string;
let tableName: string;

const CHILD_ARN = () => `arn:aws:states:us-east-1:123456789012:stateMachine:${machines.Child}`;

beforeAll(() => {
  const app = testApp();
  const stack = new Stack(app, 'Shop');
  const table = new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  const queue = new sqs.Queue(stack, 'Kitchen');
  const topic = new sns.Topic(stack, 'Alerts');
  const machine: MachineFactory = (id, definition, timeout) => {
    const sm = new sfn.StateMachine(stack, id, {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout,
    });
    machines[id] = stack.resolve((sm.node.defaultChild as sfn.CfnStateMachine).logicalId);
    return sm;
  };
  buildChildWorkflows(stack, machine);
  buildDynamoWorkflows(stack, machine, table);
  buildLineWorkflows(stack, machine);
  buildMessageWorkflows(stack, machine, queue, topic);
  buildClockWorkflows(stack, machine);
  buildBillingContext(stack, table, queue);
  queueUrl = `https://sqs.us-east-1.amazonaws.com/123456789012/${logicalId(stack, queue)}`;
  topicArn = `arn:aws:sns:us-east-1:123456789012:${logicalId(stack, topic)}`;
  tableName = logicalId(stack, table);
  assemblyDir = app.synth().directory;
});

type MachineFactory = (
  id: string,
  definition: sfn.IChainable,
  timeout?: Duration,
) => sfn.StateMachine;

function logicalId(stack: Stack, construct: Construct): string {
  return stack.resolve((construct.node.defaultChild as CfnResource).logicalId);
}

/** A child that greets its input's name, or fails when asked to, and its parents. */
function buildChildWorkflows(stack: Stack, machine: MachineFactory): void {
  const child = machine(
    'Child',
    new sfn.Choice(stack, 'ShouldFail')
      .when(
        // Presence first (IsPresent), so that an input without `fail` greets.
        // @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
        sfn.Condition.and(
          sfn.Condition.isPresent('$.fail'),
          sfn.Condition.booleanEquals('$.fail', true),
        ),
        new sfn.Fail(stack, 'Broken', { error: 'Child.Broken', cause: 'asked to fail' }),
      )
      .otherwise(
        new sfn.Pass(stack, 'Greet', {
          parameters: { 'greeting.$': "States.Format('hello {}', $.name)" },
        }),
      ),
  );
  const startChild = (id: string, integrationPattern: sfn.IntegrationPattern) =>
    new tasks.StepFunctionsStartExecution(stack, id, {
      stateMachine: child,
      integrationPattern,
      input: sfn.TaskInput.fromObject({ 'name.$': '$.name', 'fail.$': '$.fail' }),
    });
  machine('StartChild', startChild('FireAndForget', sfn.IntegrationPattern.REQUEST_RESPONSE));
  machine('StartChildSync2', startChild('RunChild', sfn.IntegrationPattern.RUN_JOB));
  // aws-cdk-lib writes `.sync:2` for RUN_JOB; `.sync` (output as a JSON string) needs a CustomState.
  machine(
    'StartChildSync',
    new sfn.CustomState(stack, 'RunChildV1', {
      stateJson: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync',
        Parameters: { StateMachineArn: child.stateMachineArn, Input: { 'name.$': '$.name' } },
      },
    }),
  );
  machine(
    'StartChildCallback',
    new tasks.StepFunctionsStartExecution(stack, 'AskChild', {
      stateMachine: child,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      input: sfn.TaskInput.fromObject({ 'name.$': '$.name', token: sfn.JsonPath.taskToken }),
    }),
  );
}

function buildDynamoWorkflows(stack: Stack, machine: MachineFactory, table: dynamodb.ITable) {
  const key = { pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.id')) };
  machine(
    'Crud',
    new tasks.DynamoPutItem(stack, 'Put', {
      table,
      item: {
        ...key,
        total: tasks.DynamoAttributeValue.numberFromString(sfn.JsonPath.stringAt('$.total')),
        paid: tasks.DynamoAttributeValue.fromBoolean(false),
      },
      resultPath: '$.put',
    })
      .next(new tasks.DynamoGetItem(stack, 'Get', { table, key, resultPath: '$.got' }))
      .next(
        new tasks.DynamoDeleteItem(stack, 'Delete', {
          table,
          key,
          returnValues: tasks.DynamoReturnValues.ALL_OLD,
          resultPath: '$.deleted',
        }),
      )
      .next(new tasks.DynamoGetItem(stack, 'GetAgain', { table, key, resultPath: '$.gone' })),
  );
  machine(
    'SdkGet',
    new tasks.CallAwsService(stack, 'SdkGetItem', {
      service: 'dynamodb',
      action: 'getItem',
      parameters: { TableName: table.tableName, Key: { pk: { 'S.$': '$.id' } } },
      iamResources: [table.tableArn],
    }),
  );
}

/** A TableV2 (a GlobalTable in the template) with a sort key: two lines of one order. */
function buildLineWorkflows(stack: Stack, machine: MachineFactory) {
  const lines = new dynamodb.TableV2(stack, 'Lines', {
    partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'line', type: dynamodb.AttributeType.NUMBER },
  });
  const orderId = tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.id'));
  const put = (id: string, line: string, sku: string) =>
    new tasks.DynamoPutItem(stack, id, {
      table: lines,
      item: {
        orderId,
        line: tasks.DynamoAttributeValue.fromNumber(Number(line)),
        sku: tasks.DynamoAttributeValue.fromString(sku),
      },
      conditionExpression: 'attribute_not_exists(orderId)',
      resultPath: sfn.JsonPath.DISCARD,
    });
  machine(
    'TwoLines',
    put('PutLine1', '1', 'pizza')
      .next(put('PutLine2', '2', 'cola'))
      .next(
        new tasks.DynamoGetItem(stack, 'GetLine2', {
          table: lines,
          key: { orderId, line: tasks.DynamoAttributeValue.fromNumber(2) },
          resultPath: '$.line2',
        }),
      ),
  );
}

function buildMessageWorkflows(
  stack: Stack,
  machine: MachineFactory,
  queue: sqs.IQueue,
  topic: sns.ITopic,
): void {
  machine(
    'Notify',
    new tasks.SqsSendMessage(stack, 'Send', {
      queue,
      messageBody: sfn.TaskInput.fromJsonPathAt('$.text'),
      resultPath: '$.sqs',
    }).next(
      new tasks.SnsPublish(stack, 'Publish', {
        topic,
        message: sfn.TaskInput.fromJsonPathAt('$.text'),
        subject: 'Order',
        resultPath: '$.sns',
      }),
    ),
  );
  machine(
    'AwaitKitchen',
    new tasks.SqsSendMessage(stack, 'AskKitchen', {
      queue,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      messageBody: sfn.TaskInput.fromObject({ 'id.$': '$.id', token: sfn.JsonPath.taskToken }),
      heartbeatTimeout: sfn.Timeout.duration(Duration.seconds(60)),
      taskTimeout: sfn.Timeout.duration(Duration.minutes(10)),
      resultPath: '$.kitchen',
    }),
  );
  machine(
    'S3Read',
    new tasks.CallAwsService(stack, 'ReadReceipt', {
      service: 's3',
      action: 'getObject',
      parameters: { Bucket: 'receipts', Key: 'r-1.json' },
      iamResources: ['arn:aws:s3:::receipts/*'],
    }),
  );
}

function buildClockWorkflows(stack: Stack, machine: MachineFactory): void {
  machine(
    'Pause',
    new sfn.Wait(stack, 'OneMinute', { time: sfn.WaitTime.duration(Duration.seconds(60)) }),
  );
  machine(
    'ShortPause',
    new sfn.Wait(stack, 'TooLong', { time: sfn.WaitTime.duration(Duration.seconds(60)) }),
    Duration.seconds(30),
  );
}

/** The same tasks inside a bounded context's workflow. */
function buildBillingContext(stack: Stack, table: dynamodb.ITable, queue: sqs.IQueue): void {
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'shop' });
  // The tasks below are JSONPath states (paths, ResultPath): a JSONPath context.
  const billing = new BoundedContext(stack, 'Billing', {
    bus,
    events: ['Billed'],
    queryLanguage: sfn.QueryLanguage.JSON_PATH,
  });
  billing.workflow(
    new tasks.DynamoPutItem(stack, 'RecordBill', {
      table,
      item: { pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.data.id')) },
      resultPath: sfn.JsonPath.DISCARD,
    })
      .next(
        new tasks.SqsSendMessage(stack, 'TellKitchen', {
          queue,
          messageBody: sfn.TaskInput.fromJsonPathAt('$.data.id'),
          resultPath: sfn.JsonPath.DISCARD,
        }),
      )
      .next(billing.emit('Billed')),
  );
}

beforeEach(() => {
  runtime = LocalRuntime.fromAssembly(assemblyDir);
});

afterEach(() => runtime?.dispose());

const sfnClient = () => new SFNClient({ region: 'us-east-1' });

/** Starts a plain state machine by its construct id and waits until nothing runs. */
async function run(id: string, input: unknown) {
  const execution = runtime.startExecution(machines[id], input);
  await runtime.settle();
  return execution;
}

function childExecutions() {
  return runtime.record.allExecutions.filter((e) => e.stateMachine === machines.Child);
}

describe('local runtime integrations written with aws-cdk-lib tasks', () => {
  test('loads plain state machines of the stack, not only bounded contexts', () => {
    const loaded = runtime.app.stateMachines.map((m) => m.logicalId);
    expect(loaded).toEqual(expect.arrayContaining(Object.values(machines)));
  });

  describe('states:startExecution', () => {
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
    // Request Response returns StartExecution's response: executionArn and startDate.
    // @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
    test('request-response returns ExecutionArn and StartDate and does not wait for the child', async () => {
      const parent = await run('StartChild', { name: 'Ada', fail: false });
      expect(parent.status).toBe('SUCCEEDED');
      const [child] = childExecutions();
      expect(parent.output).toEqual({
        ExecutionArn: child.executionArn,
        StartDate: expect.anything(),
      });
      expect(Object.keys(parent.output as object).sort()).toEqual(['ExecutionArn', 'StartDate']);
      expect(child.executionArn).toMatch(
        new RegExp(`^arn:aws:states:us-east-1:123456789012:execution:${machines.Child}:`),
      );
      expect(child.input).toEqual({ name: 'Ada', fail: false });
      expect(child.status).toBe('SUCCEEDED');
      expect(child.startedBy).toBe(`${machines.StartChild}/FireAndForget`);
    });

    test('request-response succeeds even when the child fails', async () => {
      const parent = await run('StartChild', { name: 'Ada', fail: true });
      expect(parent.status).toBe('SUCCEEDED');
      expect(childExecutions()[0]).toMatchObject({ status: 'FAILED', error: 'Child.Broken' });
    });

    // `.sync:2` returns DescribeExecution's response with Input and Output as JSON objects.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync
    // @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
    test('.sync:2 waits for the child and returns its output as JSON', async () => {
      const parent = await run('StartChildSync2', { name: 'Ada', fail: false });
      const [child] = childExecutions();
      expect(parent.status).toBe('SUCCEEDED');
      expect(parent.output).toMatchObject({
        ExecutionArn: child.executionArn,
        StateMachineArn: CHILD_ARN(),
        Name: child.executionArn.split(':').pop(),
        Status: 'SUCCEEDED',
        Input: { name: 'Ada', fail: false },
        Output: { greeting: 'hello Ada' },
      });
      expect(parent.output).toHaveProperty('StartDate');
      expect(parent.output).toHaveProperty('StopDate');
      expect(child.output).toEqual({ greeting: 'hello Ada' });
    });

    // `.sync` (without `:2`) returns the same response with Input and Output as JSON text.
    test('.sync returns the child output as a JSON string', async () => {
      const parent = await run('StartChildSync', { name: 'Ada' });
      expect(parent.status).toBe('SUCCEEDED');
      const output = parent.output as Record<string, unknown>;
      expect(output.Status).toBe('SUCCEEDED');
      expect(typeof output.Output).toBe('string');
      expect(JSON.parse(output.Output as string)).toEqual({ greeting: 'hello Ada' });
      expect(typeof output.Input).toBe('string');
      expect(JSON.parse(output.Input as string)).toEqual({ name: 'Ada' });
    });

    // A `.sync` child that does not succeed fails the task with States.TaskFailed.
    test('.sync:2 fails the parent with States.TaskFailed when the child fails', async () => {
      const parent = await run('StartChildSync2', { name: 'Ada', fail: true });
      expect(parent.status).toBe('FAILED');
      expect(parent.error).toBe('States.TaskFailed');
      const cause = JSON.parse(parent.cause!);
      expect(cause).toMatchObject({
        Status: 'FAILED',
        Error: 'Child.Broken',
        Cause: 'asked to fail',
      });
      expect(childExecutions()[0].status).toBe('FAILED');
    });

    // `.waitForTaskToken`: the task ends with the output given to SendTaskSuccess.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
    test('.waitForTaskToken waits for SendTaskSuccess after the child ends', async () => {
      const parent = await run('StartChildCallback', { name: 'Ada' });
      const [child] = childExecutions();
      expect(child.status).toBe('SUCCEEDED');
      expect(parent.status).toBe('RUNNING');
      const token = (child.input as { token: string }).token;
      expect(typeof token).toBe('string');
      await sfnClient().send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ok: 1 }) }),
      );
      await runtime.settle();
      expect(parent.status).toBe('SUCCEEDED');
      expect(parent.output).toEqual({ ok: 1 });
    });
  });

  describe('DynamoDB', () => {
    // The optimized integration returns the API's response, items in DynamoDB JSON.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
    // @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
    test('putItem, getItem and deleteItem on a table of the stack', async () => {
      const execution = await run('Crud', { id: 'o-1', total: '42' });
      expect(execution.status).toBe('SUCCEEDED');
      const output = execution.output as Record<string, any>;
      const item = { pk: { S: 'o-1' }, total: { N: '42' }, paid: { BOOL: false } };
      expect(output.put).toEqual({});
      expect(output.got).toEqual({ Item: item });
      expect(output.deleted).toEqual({ Attributes: item });
      // GetItem with no matching item returns no Item element.
      expect(output.gone).toEqual({});
    });

    test('what a workflow writes is in the table, and a workflow reads what is there', async () => {
      const dynamo = new DynamoDBClient({ region: 'us-east-1' });
      await dynamo.send(
        new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'o-2' }, note: { S: 'x' } } }),
      );
      const execution = await run('SdkGet', { id: 'o-2' });
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.output).toEqual({ Item: { pk: { S: 'o-2' }, note: { S: 'x' } } });

      runtime.startExecution('billing', {
        metadata: { correlationId: 'b-1' },
        data: { id: 'o-3' },
      });
      await runtime.settle();
      expect(runtime.executions('billing')[0].status).toBe('SUCCEEDED');
      const stored = await dynamo.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'o-3' } } }),
      );
      expect(stored.Item).toEqual({ pk: { S: 'o-3' } });
    });
  });

  // A TableV2 synthesizes an AWS::DynamoDB::GlobalTable; an item's key is its partition key
  // and its sort key together, so two lines of one order are two items.
  // @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.CoreComponents.html
  test('a TableV2 with a sort key keeps two items of one partition apart', async () => {
    const execution = await run('TwoLines', { id: 'o-9' });
    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    expect((execution.output as Record<string, any>).line2).toEqual({
      Item: { orderId: { S: 'o-9' }, line: { N: '2' }, sku: { S: 'cola' } },
    });
  });

  describe('SQS and SNS', () => {
    // SendMessage and Publish return the MessageId of the message.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html
    // @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
    // @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
    test('sendMessage and publish are recorded and return a MessageId', async () => {
      const execution = await run('Notify', { text: 'order o-1 is ready' });
      expect(execution.status).toBe('SUCCEEDED');
      const output = execution.output as Record<string, any>;
      expect(output.sqs.MessageId).toEqual(expect.any(String));
      expect(output.sqs.MD5OfMessageBody).toBe(
        createHash('md5').update('order o-1 is ready').digest('hex'),
      );
      expect(output.sns.MessageId).toEqual(expect.any(String));
      expect(runtime.record.messages).toEqual([
        expect.objectContaining({
          service: 'sqs',
          target: queueUrl,
          body: 'order o-1 is ready',
          messageId: output.sqs.MessageId,
        }),
        expect.objectContaining({
          service: 'sns',
          target: topicArn,
          body: 'order o-1 is ready',
          messageId: output.sns.MessageId,
        }),
      ]);
    });

    test("a bounded context's workflow sends its message too", async () => {
      runtime.startExecution('billing', {
        metadata: { correlationId: 'b-2' },
        data: { id: 'o-4' },
      });
      await runtime.settle();
      expect(runtime.record.messages).toEqual([
        expect.objectContaining({ service: 'sqs', target: queueUrl, body: 'o-4' }),
      ]);
      expect(runtime.record.events('Billed')).toHaveLength(1);
    });
  });

  describe('on the virtual clock', () => {
    // A Wait state pauses for its Seconds; only advance() moves virtual time.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
    test('a Wait of 60 s does not end on settle(), ends after advance(60 s)', async () => {
      const startedAt = runtime.clock.now();
      const execution = await run('Pause', { id: 'w-1' });
      expect(execution.status).toBe('RUNNING');
      await runtime.settle();
      expect(execution.status).toBe('RUNNING');
      expect(runtime.clock.now()).toBe(startedAt);
      await runtime.advance(Duration.seconds(59));
      expect(execution.status).toBe('RUNNING');
      await runtime.advance(Duration.seconds(1));
      expect(execution.status).toBe('SUCCEEDED');
      expect(Date.parse(execution.stoppedAt!) - startedAt).toBe(60_000);
    });

    // The execution's TimeoutSeconds ends it with States.Timeout, status TIMED_OUT.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
    test("the state machine's TimeoutSeconds ends a longer Wait: TIMED_OUT at 30 s", async () => {
      const execution = await run('ShortPause', {});
      await runtime.advance(Duration.seconds(29));
      expect(execution.status).toBe('RUNNING');
      await runtime.advance(Duration.seconds(1));
      expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
      expect(Date.parse(execution.stoppedAt!) - Date.parse(execution.startedAt)).toBe(30_000);
    });

    const token = () => (JSON.parse(runtime.record.messages[0].body) as { token: string }).token;

    // A callback task that gets no heartbeat within HeartbeatSeconds fails with States.HeartbeatTimeout.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-stuck-execution.html
    // @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html
    test('HeartbeatSeconds ends a silent callback task with States.HeartbeatTimeout', async () => {
      const execution = await run('AwaitKitchen', { id: 'k-1' });
      expect(runtime.record.messages[0]).toMatchObject({
        service: 'sqs',
        target: queueUrl,
        body: expect.stringMatching(/^\{"id":"k-1","token":"[^"]+"\}$/),
      });
      await runtime.advance(Duration.seconds(59));
      expect(execution.status).toBe('RUNNING');
      await runtime.advance(Duration.seconds(1));
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('States.HeartbeatTimeout');
    });

    test('SendTaskHeartbeat keeps a callback task alive, SendTaskSuccess ends it', async () => {
      const execution = await run('AwaitKitchen', { id: 'k-2' });
      for (let i = 0; i < 3; i++) {
        await runtime.advance(Duration.seconds(50));
        await sfnClient().send(new SendTaskHeartbeatCommand({ taskToken: token() }));
      }
      await runtime.advance(Duration.seconds(50));
      expect(execution.status).toBe('RUNNING');
      await sfnClient().send(
        new SendTaskSuccessCommand({ taskToken: token(), output: '{"accepted":true}' }),
      );
      await runtime.settle();
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.output).toEqual({ id: 'k-2', kitchen: { accepted: true } });
    });

    test('TimeoutSeconds ends a callback task even with heartbeats', async () => {
      const execution = await run('AwaitKitchen', { id: 'k-3' });
      for (let i = 0; i < 11; i++) {
        await runtime.advance(Duration.seconds(55));
        if (execution.status !== 'RUNNING') break;
        await sfnClient().send(new SendTaskHeartbeatCommand({ taskToken: token() }));
      }
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('States.Timeout');
      expect(Date.parse(execution.stoppedAt!) - Date.parse(execution.startedAt)).toBe(600_000);
    });

    test('SendTaskFailure fails the callback task with its error and cause', async () => {
      const execution = await run('AwaitKitchen', { id: 'k-4' });
      await sfnClient().send(
        new SendTaskFailureCommand({ taskToken: token(), error: 'Kitchen.Closed', cause: 'night' }),
      );
      await runtime.settle();
      expect(execution).toMatchObject({
        status: 'FAILED',
        error: 'Kitchen.Closed',
        cause: 'night',
      });
    });
  });

  test('an integration the runtime does not serve fails with LocalRuntime.Unsupported naming it', async () => {
    const execution = await run('S3Read', {});
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('LocalRuntime.Unsupported');
    expect(execution.cause).toBe(
      `the local runtime does not serve s3.getObject (state 'ReadReceipt' of ${machines.S3Read}); it would have gone to AWS`,
    );
  });
});

import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { parseDeadLetter } from '../../lib/ops/redrive';
import {
  AWAIT_RULE,
  BUS_NAME,
  cli,
  deployedApp,
  event,
  mocks,
  outputs,
  PLACED_RULE,
  queueUrl,
  RESTAURANTS_SM,
  RESUMER,
  ruleArn,
} from './fixtures';

const attr = (value: string) => ({ StringValue: value, DataType: 'String' });

/**
 * A message a rule's target DLQ receives: the event as body, the reason in
 * message attributes (https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html).
 */
function eventBridgeLetter(i: number, rule: string, target: string): Message {
  const e = event('OrderPlaced', 'food.orders', '2026-12-01T08:00:00.200Z', {
    id: `ev-${i}`,
    correlationId: `c-${i}`,
    data: { orderId: `o-${i}` },
  });
  return {
    MessageId: `m${i}`,
    ReceiptHandle: `rh-${i}`,
    MD5OfBody: 'x',
    Body: JSON.stringify(e),
    Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1764576000000' },
    MessageAttributes: {
      RULE_ARN: attr(ruleArn(rule)),
      TARGET_ARN: attr(target),
      ERROR_CODE: attr('SDK_CLIENT_ERROR'),
      ERROR_MESSAGE: attr('Unable to invoke StartExecution: AccessDeniedException'),
      EXHAUSTED_RETRY_CONDITION: attr('MaximumRetryAttempts'),
      RETRY_ATTEMPTS: attr('185'),
    },
  };
}

/**
 * A Lambda on-failure destination record
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
function lambdaRecord(i: number): Message {
  const e = event('OrderAccepted', 'food.restaurants', '2026-12-01T08:00:02.000Z', {
    id: `ev-${i}`,
  });
  return {
    MessageId: `m${i}`,
    ReceiptHandle: `rh-${i}`,
    Body: JSON.stringify({
      version: '1.0',
      timestamp: '2026-12-01T08:03:10.000Z',
      requestContext: {
        requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
        functionArn: `${RESUMER}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: e,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'ConditionalCheckFailedException',
        errorMessage: 'The conditional request failed',
      },
    }),
    MessageAttributes: {},
  };
}

/** ReceiveMessage answers in batches of at most 10, then nothing. */
function queue(url: string, batches: Message[][]) {
  let call = 0;
  mocks.sqs
    .on(ReceiveMessageCommand, { QueueUrl: url })
    .callsFake(() => ({ Messages: batches[call++] ?? [] }));
  mocks.sqs.on(DeleteMessageCommand).resolves({});
  mocks.sqs.on(ChangeMessageVisibilityCommand).resolves({});
}

const restaurantsBatches = () => [
  Array.from({ length: 10 }, (_, i) => eventBridgeLetter(i, PLACED_RULE, RESTAURANTS_SM)),
  [eventBridgeLetter(10, PLACED_RULE, RESTAURANTS_SM)],
];

describe('cdk-ensemble redrive', () => {
  beforeEach(() => deployedApp());

  it("re-delivers every batch to the rule's target with the rule's input, deleting only what succeeded", async () => {
    queue(queueUrl('restaurants-dlq'), restaurantsBatches());
    mocks.sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => {
      if (input.name === 'redrive-ev-3')
        throw Object.assign(
          new Error('The maximum number of running executions has been reached.'),
          {
            name: 'ExecutionLimitExceeded',
          },
        );
      if (input.name === 'redrive-ev-5')
        throw Object.assign(new Error('Execution Already Exists'), {
          name: 'ExecutionAlreadyExists',
        });
      return {
        executionArn: `${RESTAURANTS_SM.replace('stateMachine', 'execution')}:${input.name}`,
        startDate: new Date(),
      };
    });
    const { code, out } = await cli(['redrive', 'restaurants', '--stack', 'FoodDelivery']);
    expect(code).toBe(1);
    const receives = mocks.sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input);
    expect(receives).toHaveLength(3);
    expect(receives[0]).toMatchObject({
      QueueUrl: queueUrl('restaurants-dlq'),
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 120,
      MessageAttributeNames: ['All'],
    });
    const starts = mocks.sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(starts).toHaveLength(11);
    // The input the subscription's input transformer gives the workflow.
    expect(JSON.parse(starts[0].input!)).toEqual({
      metadata: {
        correlationId: 'c-0',
        causationId: 'ev-0-e',
        trigger: { source: 'food.orders', detailType: 'OrderPlaced', eventId: 'ev-0-e' },
      },
      data: { orderId: 'o-0' },
      trigger: { source: 'food.orders', detailType: 'OrderPlaced', eventId: 'ev-0-e' },
    });
    expect(starts[0]).toMatchObject({ stateMachineArn: RESTAURANTS_SM, name: 'redrive-ev-0' });
    const deleted = mocks.sqs
      .commandCalls(DeleteMessageCommand)
      .map((c) => c.args[0].input.ReceiptHandle);
    expect(deleted).toHaveLength(10);
    expect(deleted).not.toContain('rh-3');
    expect(
      mocks.sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input),
    ).toEqual([
      { QueueUrl: queueUrl('restaurants-dlq'), ReceiptHandle: 'rh-3', VisibilityTimeout: 0 },
    ]);
    expect(out).toContain(
      `✉ food.orders OrderPlaced (flow c-3) event ev-3\n    rule ${PLACED_RULE} → RestaurantsWorkflow4D5E6F: SDK_CLIENT_ERROR: Unable to invoke StartExecution: AccessDeniedException, 185 attempts`,
    );
    expect(out).toContain(
      '✖ ExecutionLimitExceeded: The maximum number of running executions has been reached.; kept in the queue',
    );
    expect(out).toContain(
      '✔ already redriven (execution redrive-ev-5 exists); deleted from the queue',
    );
    expect(out).toContain(
      '11 messages: 10 redriven and deleted, 1 failed, 0 unreadable (kept in the queue).',
    );
  });

  it('changes nothing with --dry-run, and makes what it read visible again', async () => {
    queue(queueUrl('restaurants-dlq'), restaurantsBatches());
    const { code, out } = await cli([
      'redrive',
      'restaurants',
      '--stack',
      'FoodDelivery',
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(mocks.sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(mocks.sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(11);
    expect(out).toContain(
      '    would start RestaurantsWorkflow4D5E6F with {"metadata":{"correlationId":"c-0"',
    );
    expect(out).toContain(
      '11 messages in the dead-letter queue of restaurants (0 unreadable); dry run: nothing was delivered or deleted.',
    );
  });

  it("invokes the await resumer again for its rule's dead letters and for its own asynchronous failures", async () => {
    const unreadable: Message = {
      MessageId: 'm9',
      ReceiptHandle: 'rh-9',
      Body: 'not json',
      MessageAttributes: {},
    };
    queue(queueUrl('orders-dlq'), [
      [eventBridgeLetter(1, AWAIT_RULE, RESUMER), lambdaRecord(2), unreadable],
    ]);
    mocks.lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { code, out } = await cli(['redrive', 'orders', '--stack', 'FoodDelivery']);
    const invokes = mocks.lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invokes.map((i) => [i.FunctionName, i.InvocationType])).toEqual([
      [RESUMER, 'Event'],
      [`${RESUMER}:$LATEST`, 'Event'],
    ]);
    expect(JSON.parse(new TextDecoder().decode(invokes[1].Payload as Uint8Array)).id).toBe('ev-2');
    expect(out).toContain(
      'asynchronous invocation of FoodDelivery-OrdersAwaitsResumer-AbC123:$LATEST: ConditionalCheckFailedException: The conditional request failed, 3 attempts',
    );
    expect(out).toContain(
      '✖ message m9: neither an EventBridge dead letter nor a Lambda invocation record; left in the queue',
    );
    expect(out).toContain(
      '3 messages: 2 redriven and deleted, 0 failed, 1 unreadable (kept in the queue).',
    );
    expect(code).toBe(1);
    expect(
      mocks.sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle),
    ).toEqual(['rh-1', 'rh-2']);
  });

  it("needs only the context's stack: the rule's bus is read from its ARN, its targets once per rule", async () => {
    mocks.cloudFormation.on(DescribeStacksCommand, { StackName: 'FoodRestaurants' }).resolves({
      Stacks: [
        {
          StackName: 'FoodRestaurants',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: outputs().filter((o) => o.Description.startsWith('restaurants: ')),
        },
      ],
    });
    queue(queueUrl('restaurants-dlq'), restaurantsBatches());
    mocks.sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const { code, out } = await cli(['redrive', 'restaurants', '--stack', 'FoodRestaurants']);
    expect(out).toContain('11 messages: 11 redriven and deleted, 0 failed, 0 unreadable');
    expect(code).toBe(0);
    expect(mocks.events.commandCalls(ListTargetsByRuleCommand).map((c) => c.args[0].input)).toEqual(
      [{ Rule: PLACED_RULE, EventBusName: BUS_NAME, NextToken: undefined }],
    );
  });

  it('says when the queue is empty', async () => {
    queue(queueUrl('orders-dlq'), []);
    const { code, out } = await cli(['redrive', 'orders', '--stack', 'FoodDelivery']);
    expect(code).toBe(0);
    expect(out).toBe('\nThe dead-letter queue of orders is empty.');
  });

  it('fails when the context is not in the stacks', async () => {
    const { code, err } = await cli(['redrive', 'ordres', '--stack', 'FoodDelivery']);
    expect(code).toBe(2);
    expect(err).toBe(
      'cdk-ensemble: no context ordres in the stacks FoodDelivery (contexts found: orders, restaurants); check the name, or add --stack <the stack of ordres>',
    );
  });

  it('reads both kinds of dead letter', () => {
    expect(parseDeadLetter(lambdaRecord(4))).toMatchObject({
      via: 'lambda',
      attempts: '3',
      event: { id: 'ev-4' },
    });
    expect(parseDeadLetter(eventBridgeLetter(4, PLACED_RULE, RESTAURANTS_SM))).toMatchObject({
      via: 'eventbridge',
      rule: ruleArn(PLACED_RULE),
      attempts: '185',
    });
  });
});

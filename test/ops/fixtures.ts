import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../../lib/runtime/cli';
import { STACK_OUTPUT_DESCRIPTIONS as D } from '../../lib/context/private/stack-outputs';
import { Progress } from '../../lib/ops/replay';

/**
 * A deployed food-delivery app as AWS describes it, and runCli wired to
 * mocked SDK clients. Every client is built with a fixed region and fake
 * credentials, and aws-sdk-client-mock answers every command, so no test
 * reaches AWS or needs credentials.
 */
export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const BUS_NAME = 'food-bus';
export const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS_NAME}`;
export const ARCHIVE = 'FoodDeliveryBusArchive1234';
export const AUDIT_LOG = '/aws/events/FoodDeliveryBusAuditLog1234';
export const sm = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
export const exe = (machine: string, name: string) =>
  `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine}:${name}`;
export const queueUrl = (name: string) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
export const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
export const RESUMER = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:FoodDelivery-OrdersAwaitsResumer-AbC123`;

export const ORDERS_SM = sm('OrdersWorkflow1A2B3C');
export const RESTAURANTS_SM = sm('RestaurantsWorkflow4D5E6F');
export const PLACED_RULE = 'FoodDelivery-Restaurants-OnOrdersOrderPlaced-Rule-3AE34B5C';
export const AWAIT_RULE = 'FoodDelivery-Orders-Awaits-AwaitAcceptanceRestaurants-FE21F746';
export const AUDIT_RULE = 'FoodDelivery-Bus-AuditRule-0F1E2D3C';
export const ruleArn = (name: string) =>
  `arn:aws:events:${REGION}:${ACCOUNT}:rule/${BUS_NAME}/${name}`;

/** The input transformer CDK writes for a subscription (copied from the example's template). */
export const WORKFLOW_INPUT = {
  InputPathsMap: {
    'detail-data': '$.detail.data',
    'detail-metadata-correlationId': '$.detail.metadata.correlationId',
    'detail-metadata-eventId': '$.detail.metadata.eventId',
    'detail-type': '$.detail-type',
    source: '$.source',
  },
  InputTemplate:
    '{"metadata":{"correlationId":<detail-metadata-correlationId>,"causationId":<detail-metadata-eventId>,"trigger":{"source":<source>,"detailType":<detail-type>,"eventId":<detail-metadata-eventId>}},"data":<detail-data>,"trigger":{"source":<source>,"detailType":<detail-type>,"eventId":<detail-metadata-eventId>}}',
};

export const mocks = {
  cloudFormation: mockClient(CloudFormationClient),
  logs: mockClient(CloudWatchLogsClient),
  events: mockClient(EventBridgeClient),
  sfn: mockClient(SFNClient),
  sqs: mockClient(SQSClient),
  lambda: mockClient(LambdaClient),
};

/** Stack outputs as DescribeStacks returns them (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Output.html). */
export function outputs(options: { archive?: boolean; audit?: boolean } = {}) {
  const o = (key: string, owner: string, description: string, value: string) => ({
    OutputKey: key,
    OutputValue: value,
    Description: `${owner}: ${description}`,
  });
  return [
    o('BusNameOutput5A1B2C3D', 'food', D.busName, BUS_NAME),
    o('BusArnOutput7F56462F', 'food', D.busArn, BUS_ARN),
    ...(options.archive === false
      ? []
      : [o('BusArchiveNameOutputAB12CD34', 'food', D.archiveName, ARCHIVE)]),
    ...(options.audit === false
      ? []
      : [o('BusAuditLogOutput9A8B7C6D', 'food', D.auditLogGroupName, AUDIT_LOG)]),
    o('OrdersWorkflowArnOutput11223344', 'orders', D.workflowArn, ORDERS_SM),
    o('OrdersDlqUrlOutput55667788', 'orders', D.deadLetterQueueUrl, queueUrl('orders-dlq')),
    o('RestaurantsWorkflowArnOutput99AABBCC', 'restaurants', D.workflowArn, RESTAURANTS_SM),
    o(
      'RestaurantsDlqUrlOutputDDEEFF00',
      'restaurants',
      D.deadLetterQueueUrl,
      queueUrl('restaurants-dlq'),
    ),
  ];
}

/** Reset every mock and answer discovery: the stack, the DLQ ARNs, the bus's rules in two pages. */
export function deployedApp(options: { archive?: boolean; audit?: boolean } = {}): void {
  for (const m of Object.values(mocks)) m.reset();
  mocks.cloudFormation.on(DescribeStacksCommand, { StackName: 'FoodDelivery' }).resolves({
    Stacks: [
      {
        StackName: 'FoodDelivery',
        StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/FoodDelivery/1`,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date('2026-11-30T10:00:00Z'),
        Outputs: outputs(options),
      },
    ],
  });
  for (const name of ['orders-dlq', 'restaurants-dlq'])
    mocks.sqs
      .on(GetQueueAttributesCommand, { QueueUrl: queueUrl(name) })
      .resolves({ Attributes: { QueueArn: queueArn(name) } });
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html
  const rule = (name: string, pattern: unknown) => ({
    Name: name,
    Arn: ruleArn(name),
    EventPattern: JSON.stringify(pattern),
    State: 'ENABLED' as const,
    EventBusName: BUS_NAME,
  });
  mocks.events
    .on(ListRulesCommand, { EventBusName: BUS_NAME, NextToken: undefined })
    .resolves({
      Rules: [
        rule(PLACED_RULE, { source: ['food.orders'], 'detail-type': ['OrderPlaced'] }),
        rule(AWAIT_RULE, {
          source: ['food.restaurants'],
          'detail-type': ['OrderAccepted'],
          detail: { data: { orderId: [{ exists: true }] } },
        }),
      ],
      NextToken: 'rules-page-2',
    })
    .on(ListRulesCommand, { EventBusName: BUS_NAME, NextToken: 'rules-page-2' })
    .resolves({ Rules: [rule(AUDIT_RULE, { account: [ACCOUNT] })] });
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListTargetsByRule.html
  mocks.events
    .on(ListTargetsByRuleCommand, { Rule: PLACED_RULE })
    .resolves({
      Targets: [
        {
          Id: 'Target0',
          Arn: RESTAURANTS_SM,
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/RestaurantsEventsRole`,
          InputTransformer: WORKFLOW_INPUT,
          DeadLetterConfig: { Arn: queueArn('restaurants-dlq') },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        },
      ],
    })
    .on(ListTargetsByRuleCommand, { Rule: AWAIT_RULE })
    .resolves({
      Targets: [{ Id: 'Target0', Arn: RESUMER, DeadLetterConfig: { Arn: queueArn('orders-dlq') } }],
    })
    .on(ListTargetsByRuleCommand, { Rule: AUDIT_RULE })
    .resolves({
      Targets: [
        {
          Id: 'Target0',
          Arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${AUDIT_LOG}`,
          DeadLetterConfig: { Arn: queueArn('audit-dlq') },
        },
      ],
    });
}

/** An event as EventBridge delivers it, in the cdk-ensemble envelope. */
export function event(
  detailType: string,
  source: string,
  at: string,
  options: { id: string; correlationId?: string; executionArn?: string; data?: unknown },
) {
  return {
    version: '0',
    id: options.id,
    'detail-type': detailType,
    source,
    account: ACCOUNT,
    time: at.replace(/\.\d+Z$/, 'Z'),
    region: REGION,
    resources: [],
    detail: {
      metadata: {
        eventId: `${options.id}-e`,
        correlationId: options.correlationId ?? 'c-1',
        causationId: 'start',
        occurredAt: at,
        context: source.split('.')[1],
        executionArn: options.executionArn,
        schemaVersion: '1',
      },
      data: options.data ?? { orderId: 'o-1' },
    },
  };
}

/** runCli against the mocks, with no waiting, a fixed clock and a recording progress bar. */
export async function cli(argv: string[], now = new Date('2026-12-01T09:00:00Z')) {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  const progress: number[] = [];
  const bar = (): Progress => ({ update: (p) => progress.push(p), stop: () => progress.push(-1) });
  const code = await runCli(
    argv,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    {
      clientConfig: {
        region: REGION,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      now: () => now,
      progress: bar,
      pageSize: 2,
    },
  );
  return { code, out: out.join('\n'), err: err.join('\n'), sleeps, progress };
}

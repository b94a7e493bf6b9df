import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { testApp } from '../helpers';
import {
  AWS_METRICS,
  eventBridgeDimensionSets,
  metricFilterMetrics,
} from './aws-metric-dimensions';
import { MetricUse, metricContract, metricProblems } from './metric-contract';

const EXAMPLES: [string, (app: App) => Stack][] = [
  ['food delivery', (app) => new FoodDeliveryStack(app, 'FoodDelivery')],
  ['e-commerce fraud', (app) => new EcommerceFraudStack(app, 'EcommerceFraud')],
];

describe.each(EXAMPLES)('metric contract: the %s example', (_name, build) => {
  const template = Template.fromStack(build(testApp())).toJSON() as { Resources: any };
  const contract = metricContract(template);

  it('reads a metric for every alarm and every graph of the dashboard', () => {
    const alarmIds = Object.entries<any>(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([id]) => id);
    const alarmsRead = new Set(contract.alarms.map((u) => u.where.split(' ')[1]));
    expect([...alarmsRead].sort()).toEqual(alarmIds.sort());
    expect(contract.widgets.length).toBeGreaterThan(10);
  });

  it('asks every metric with a dimension set AWS publishes and the names AWS publishes', () => {
    expect(contract.problems).toEqual([]);
  });
});

describe('metric contract check', () => {
  const resources: Record<string, any> = {
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'app' } },
    Other: { Type: 'AWS::Events::EventBus', Properties: { Name: 'other' } },
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: { Name: 'app-rule', EventBusName: { Ref: 'Bus' } },
    },
    DefaultRule: { Type: 'AWS::Events::Rule', Properties: { Name: 'default-rule' } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
    Filter: {
      Type: 'AWS::Logs::MetricFilter',
      Properties: {
        MetricTransformations: [
          {
            MetricNamespace: 'cdk-ensemble',
            MetricName: 'EventsPublished',
            Dimensions: [{ Key: 'Source', Value: '$.source' }],
          },
        ],
      },
    },
  };
  const tables = { ...AWS_METRICS, ...metricFilterMetrics({ Resources: resources }) };
  const problemsOf = (namespace: string, metricName: string, dimensions: Record<string, any>) =>
    metricProblems({ where: 'alarm A', namespace, metricName, dimensions }, resources, tables);

  it.each<[string, string, string, Record<string, any>]>([
    [
      'a rule of a custom bus',
      'AWS/Events',
      'FailedInvocations',
      { EventBusName: { Ref: 'Bus' }, RuleName: 'app-rule' },
    ],
    ['a rule of the default bus', 'AWS/Events', 'Invocations', { RuleName: 'default-rule' }],
    [
      'the bus',
      'AWS/Events',
      'InvocationAttempts',
      { EventBusName: { 'Fn::GetAtt': ['Bus', 'Name'] } },
    ],
    ['the account', 'AWS/Events', 'PutEventsFailedEntriesCount', {}],
    ['a state machine', 'AWS/States', 'ExecutionsFailed', { StateMachineArn: { Ref: 'Machine' } }],
    [
      'a queue',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      { QueueName: { 'Fn::GetAtt': ['Queue', 'QueueName'] } },
    ],
    ['a metric filter', 'cdk-ensemble', 'EventsPublished', { Source: 'app.orders' }],
  ])('accepts a metric of %s', (_what, namespace, metricName, dimensions) => {
    expect(problemsOf(namespace, metricName, dimensions)).toEqual([]);
  });

  it.each<[string, string, string, Record<string, any>, RegExp]>([
    [
      'RuleName from the Ref of a rule',
      'AWS/Events',
      'FailedInvocations',
      { EventBusName: { Ref: 'Bus' }, RuleName: { Ref: 'Rule' } },
      /RuleName is Ref of AWS::Events::Rule Rule, not the name AWS publishes/,
    ],
    [
      'a RuleName no rule has',
      'AWS/Events',
      'FailedInvocations',
      { EventBusName: { Ref: 'Bus' }, RuleName: 'nope' },
      /'nope' is the Name of no AWS::Events::Rule/,
    ],
    [
      'a rule metric of another bus',
      'AWS/Events',
      'FailedInvocations',
      { EventBusName: { Ref: 'Other' }, RuleName: 'app-rule' },
      /rule 'app-rule' is on bus Bus, the metric names bus Other/,
    ],
    [
      'a custom-bus rule without its bus',
      'AWS/Events',
      'FailedInvocations',
      { RuleName: 'app-rule' },
      /is on bus Bus, the metric names bus default/,
    ],
    [
      'PutEventsFailedEntriesCount per bus',
      'AWS/Events',
      'PutEventsFailedEntriesCount',
      { EventBusName: { Ref: 'Bus' } },
      /dimensions \[EventBusName\], published with \[\]/,
    ],
    [
      'FailedInvocations per bus only',
      'AWS/Events',
      'FailedInvocations',
      { EventBusName: { Ref: 'Bus' } },
      /dimensions \[EventBusName\]/,
    ],
    [
      'QueueName from the Ref of a queue (its URL)',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      { QueueName: { Ref: 'Queue' } },
      /QueueName is Ref of AWS::SQS::Queue Queue/,
    ],
    [
      'StateMachineArn from GetAtt Name',
      'AWS/States',
      'ExecutionsFailed',
      { StateMachineArn: { 'Fn::GetAtt': ['Machine', 'Name'] } },
      /StateMachineArn is GetAtt Name of AWS::StepFunctions::StateMachine/,
    ],
    [
      'a value built by Fn::Join',
      'AWS/States',
      'ExecutionsFailed',
      { StateMachineArn: { 'Fn::Join': ['', ['a', 'b']] } },
      /not a documented reference/,
    ],
    [
      'a metric filter dimension it does not declare',
      'cdk-ensemble',
      'EventsPublished',
      { Context: 'orders' },
      /dimensions \[Context\], published with \[Source\]/,
    ],
    [
      'a metric nobody documents',
      'AWS/Events',
      'Deliveries',
      {},
      /metric not in the table of https:\/\/docs\.aws\.amazon\.com\/eventbridge/,
    ],
    ['a namespace nobody documents', 'AWS/Lambda', 'Errors', {}, /namespace not in the table/],
  ])('refuses %s', (_what, namespace, metricName, dimensions, problem) => {
    const problems = problemsOf(namespace, metricName, dimensions);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(problem);
  });

  it.each([
    ['RuleName', [['RuleName'], ['EventBusName', 'RuleName']]],
    ['None, RuleName', [[], ['RuleName'], ['EventBusName', 'RuleName']]],
    [
      'EventBusName, None, RuleName',
      [['EventBusName'], [], ['RuleName'], ['EventBusName', 'RuleName']],
    ],
    ['None', [[]]],
  ])('reads the EventBridge column "%s" as its dimension sets', (column, sets) => {
    expect(eventBridgeDimensionSets(column)).toEqual(sets);
  });

  it('reads the dimension values of a dashboard body built with Fn::Join', () => {
    const { widgets, problems } = metricContract({
      Resources: {
        ...resources,
        Dash: {
          Type: 'AWS::CloudWatch::Dashboard',
          Properties: {
            DashboardBody: {
              'Fn::Join': [
                '',
                [
                  '{"widgets":[{"properties":{"title":"t","metrics":[[{"expression":"r0"}],["AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","',
                  { Ref: 'Queue' },
                  '",{"id":"r0"}]]}}]}',
                ],
              ],
            },
          },
        },
      },
    });
    expect(widgets).toEqual<MetricUse[]>([
      {
        where: 'dashboard Dash widget "t" metric 1',
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: { Ref: 'Queue' } },
      },
    ]);
    expect(problems).toEqual([expect.stringMatching(/QueueName is Ref of AWS::SQS::Queue/)]);
  });
});

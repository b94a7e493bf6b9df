import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  BoundedContext,
  EnsembleDashboard,
  physicalRuleName,
  publishedRuleName,
  ruleMetric,
} from '../../lib';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { fixtureHandler, testApp, testStack } from '../helpers';

const EXAMPLES: [string, (app: App) => Stack][] = [
  ['food delivery', (app) => new FoodDeliveryStack(app, 'FoodDelivery')],
  ['e-commerce fraud', (app) => new EcommerceFraudStack(app, 'EcommerceFraud')],
];

const alarmsOf = (template: Template) =>
  Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'));

describe.each(EXAMPLES)('nothing lost, nothing unseen: the %s example', (_name, build) => {
  const template = Template.fromStack(build(testApp()));
  const resources = template.toJSON().Resources as Record<string, any>;

  it('alarms on any message in every dead-letter queue', () => {
    const queues = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
      .map(([id]) => id);
    expect(queues.length).toBeGreaterThan(2);
    const watched = alarmsOf(template)
      .filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]);
    expect(watched.sort()).toEqual(queues.sort());
  });

  it('keeps every log group for a limited time', () => {
    const groups = Object.values(resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(5);
    expect(groups.filter((g) => !g.Properties.RetentionInDays)).toEqual([]);
  });

  it('gives every rule target a dead-letter queue and a retry policy', () => {
    const targets = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .flatMap((r) => r.Properties.Targets);
    expect(targets.filter((t) => !t.DeadLetterConfig || !t.RetryPolicy)).toEqual([]);
  });

  it('alarms on failed deliveries of every rule, by the name the rule is published with', () => {
    const rules = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map((r) => r.Properties.Name);
    expect(rules.every((name) => typeof name === 'string')).toBe(true);
    const watched = alarmsOf(template)
      .filter((a) => a.Properties.MetricName === 'FailedInvocations')
      .map((a) => a.Properties.Dimensions.find((d: any) => d.Name === 'RuleName').Value);
    expect(watched.sort()).toEqual(rules.sort());
  });

  it('draws one dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('context alarms', () => {
  function build() {
    const { stack, bus } = testStack();
    const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: ['Cooked'] });
    kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'Cooked' }));
    const orders = new BoundedContext(stack, 'Orders', { bus, events: ['Placed', 'GaveUp'] });
    orders.workflow(
      orders.task('Place', { entry: fixtureHandler(), emits: 'Placed' }).next(
        orders.await('AwaitKitchen', {
          events: [kitchen.event('Cooked')],
          correlateBy: 'orderId',
          timeout: Duration.minutes(5),
          onTimeout: 'GaveUp',
        }),
      ),
    );
    return { stack, bus, kitchen, orders };
  }

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled', 'ExecutionsAborted'])(
    'alarms on any %s of the workflow, quiet without data',
    (metricName) => {
      const { stack } = build();
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metricName,
        Dimensions: [
          { Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('^OrdersWorkflow') } },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmDescription: Match.stringLikeRegexp('^orders: '),
      });
    },
  );

  it('counts the events per detail-type with one filter per context, and alarms on none of them', () => {
    const { stack, orders } = build();
    const template = Template.fromStack(stack);
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).filter(
      (f) => f.Properties.MetricTransformations[0].MetricName === 'EventsPublishedByType',
    );
    // One per context (Kitchen, Orders), whatever the number of events.
    expect(filters).toHaveLength(2);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.source = "test.orders" }',
      MetricTransformations: [
        {
          MetricNamespace: 'cdk-ensemble',
          MetricName: 'EventsPublishedByType',
          MetricValue: '1',
          Dimensions: [
            { Key: 'Source', Value: '$.source' },
            { Key: 'DetailType', Value: '$.detail-type' },
          ],
        },
      ],
    });
    const metric = orders.metricEventPublished('GaveUp')!;
    expect(metric.dimensions).toEqual({ Source: 'test.orders', DetailType: 'GaveUp' });
    expect(metric.statistic).toBe('Sum');
    expect(() => orders.metricEventPublished('GaveUpp' as 'GaveUp')).toThrow(/invalid event name/);
    const alarmed = alarmsOf(template).map((a) => a.Properties.MetricName);
    expect(alarmed).not.toContain('EventsPublishedByType');
  });

  it('counts events out and await timeouts from the audit log', () => {
    const { stack } = build();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.source = "test.orders" }',
      MetricTransformations: [
        Match.objectLike({ MetricNamespace: 'cdk-ensemble', MetricName: 'EventsPublished' }),
      ],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern:
        '{ ($.source = "test.orders") && ($.detail.metadata.state = "AwaitKitchen") && ($.detail.data.awaited.Error = "States.Timeout") }',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'cdk-ensemble',
      MetricName: 'AwaitKitchenTimeouts',
      Dimensions: [{ Name: 'Source', Value: 'test.orders' }],
      AlarmDescription: Match.stringLikeRegexp('waited in AwaitKitchen until its timeout'),
    });
  });

  it('watches a subscription made after the workflow', () => {
    const { stack, kitchen, orders } = build();
    const before = kitchen.alarms.length;
    kitchen.on(orders.event('Placed'));
    expect(kitchen.alarms.length).toBe(before + 1);
    expect(Template.fromStack(stack).toJSON()).toBeDefined();
  });

  it('has no alarms before the workflow exists', () => {
    const { stack, bus } = testStack();
    expect(new BoundedContext(stack, 'Idle', { bus, events: [] }).alarms).toEqual([]);
  });
});

describe('EnsembleDashboard', () => {
  it('draws a row per context of its stack and routes every alarm to the topic', () => {
    const { stack, bus } = testStack();
    const a = new BoundedContext(stack, 'Alpha', { bus, events: ['A'] });
    a.workflow(a.task('DoA', { entry: fixtureHandler(), emits: 'A' }));
    const topic = new sns.Topic(stack, 'Alarms');
    new EnsembleDashboard(stack, 'Dashboard', { alarmTopic: topic });
    // defined after the dashboard: still shown
    const b = new BoundedContext(stack, 'Beta', { bus, events: ['B'] });
    b.workflow(b.task('DoB', { entry: fixtureHandler(), emits: 'B' }));
    const template = Template.fromStack(stack);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('alpha: executions');
    expect(body).toContain('beta: dead letters');
    // Business outcomes are counted per event on the dashboard.
    expect(body).toContain('alpha: events by outcome');
    expect(body).toContain('\\"EventsPublishedByType\\",\\"DetailType\\",\\"A\\"');
    const alarms = alarmsOf(template);
    expect(alarms.length).toBe(a.alarms.length + b.alarms.length + bus.alarms.length);
    expect(alarms.filter((x) => !x.Properties.AlarmActions)).toEqual([]);
    expect(alarms.every((x) => x.Properties.AlarmActions[0].Ref.startsWith('Alarms'))).toBe(true);
  });

  it('shows only the contexts it is given', () => {
    const { stack, bus } = testStack();
    const a = new BoundedContext(stack, 'Alpha', { bus, events: ['A'] });
    a.workflow(a.task('DoA', { entry: fixtureHandler(), emits: 'A' }));
    const b = new BoundedContext(stack, 'Beta', { bus, events: ['B'] });
    b.workflow(b.task('DoB', { entry: fixtureHandler(), emits: 'B' }));
    new EnsembleDashboard(stack, 'Dashboard', { contexts: [b], dashboardName: 'beta-only' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'beta-only' });
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).not.toContain('alpha:');
    expect(body).toContain('beta: executions');
    expect(alarmsOf(template).filter((x) => x.Properties.AlarmActions)).toEqual([]);
  });
});

describe('bus alarms', () => {
  it.each([
    ['ApproximateNumberOfMessagesVisible', 'AWS/SQS'],
    ['FailedInvocations', 'AWS/Events'],
    ['PutEventsFailedEntriesCount', 'AWS/Events'],
  ])('alarms on %s', (metricName, namespace) => {
    const { stack } = testStack();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: namespace,
      MetricName: metricName,
      AlarmDescription: Match.stringLikeRegexp('^test: '),
    });
  });
});

// AWS/Events publishes a rule's metrics under its bare name, with EventBusName for a custom bus:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
describe('rule metrics', () => {
  it('watches a subscription rule by the Name it is created with, on its bus', () => {
    const { stack, kitchen, orders } = (() => {
      const { stack, bus } = testStack();
      const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: ['Cooked'] });
      kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'Cooked' }));
      const orders = new BoundedContext(stack, 'Orders', { bus, events: ['Placed'] });
      orders.workflow(orders.task('Place', { entry: fixtureHandler(), emits: 'Placed' }));
      return { stack, kitchen, orders };
    })();
    kitchen.on(orders.event('Placed'));
    const template = Template.fromStack(stack);
    const [name] = Object.values<any>(template.findResources('AWS::Events::Rule'))
      .map((r) => r.Properties.Name)
      .filter((n) => n.includes('Kitchen'));
    expect(name).toMatch(/^Test-Kitchen-OnOrdersPlaced-Rule-[0-9A-F]{8}$/);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FailedInvocations',
      Dimensions: [
        { Name: 'EventBusName', Value: { Ref: Match.stringLikeRegexp('^Bus') } },
        { Name: 'RuleName', Value: name },
      ],
    });
  });

  it('names only RuleName for a rule of the default bus', () => {
    const stack = new Stack(testApp(), 'Test');
    const bus = events.EventBus.fromEventBusName(stack, 'Default', 'default');
    const rule = new events.Rule(stack, 'Rule', {
      ruleName: 'nightly',
      schedule: events.Schedule.rate(Duration.days(1)),
    });
    expect(stack.resolve(ruleMetric(bus, rule, 'Invocations').dimensions)).toEqual({
      RuleName: 'nightly',
    });
  });

  it('reads the name of an imported rule from its ARN', () => {
    const stack = new Stack(testApp(), 'Test');
    const rule = events.Rule.fromEventRuleArn(
      stack,
      'Rule',
      'arn:aws:events:eu-west-1:111111111111:rule/food/orders-placed',
    );
    expect(publishedRuleName(rule)).toBe('orders-placed');
  });

  it('fails when the rule has no name of its own (its Ref is not its published name)', () => {
    const { stack, bus } = testStack();
    const rule = new events.Rule(stack, 'Unnamed', {
      eventBus: bus.eventBus,
      eventPattern: { source: ['test.orders'] },
    });
    expect(() => ruleMetric(bus.eventBus, rule, 'FailedInvocations')).toThrow(
      "[Test/Unnamed] invalid ruleName: '(none: CloudFormation generates it)'. Give the rule a ruleName",
    );
  });

  describe('physicalRuleName', () => {
    const app = testApp();
    const stack = new Stack(app, 'FoodDelivery');
    const scope = new Stack(app, 'Other');
    const deep = ['Orders', 'Awaits', 'AVeryLongAwaitNameThatGoesOnAndOn'].reduce<Construct>(
      (parent, id) => new Construct(parent, id),
      stack,
    );

    it.each([
      [stack, 'Rule', /^FoodDelivery-Rule-[0-9A-F]{8}$/],
      [deep, 'AwaitKitchenRestaurants', /^FoodDelivery-Orders-Awa.*Restaurants-[0-9A-F]{8}$/],
      [scope, 'Audit.Rule_1', /^Other-AuditRule1-[0-9A-F]{8}$/],
    ])('names %s/%s as EventBridge allows (1-64 of [.-_A-Za-z0-9])', (at, id, expected) => {
      const name = physicalRuleName(at, id);
      expect(name).toMatch(expected);
      expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
    });

    it('gives different rules different names and the same rule the same name', () => {
      expect(physicalRuleName(deep, 'A')).not.toBe(physicalRuleName(deep, 'B'));
      expect(physicalRuleName(stack, 'A')).not.toBe(physicalRuleName(scope, 'A'));
      expect(physicalRuleName(deep, 'A')).toBe(physicalRuleName(deep, 'A'));
    });
  });
});

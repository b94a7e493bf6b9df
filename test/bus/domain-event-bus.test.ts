import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DomainEventBus } from '../../lib';
import { testApp } from '../helpers';

function build(props: Partial<ConstructorParameters<typeof DomainEventBus>[2]> = {}) {
  const stack = new Stack(testApp(), 'Test');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'food', ...props });
  return {
    stack,
    bus,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

describe('DomainEventBus', () => {
  describe('defaults', () => {
    const { template } = build();

    it('creates one event bus', () => {
      template.resourceCountIs('AWS::Events::EventBus', 1);
    });

    it('archives every event for 30 days', () => {
      template.hasResourceProperties('AWS::Events::Archive', {
        RetentionDays: 30,
        SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] },
      });
    });

    it('copies every event to an audit log group kept one month and retained', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BusAuditLog'), 'Arn'] },
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BusAuditDlq'), 'Arn'] },
            },
            RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          }),
        ],
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 30, LogGroupName: Match.stringLikeRegexp('^/aws/events/') },
        DeletionPolicy: 'Retain',
      });
    });

    it('lets EventBridge write to the audit log with a resource policy, not a custom resource', () => {
      template.resourceCountIs('AWS::Logs::ResourcePolicy', 1);
      template.resourceCountIs('AWS::Lambda::Function', 0);
      template.resourceCountIs('Custom::CloudwatchLogResourcePolicy', 0);
    });

    it('encrypts the audit dead-letter queue and enforces TLS', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1209600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Principal: { Service: 'events.amazonaws.com' },
            }),
          ]),
        },
      });
    });
  });

  describe('overrides', () => {
    it('keeps events for the given archive retention', () => {
      build({ archiveRetention: Duration.days(7) }).template.hasResourceProperties(
        'AWS::Events::Archive',
        {
          RetentionDays: 7,
        },
      );
    });

    it('creates no archive when archiveRetention is false', () => {
      build({ archiveRetention: false }).template.resourceCountIs('AWS::Events::Archive', 0);
    });

    it('fails when the archive would keep events for 0 days', () => {
      const stack = new Stack(testApp(), 'Test');
      expect(
        () =>
          new DomainEventBus(stack, 'Bus', {
            appName: 'test',
            archiveRetention: Duration.days(0),
          }),
      ).toThrow(
        /\[Test\/Bus\] invalid archiveRetention: '0 days'\. EventBridge keeps the events of an archive with a retention of 0 days forever\. Give at least Duration\.days\(1\), or false for no archive/,
      );
    });

    it('fails when the archive retention is not whole days', () => {
      const stack = new Stack(testApp(), 'Test');
      expect(
        () =>
          new DomainEventBus(stack, 'Bus', {
            appName: 'test',
            archiveRetention: Duration.hours(36),
          }),
      ).toThrow(
        "[Test/Bus] invalid archiveRetention: '1 day 12 hours'. EventBridge counts archive retention in whole days",
      );
    });

    it('names the bus and sets the audit retention and removal policy', () => {
      const { template } = build({
        eventBusName: 'food-domain',
        auditLogRetention: logs.RetentionDays.ONE_WEEK,
        auditLogRemovalPolicy: RemovalPolicy.DESTROY,
      });
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'food-domain' });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 7 },
        DeletionPolicy: 'Delete',
      });
    });
  });

  describe('cross-account publishing', () => {
    it('has no resource policy by default', () => {
      build().template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    });

    it('lets the listed accounts publish when asked', () => {
      build({ allowPublishFrom: ['111111111111'] }).template.hasResourceProperties(
        'AWS::Events::EventBusPolicy',
        {
          Statement: Match.objectLike({
            Action: 'events:PutEvents',
            Principal: { AWS: { 'Fn::Join': ['', Match.arrayWith([':iam::111111111111:root'])] } },
          }),
        },
      );
    });

    it('fails when an account id is not 12 digits', () => {
      expect(() => build({ allowPublishFrom: ['1234'] })).toThrow(
        /\[Test\/Bus\] invalid allowPublishFrom: '1234'\. Give 12-digit AWS account ids/,
      );
    });
  });

  describe('grants and metrics', () => {
    it('grants events:PutEvents on the bus only', () => {
      const { stack, bus } = build();
      const role = new iam.Role(stack, 'Publisher', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      bus.grantPublish(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Action: 'events:PutEvents',
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] },
            },
          ],
        },
      });
    });

    it('offers the metrics AWS publishes per bus with the EventBusName dimension', () => {
      const { stack, bus } = build();
      const metric = bus.metricInvocationAttempts();
      expect(metric.namespace).toBe('AWS/Events');
      expect(metric.metricName).toBe('InvocationAttempts');
      expect(stack.resolve(metric.dimensions)).toEqual({
        EventBusName: { Ref: expect.stringMatching(/^Bus/) },
      });
      expect(stack.resolve(bus.metric('MatchedEvents').dimensions)).toEqual({
        EventBusName: { Ref: expect.stringMatching(/^Bus/) },
      });
    });

    // AWS publishes the PutEvents metrics without dimensions:
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
    it.each([
      ['metricPutEventsFailedEntries', 'PutEventsFailedEntriesCount'],
      ['metricPutEventsEntries', 'PutEventsEntriesCount'],
    ] as const)('offers %s for the account and region, without dimensions', (method, name) => {
      const { bus } = build();
      const metric = bus[method]();
      expect(metric.namespace).toBe('AWS/Events');
      expect(metric.metricName).toBe(name);
      expect(metric.dimensions).toBeUndefined();
    });

    it('alarms on refused PutEvents entries without dimensions', () => {
      const { template } = build();
      const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm')).find(
        (a) => a.Properties.MetricName === 'PutEventsFailedEntriesCount',
      );
      expect(alarm.Properties.Namespace).toBe('AWS/Events');
      expect(alarm.Properties.Dimensions).toBeUndefined();
      expect(alarm.Properties.AlarmDescription).toMatch(/for every bus, not per bus/);
    });

    it('watches the audit rule by its own name on the bus', () => {
      const { stack, bus, template } = build();
      const [rule] = Object.values<any>(template.findResources('AWS::Events::Rule'));
      expect(rule.Properties.Name).toMatch(/^Test-Bus-AuditRule-[0-9A-F]{8}$/);
      expect(stack.resolve(bus.metricAuditFailedInvocations().dimensions)).toEqual({
        EventBusName: { Ref: expect.stringMatching(/^Bus/) },
        RuleName: rule.Properties.Name,
      });
    });

    it.each([
      ['PutEventsFailedEntriesCount', /without dimensions, for the whole account and region/],
      ['PutEventsLatency', /without dimensions/],
      ['FailedInvocations', /per rule \(EventBusName and RuleName\), not per bus: use ruleMetric/],
      ['Invocations', /use ruleMetric\(bus\.eventBus, rule, 'Invocations'\)/],
    ])('fails when metric() is asked for %s, which AWS does not publish per bus', (name, fix) => {
      const { bus } = build();
      expect(() => bus.metric(name)).toThrow(`[Test/Bus] invalid metricName: '${name}'.`);
      expect(() => bus.metric(name)).toThrow(fix);
    });
  });

  describe('fromEventBusArn', () => {
    it('references a bus of another stack and grants publishing on it', () => {
      const stack = new Stack(testApp(), 'Consumer');
      const bus = DomainEventBus.fromEventBusArn(
        stack,
        'Bus',
        'arn:aws:events:eu-west-1:111111111111:event-bus/food',
        'food',
      );
      expect(bus.appName).toBe('food');
      expect(bus.eventBus.eventBusName).toBe('food');
      const role = new iam.Role(stack, 'Publisher', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      bus.grantPublish(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/food' }),
          ],
        },
      });
    });

    it('fails when the imported appName is invalid', () => {
      const stack = new Stack(testApp(), 'Consumer');
      expect(() =>
        DomainEventBus.fromEventBusArn(
          stack,
          'Bus',
          'arn:aws:events:eu-west-1:1:event-bus/x',
          'Food App',
        ),
      ).toThrow(/\[Consumer\/Bus\] invalid appName: 'Food App'/);
    });
  });

  describe('validation', () => {
    it.each([
      ['Food', /lowercase letters/],
      ['', /lowercase letters/],
      ['food_app', /lowercase letters/],
      ['aws', /reserves for AWS services; choose another appName/],
    ])('fails when appName is %p', (appName, message) => {
      const stack = new Stack(testApp(), 'Test');
      expect(() => new DomainEventBus(stack, 'Bus', { appName })).toThrow(message);
      expect(() => new DomainEventBus(new Stack(testApp(), 'Other'), 'Bus', { appName })).toThrow(
        /\[Other\/Bus\] invalid appName/,
      );
    });
  });
});

import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BoundedContext, filterProblems, subscriptionPattern } from '../../lib';
import { fixtureHandler, testStack } from '../helpers';

function twoContexts() {
  const { stack, bus } = testStack();
  const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
  orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
  const kitchen = new BoundedContext(stack, 'Kitchen', { bus, events: ['MealCooked'] });
  return { stack, orders, kitchen };
}

const cook = (kitchen: BoundedContext<'MealCooked'>) =>
  kitchen.workflow(kitchen.task('Cook', { entry: fixtureHandler(), emits: 'MealCooked' }));

describe('subscriptions', () => {
  describe('defaults', () => {
    const { stack, orders, kitchen } = twoContexts();
    kitchen.on(orders.event('OrderPlaced'));
    cook(kitchen);
    const template = Template.fromStack(stack);
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { Description: Match.stringLikeRegexp('reacts to') },
    });
    const [rule] = Object.values(rules);

    it('creates a rule on the domain bus matching source and detail-type', () => {
      expect(Object.keys(rules)).toEqual([
        expect.stringMatching(/^KitchenOnOrdersOrderPlacedRule/),
      ]);
      expect(rule.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^Bus/) });
      expect(rule.Properties.EventPattern).toEqual({
        source: ['test.orders'],
        'detail-type': ['OrderPlaced'],
      });
    });

    it('starts the subscriber workflow with a DLQ and the maximum retry policy', () => {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { Ref: expect.stringMatching(/^KitchenWorkflow/) },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [expect.stringMatching(/^KitchenDlq/), 'Arn'] },
          },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^KitchenWorkflowEventsRole/), 'Arn'] },
        }),
      ]);
    });

    it('turns the event into an envelope that carries the correlation id and records the cause', () => {
      const transformer = rule.Properties.Targets[0].InputTransformer;
      expect(transformer.InputPathsMap).toEqual({
        'detail-metadata-correlationId': '$.detail.metadata.correlationId',
        'detail-metadata-eventId': '$.detail.metadata.eventId',
        'detail-data': '$.detail.data',
        source: '$.source',
        'detail-type': '$.detail-type',
      });
      expect(transformer.InputTemplate).toBe(
        '{"metadata":{"correlationId":<detail-metadata-correlationId>,"causationId":<detail-metadata-eventId>,' +
          '"trigger":{"source":<source>,"detailType":<detail-type>,"eventId":<detail-metadata-eventId>}},' +
          '"data":<detail-data>,"trigger":{"source":<source>,"detailType":<detail-type>,"eventId":<detail-metadata-eventId>}}',
      );
    });

    it('encrypts the dead-letter queue and lets only this rule write to it', () => {
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: Match.stringLikeRegexp('^KitchenDlq') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 'sqs:SendMessage',
              Principal: { Service: 'events.amazonaws.com' },
              Condition: {
                ArnEquals: {
                  'aws:SourceArn': {
                    'Fn::GetAtt': [
                      Match.stringLikeRegexp('^KitchenOnOrdersOrderPlacedRule'),
                      'Arn',
                    ],
                  },
                },
              },
            }),
          ]),
        },
      });
    });

    it('lets the rule start only the subscriber workflow', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^KitchenWorkflowEventsRole') }],
        PolicyDocument: {
          Statement: [
            {
              Action: 'states:StartExecution',
              Effect: 'Allow',
              Resource: { Ref: Match.stringLikeRegexp('^KitchenWorkflow') },
            },
          ],
        },
      });
    });
  });

  describe('overrides', () => {
    it('adds a content filter on detail.data and a custom retry policy', () => {
      const { stack, orders, kitchen } = twoContexts();
      cook(kitchen);
      kitchen.on(orders.event('OrderPlaced'), {
        filter: { cuisine: ['pizza'], total: [{ numeric: ['>', 100] }] },
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      });
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['test.orders'],
          'detail-type': ['OrderPlaced'],
          detail: { data: { cuisine: ['pizza'], total: [{ numeric: ['>', 100] }] } },
        },
        Targets: [
          Match.objectLike({
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
          }),
        ],
      });
    });

    it('attaches targets to subscriptions made before the workflow is defined', () => {
      const { stack, orders, kitchen } = twoContexts();
      kitchen.on(orders.event('OrderPlaced'));
      cook(kitchen);
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ 'detail-type': ['OrderPlaced'] }),
        Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^KitchenWorkflow') } })],
      });
    });
  });

  describe('validation', () => {
    it('fails when the same event is subscribed twice', () => {
      const { orders, kitchen } = twoContexts();
      kitchen.on(orders.event('OrderPlaced'));
      expect(() => kitchen.on(orders.event('OrderPlaced'))).toThrow(
        /\[Test\/Kitchen\] invalid event: 'test.orders OrderPlaced'\. kitchen already subscribes to this event/,
      );
    });

    it.each([
      [{ cuisine: 'pizza' }, /filter field 'cuisine': must be an object or an array, got string/],
      [{ cuisine: [] }, /filter field 'cuisine': empty arrays are not allowed/],
      [{ address: { city: 'Rome' } }, /filter field 'address.city': must be an object or an array/],
      [
        { total: [{ numeric: ['>>', 20] }] },
        /filter field 'total': numeric has unknown comparison operator ">>"/,
      ],
      [{ city: [{ 'starts-with': 'Ro' }] }, /filter field 'city': unknown operator "starts-with"/],
      [{ code: [{ prefix: 5 }] }, /filter field 'code': prefix value must be a string/],
      [{ ip: [{ cidr: '10.0.0.1' }] }, /filter field 'ip': cidr value "10.0.0.1" must look like/],
      [{ name: [{ wildcard: 'a**' }] }, /filter field 'name': wildcard has consecutive wildcard/],
      [{ kind: [{ 'anything-but': { suffix: [] } }] }, /filter field 'kind': anything-but suffix/],
      [{ $or: [{ a: ['x'] }] }, /filter field '\$or': must be an array of at least 2 sub-patterns/],
    ])('fails when the filter is %p', (filter, message) => {
      const { orders, kitchen } = twoContexts();
      expect(() => kitchen.on(orders.event('OrderPlaced'), { filter })).toThrow(message);
      expect(() => kitchen.on(orders.event('OrderPlaced'), { filter })).toThrow(
        /\[Test\/Kitchen\/OnOrdersOrderPlaced\] invalid filter/,
      );
    });

    it('fails when the filter uses an operator EventBridge does not have, naming value and fix', () => {
      const { orders, kitchen } = twoContexts();
      expect(() =>
        kitchen.on(orders.event('OrderPlaced'), { filter: { total: [{ numeric: ['>>', 20] }] } }),
      ).toThrow(
        `[Test/Kitchen/OnOrdersOrderPlaced] invalid filter: {"total":[{"numeric":[">>",20]}]}. filter field 'total': numeric has unknown comparison operator ">>". Write the filter in EventBridge's pattern syntax: each field takes an array of values or operator objects, for example ['pizza'] or [{ numeric: ['>', 100] }] (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).`,
      );
    });

    it('fails when the pattern is longer than EventBridge allows', () => {
      const { orders, kitchen } = twoContexts();
      const filter = { id: Array.from({ length: 300 }, (_, i) => `order-${i}`) };
      expect(() => kitchen.on(orders.event('OrderPlaced'), { filter })).toThrow(
        /would be \d+ characters; EventBridge allows 2048/,
      );
    });

    it.each([[-1], [186], [1.5]])('fails when retryAttempts is %p', (retryAttempts) => {
      const { orders, kitchen } = twoContexts();
      expect(() => kitchen.on(orders.event('OrderPlaced'), { retryAttempts })).toThrow(
        /invalid retryAttempts: .*Use a whole number from 0 to 185/,
      );
    });

    it.each([[Duration.seconds(30)], [Duration.hours(25)]])(
      'fails when maxEventAge is %s',
      (maxEventAge) => {
        const { orders, kitchen } = twoContexts();
        expect(() => kitchen.on(orders.event('OrderPlaced'), { maxEventAge })).toThrow(
          /invalid maxEventAge: .*from 1 minute to 24 hours/,
        );
      },
    );
  });
});

describe('subscriptionPattern', () => {
  const event = {
    name: 'OrderPlaced',
    source: 'food.orders',
    contextName: 'orders',
    contextPath: 'S/Orders',
  };
  it.each([
    [undefined, { source: ['food.orders'], 'detail-type': ['OrderPlaced'] }],
    [{}, { source: ['food.orders'], 'detail-type': ['OrderPlaced'] }],
    [
      { vip: [true] },
      {
        source: ['food.orders'],
        'detail-type': ['OrderPlaced'],
        detail: { data: { vip: [true] } },
      },
    ],
  ])('builds the pattern for filter %p', (filter, expected) => {
    expect(subscriptionPattern(event, filter)).toEqual(expected);
  });
});

describe('filterProblems', () => {
  it.each([
    [undefined, []],
    [{}, []],
    [{ a: ['x'] }, []],
    [{ a: { b: [{ prefix: 'x' }] } }, []],
    [
      { $or: [{ a: ['x'] }, { b: 'y' }] },
      ["filter field '$or[1].b': must be an object or an array, got string"],
    ],
    [{ a: 1 }, ["filter field 'a': must be an object or an array, got number"]],
    [
      { a: [{ numeric: ['>>', 20] }], b: [{ 'starts-with': 'x' }] },
      [
        'filter field \'a\': numeric has unknown comparison operator ">>"',
        expect.stringMatching(/^filter field 'b': unknown operator "starts-with"/),
      ],
    ],
  ])('finds the problems of %p', (filter, expected) => {
    expect(filterProblems(filter as Record<string, unknown> | undefined)).toEqual(expected);
  });
});

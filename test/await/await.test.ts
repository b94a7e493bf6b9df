import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext } from '../../lib';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { fixtureHandler, testStack } from '../helpers';

/** These tests pin the JSONPath layout; test/workflow/jsonata-layout.test.ts tests the JSONata one. */
const JSON_PATH = sfn.QueryLanguage.JSON_PATH;

function build(workflowType?: sfn.StateMachineType) {
  const { stack, bus } = testStack();
  const kitchen = new BoundedContext(stack, 'Kitchen', {
    bus,
    queryLanguage: JSON_PATH,
    events: ['OrderAccepted', 'OrderRejected'],
  });
  kitchen.workflow(
    kitchen
      .task('Review', { entry: fixtureHandler() })
      .next(
        new sfn.Choice(stack, 'Ok?')
          .when(sfn.Condition.booleanEquals('$.data.ok', true), kitchen.emit('OrderAccepted'))
          .otherwise(kitchen.emit('OrderRejected')),
      ),
  );
  const orders = new BoundedContext(stack, 'Orders', {
    bus,
    queryLanguage: JSON_PATH,
    events: ['OrderPlaced', 'OrderTimedOut', 'OrderDone'],
    workflowType,
  });
  return { stack, kitchen, orders };
}

const states = (stack: Stack, prefix = 'Orders') =>
  resolveStateMachines(Template.fromStack(stack).toJSON()).find((m) =>
    m.logicalId.startsWith(prefix),
  )!.definition.States as Record<string, any>;

describe('await', () => {
  describe('defaults', () => {
    const { stack, kitchen, orders } = build();
    orders.workflow(
      orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }).next(
        orders
          .await('AwaitKitchen', {
            events: [kitchen.event('OrderAccepted'), kitchen.event('OrderRejected')],
            correlateBy: 'order.id',
            timeout: Duration.minutes(10),
            onTimeout: 'OrderTimedOut',
          })
          .when(kitchen.event('OrderAccepted'), orders.emit('OrderDone'))
          .when(kitchen.event('OrderRejected'), new sfn.Pass(stack, 'Rejected')),
      ),
    );
    const template = Template.fromStack(stack);
    const s = states(stack);

    it('waits on a task token with the timeout, passing the data that holds the correlation value', () => {
      expect(s.AwaitKitchen).toMatchObject({
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSeconds: 600,
        ResultPath: '$.data.awaited',
        Parameters: {
          FunctionName: expect.stringContaining('OrdersAwaitsResumer'),
          Payload: {
            'token.$': '$$.Task.Token',
            await: 'AwaitKitchen',
            'data.$': '$.data',
            'executionArn.$': '$$.Execution.Id',
            'metadata.$': '$.metadata',
          },
        },
      });
    });

    it('publishes the timeout event on timeout, then compensates and fails', () => {
      expect(s.AwaitKitchen.Catch).toEqual([
        {
          ErrorEquals: ['States.Timeout'],
          ResultPath: '$.data.awaited',
          Next: 'Publish OrderTimedOut',
        },
        {
          ErrorEquals: ['States.ALL'],
          ResultPath: '$.error',
          Next: 'Publish TaskFailed (AwaitKitchen)',
        },
      ]);
      expect(s['Publish OrderTimedOut'].Next).toBe('AwaitKitchen timed out');
      expect(s['AwaitKitchen timed out']).toMatchObject({
        Type: 'Pass',
        ResultPath: '$.error',
        Parameters: {
          Error: 'AwaitTimedOut',
          Cause: 'no OrderAccepted or OrderRejected in time (States.Timeout after 600 s)',
        },
        Next: 'Publish WorkflowFailed',
      });
    });

    it('branches on the event that arrived, by name and source', () => {
      const branch = (event: string, next: string) => ({
        And: [
          { Variable: '$.data.awaited.event', IsPresent: true },
          { Variable: '$.data.awaited.event', StringEquals: event },
          { Variable: '$.data.awaited.source', IsPresent: true },
          { Variable: '$.data.awaited.source', StringEquals: 'test.kitchen' },
        ],
        Next: next,
      });
      expect(s['AwaitKitchen: which event?'].Choices).toEqual([
        branch('OrderAccepted', 'Publish OrderDone'),
        branch('OrderRejected', 'Rejected'),
      ]);
    });

    it('sends an event no branch covers down the failure path with a named error', () => {
      const which = s['AwaitKitchen: which event?'];
      expect(which.Default).toBe('AwaitKitchen: unexpected event');
      expect(s[which.Default]).toMatchObject({
        Type: 'Pass',
        Parameters: { Error: 'UnexpectedAwaitedEvent' },
        ResultPath: '$.error',
      });
      expect(s[s[which.Default].Next].Type).toBe('Task');
    });

    it('keeps correlations in an encrypted DynamoDB table with TTL and point-in-time recovery', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it('feeds the resumer only the awaited events that carry the correlation field, with a DLQ', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['test.kitchen'],
          'detail-type': ['OrderAccepted', 'OrderRejected'],
          detail: { data: { order: { id: [{ exists: true }] } } },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersAwaitsResumer'), 'Arn'] },
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersDlq'), 'Arn'] },
            },
            RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          }),
        ],
      });
    });

    it('configures the resumer with its awaits and table', () => {
      const resumer = Object.values(template.findResources('AWS::Lambda::Function')).find(
        (f) => f.Properties.Environment.Variables.ENSEMBLE_AWAITS,
      )!;
      expect(JSON.parse(resumer.Properties.Environment.Variables.ENSEMBLE_AWAITS)).toEqual([
        {
          name: 'AwaitKitchen',
          events: [
            { source: 'test.kitchen', detailType: 'OrderAccepted' },
            { source: 'test.kitchen', detailType: 'OrderRejected' },
          ],
          correlateBy: 'order.id',
          timeoutSeconds: 600,
          // The awaited event's identity and whole data; its metadata stays in its envelope.
          keep: { metadata: false },
        },
      ]);
      // Events that still fail after Lambda's asynchronous retries go to the context's DLQ.
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 2,
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersDlq'), 'Arn'] },
          },
        },
      });
    });

    it("lets the resumer resume only this context's executions and touch only its table items", () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyName: Match.stringLikeRegexp('ResumePolicy'),
        PolicyDocument: {
          Statement: [
            {
              Action: 'states:SendTaskSuccess',
              Effect: 'Allow',
              Resource: { Ref: Match.stringLikeRegexp('^OrdersWorkflow') },
            },
          ],
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersAwaitsTable'), 'Arn'] },
            }),
          ]),
        },
      });
    });
  });

  describe('overrides', () => {
    it('continues with next() whatever the event, takes a custom result key and a timeout path', () => {
      const { stack, kitchen, orders } = build();
      orders.workflow(
        orders
          .await('AwaitKitchen', {
            events: [kitchen.event('OrderAccepted')],
            correlateBy: 'orderId',
            timeout: Duration.hours(2),
            onTimeout: 'OrderTimedOut',
            resultKey: 'kitchen',
          })
          .whenTimedOut(new sfn.Pass(stack, 'GiveUp'))
          .next(orders.emit('OrderDone')),
      );
      const s = states(stack);
      expect(s.AwaitKitchen).toMatchObject({
        TimeoutSeconds: 7200,
        ResultPath: '$.data.kitchen',
        Next: 'Publish OrderDone',
      });
      expect(s['Publish OrderTimedOut'].Next).toBe('GiveUp');
      expect(s.GiveUp.Next).toBe('Publish WorkflowSucceeded');
    });
  });

  describe('validation', () => {
    const awaitOptions = (kitchen: BoundedContext<'OrderAccepted' | 'OrderRejected'>) => ({
      events: [kitchen.event('OrderAccepted')],
      correlateBy: 'orderId',
      timeout: Duration.minutes(10),
      onTimeout: 'OrderTimedOut' as const,
    });

    it('passes what to keep of the awaited event to the resumer', () => {
      const { stack, kitchen, orders } = build();
      orders.workflow(
        orders.await('A', {
          ...awaitOptions(kitchen),
          keep: { data: ['reason', 'eta.minutes'], metadata: true },
        }),
      );
      const resumer = Object.values(
        Template.fromStack(stack).findResources('AWS::Lambda::Function'),
      ).find((f) => f.Properties.Environment.Variables.ENSEMBLE_AWAITS)!;
      expect(JSON.parse(resumer.Properties.Environment.Variables.ENSEMBLE_AWAITS)[0].keep).toEqual({
        data: ['reason', 'eta.minutes'],
        metadata: true,
      });
    });

    it('fails when the timeout is missing', () => {
      const { kitchen, orders } = build();
      expect(() =>
        orders.await('A', { ...awaitOptions(kitchen), timeout: undefined as never }),
      ).toThrow(
        /\[Test\/Orders\/A\] invalid timeout: undefined\. An await needs a timeout: without one an execution can wait for a year/,
      );
    });

    it.each([
      [{ correlateBy: 'order id' }, /invalid correlateBy: 'order id'/],
      [{ correlateBy: '' }, /invalid correlateBy/],
      [{ events: [] }, /invalid events: \[\]\. Name at least one event/],
      [{ timeout: Duration.days(400) }, /invalid timeout: '400 days'/],
      [{ resultKey: 'a.b' }, /invalid resultKey: 'a.b'/],
      [{ keep: { data: ['reason', 'a b'] } }, /invalid keep\.data: 'a b'\. Give dotted paths/],
      [
        { keep: { data: ['reason', 'reason'] } },
        /invalid keep\.data: 'reason'\. The field is listed twice/,
      ],
    ])('fails when %p', (override, message) => {
      const { kitchen, orders } = build();
      expect(() => orders.await('A', { ...awaitOptions(kitchen), ...override })).toThrow(message);
    });

    it('fails when a context awaits its own event', () => {
      const { orders } = build();
      expect(() =>
        orders.await('A', {
          events: [orders.event('OrderPlaced')],
          correlateBy: 'id',
          timeout: Duration.minutes(1),
          onTimeout: 'OrderTimedOut',
        }),
      ).toThrow(/OrderPlaced is published by orders itself; an await waits for another context/);
    });

    it('fails when the workflow is Express', () => {
      const { kitchen, orders } = build(sfn.StateMachineType.EXPRESS);
      const waiting = orders.await('A', awaitOptions(kitchen));
      expect(() => orders.workflow(waiting)).toThrow(
        /invalid workflowType: 'EXPRESS'\. Express workflows cannot wait for a task token, and orders awaits A/,
      );
    });

    it('fails when branching leaves an awaited event without a branch', () => {
      const { stack, kitchen, orders } = build();
      const waiting = orders
        .await('A', {
          ...awaitOptions(kitchen),
          events: [kitchen.event('OrderAccepted'), kitchen.event('OrderRejected')],
        })
        .when(kitchen.event('OrderAccepted'), new sfn.Pass(stack, 'Yes'));
      expect(() => orders.workflow(waiting)).toThrow(
        /\[Test\/Orders\/A\] invalid when: 'OrderRejected'\. Once an await branches with when\(\), every awaited event needs a branch/,
      );
    });

    it('fails when when() names an event that is not awaited', () => {
      const { stack, kitchen, orders } = build();
      const waiting = orders.await('A', awaitOptions(kitchen));
      expect(() => waiting.when(kitchen.event('OrderRejected'), new sfn.Pass(stack, 'No'))).toThrow(
        /OrderRejected is not awaited here; awaited: OrderAccepted/,
      );
    });

    it('fails synth when the awaited event is never published', () => {
      const { stack, bus } = testStack();
      const silent = new BoundedContext(stack, 'Silent', {
        bus,
        queryLanguage: JSON_PATH,
        events: ['Spoken'],
      });
      silent.workflow(silent.task('Think', { entry: fixtureHandler() }));
      const orders = new BoundedContext(stack, 'Orders', {
        bus,
        queryLanguage: JSON_PATH,
        events: ['OrderTimedOut'],
      });
      orders.workflow(
        orders.await('A', {
          events: [silent.event('Spoken')],
          correlateBy: 'id',
          timeout: Duration.minutes(1),
          onTimeout: 'OrderTimedOut',
        }),
      );
      expect(() => Template.fromStack(stack)).toThrow(
        /orders awaits test.silent Spoken, but no state of the silent workflow publishes it.*or remove the await/,
      );
    });
  });
});

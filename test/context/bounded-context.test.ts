import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BoundedContext } from '../../lib';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { fixtureHandler, testStack } from '../helpers';

/** These tests pin the JSONPath layout; test/workflow/jsonata-layout.test.ts tests the JSONata one. */
const JSON_PATH = sfn.QueryLanguage.JSON_PATH;

type States = Record<string, Record<string, any>>;

function ordersContext(props: Partial<ConstructorParameters<typeof BoundedContext>[2]> = {}) {
  const { stack, bus } = testStack();
  const orders = new BoundedContext(stack, 'Orders', {
    bus,
    queryLanguage: JSON_PATH,
    events: ['OrderPlaced', 'OrderShipped'],
    ...props,
  });
  return { stack, bus, orders };
}

function definitionOf(
  stack: import('aws-cdk-lib').Stack,
  logicalIdPrefix = 'Orders',
): { StartAt: string; States: States; TimeoutSeconds?: number } {
  const template = Template.fromStack(stack).toJSON();
  const machine = resolveStateMachines(template).find((m) =>
    m.logicalId.startsWith(logicalIdPrefix),
  );
  return machine!.definition as { StartAt: string; States: States; TimeoutSeconds?: number };
}

describe('BoundedContext', () => {
  describe('naming', () => {
    it('derives the context name and event source from the construct id', () => {
      const { stack, bus } = testStack();
      const ctx = new BoundedContext(stack, 'OrderTaking', {
        bus,
        queryLanguage: JSON_PATH,
        events: ['OrderTaken'],
      });
      expect(ctx.contextName).toBe('order-taking');
      expect(ctx.source).toBe('test.order-taking');
      expect(ctx.event('OrderTaken')).toMatchObject({
        name: 'OrderTaken',
        source: 'test.order-taking',
        contextName: 'order-taking',
      });
    });

    it('uses contextName when given', () => {
      const { orders } = ordersContext({ contextName: 'ordering' });
      expect(orders.event('OrderPlaced').source).toBe('test.ordering');
    });

    it('declares the lifecycle events on top of its own', () => {
      const { orders } = ordersContext();
      expect(orders.events.map((e) => e.name)).toEqual([
        'WorkflowStarted',
        'WorkflowSucceeded',
        'TaskFailed',
        'WorkflowFailed',
        'OrderPlaced',
        'OrderShipped',
      ]);
    });
  });

  describe('workflow defaults', () => {
    const { stack, orders } = ordersContext();
    orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
    const template = Template.fromStack(stack);
    const definition = definitionOf(stack);

    it('is a Standard state machine with a one-day timeout, tracing and ALL logging', () => {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      });
      expect(definition).toMatchObject({ TimeoutSeconds: 86400 });
    });

    it('logs to a vended-logs log group kept one month', () => {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
        RetentionInDays: 30,
      });
    });

    it('checks the envelope, publishes WorkflowStarted, runs the tasks and publishes WorkflowSucceeded', () => {
      const s = definition.States;
      expect(definition.StartAt).toBe('Check envelope');
      // Refusal first (Choice rules are evaluated in order), then the causationId default.
      expect(s['Check envelope'].Choices.map((c: { Next: string }) => c.Next)).toEqual([
        'InvalidEnvelope',
        'Publish WorkflowStarted',
      ]);
      expect(s['Check envelope'].Default).toBe('Default causationId');
      expect(s['Default causationId'].Next).toBe('Default causationId (keep metadata)');
      expect(s['Default causationId (keep metadata)'].Next).toBe('Publish WorkflowStarted');
      expect(s['Publish WorkflowStarted'].Next).toBe('PlaceOrder');
      expect(s.PlaceOrder.Next).toBe('Publish OrderPlaced');
      expect(s['Publish OrderPlaced'].Next).toBe('Publish WorkflowSucceeded');
      expect(s['Publish WorkflowSucceeded'].End).toBe(true);
      expect(s.InvalidEnvelope).toMatchObject({ Type: 'Fail', Error: 'InvalidEnvelope' });
    });

    it('publishes the task event with the envelope on the bus', () => {
      const publish = definition.States['Publish OrderPlaced'];
      expect(publish.Resource).toBe('arn:aws:states:::events:putEvents');
      expect(publish.ResultPath).toBeNull();
      expect(publish.Parameters.Entries).toEqual([
        {
          Source: 'test.orders',
          DetailType: 'OrderPlaced',
          // The bus's name, which CDK derives from its path.
          EventBusName: expect.stringContaining(':event-bus/TestBus'),
          Detail: {
            metadata: {
              'eventId.$': 'States.UUID()',
              'correlationId.$': '$.metadata.correlationId',
              'causationId.$': '$.metadata.causationId',
              'occurredAt.$': '$$.State.EnteredTime',
              context: 'orders',
              'workflow.$': '$$.StateMachine.Name',
              'executionArn.$': '$$.Execution.Id',
              state: 'PlaceOrder',
              schemaVersion: '1',
            },
            'data.$': '$.data',
          },
        },
      ]);
      expect(publish.Retry).toEqual([
        expect.objectContaining({ ErrorEquals: ['States.TaskFailed'], JitterStrategy: 'FULL' }),
      ]);
    });

    it('invokes the handler with the envelope and replaces $.data with its result', () => {
      const task = definition.States.PlaceOrder;
      expect(task.Resource).toMatch(/^arn:aws:lambda:.*:function:OrdersPlaceOrderHandler/);
      expect(task.Parameters).toEqual({
        'metadata.$': '$.metadata',
        'data.$': '$.data',
        task: 'PlaceOrder',
      });
      expect(task.ResultPath).toBe('$.data');
    });

    it('retries transient Lambda errors with backoff and full jitter', () => {
      expect(definition.States.PlaceOrder.Retry).toEqual([
        {
          ErrorEquals: [
            'Lambda.ClientExecutionTimeoutException',
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.TooManyRequestsException',
          ],
          IntervalSeconds: 1,
          MaxAttempts: 6,
          BackoffRate: 2,
          MaxDelaySeconds: 30,
          JitterStrategy: 'FULL',
        },
      ]);
    });

    it('publishes TaskFailed then WorkflowFailed before failing when a task fails for good', () => {
      const s = definition.States;
      expect(s.PlaceOrder.Catch).toEqual([
        {
          ErrorEquals: ['States.ALL'],
          ResultPath: '$.error',
          Next: 'Publish TaskFailed (PlaceOrder)',
        },
      ]);
      expect(s['Publish TaskFailed (PlaceOrder)'].Parameters.Entries[0]).toMatchObject({
        DetailType: 'TaskFailed',
        Detail: {
          metadata: { state: 'PlaceOrder' },
          data: { 'input.$': '$.data', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
        },
      });
      expect(s['Publish TaskFailed (PlaceOrder)'].Next).toBe('Publish WorkflowFailed');
      expect(s['Publish WorkflowFailed'].Next).toBe('Failed');
      expect(s.Failed).toEqual({
        Type: 'Fail',
        ErrorPath: '$.error.Error',
        CausePath: '$.error.Cause',
      });
    });

    it('runs each handler on Node.js 24, arm64, 256 MB, 10 s, with tracing and a log group kept one month', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 10,
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: 'orders',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
            ENSEMBLE_EVENT_SOURCE: 'test.orders',
            ENSEMBLE_TASK: 'PlaceOrder',
          }),
        },
      });
      expect(
        Object.values(template.findResources('AWS::Logs::LogGroup')).map(
          (l) => l.Properties.RetentionInDays,
        ),
      ).toEqual([30, 30, 30]);
    });

    it('lets the workflow invoke its handler and publish on the bus', () => {
      const statement = (s: object) => ({
        Roles: [{ Ref: Match.stringLikeRegexp('^OrdersWorkflowRole') }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(s)]) },
      });
      template.hasResourceProperties(
        'AWS::IAM::Policy',
        statement({ Action: 'lambda:InvokeFunction' }),
      );
      template.hasResourceProperties(
        'AWS::IAM::Policy',
        statement({
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] },
        }),
      );
    });
  });

  describe('overrides', () => {
    it('builds an Express workflow with the given timeout and log retention', () => {
      const { stack, orders } = ordersContext({
        workflowType: sfn.StateMachineType.EXPRESS,
        workflowTimeout: Duration.minutes(5),
        logRetention: logs.RetentionDays.ONE_WEEK,
      });
      orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'EXPRESS',
      });
      expect(definitionOf(stack).TimeoutSeconds).toBe(300);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    });

    it('applies handler defaults and per-task settings', () => {
      const { stack, orders } = ordersContext({
        handlerDefaults: {
          memorySize: 512,
          timeout: Duration.seconds(20),
          architecture: lambda.Architecture.X86_64,
          logLevel: 'DEBUG',
        },
      });
      orders.workflow(
        orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }).next(
          orders.task('ShipOrder', {
            entry: fixtureHandler(),
            emits: 'OrderShipped',
            memorySize: 1024,
            timeout: Duration.seconds(3),
            handlerExport: 'ship',
            environment: { CARRIER: 'bike' },
            retry: { errors: ['CarrierBusy'], maxAttempts: 2 },
          }),
        ),
      );
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 512,
        Timeout: 20,
        Architectures: ['x86_64'],
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_LOG_LEVEL: 'DEBUG',
            ENSEMBLE_TASK: 'PlaceOrder',
          }),
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 1024,
        Timeout: 3,
        Handler: 'index.ship',
        Environment: {
          Variables: Match.objectLike({ CARRIER: 'bike', ENSEMBLE_TASK: 'ShipOrder' }),
        },
      });
      const ship = definitionOf(stack).States.ShipOrder;
      expect(ship.Retry[0]).toMatchObject({
        ErrorEquals: expect.arrayContaining(['CarrierBusy', 'Lambda.ServiceException']),
        MaxAttempts: 2,
      });
    });

    it('publishes a decided outcome with emit() after a task that emits nothing', () => {
      const { stack, orders } = ordersContext();
      orders.workflow(
        orders.task('Review', { entry: fixtureHandler() }).next(
          new sfn.Choice(stack, 'Ok?')
            .when(sfn.Condition.booleanEquals('$.data.ok', true), orders.emit('OrderPlaced'))
            .otherwise(
              orders.emit('OrderShipped', {
                data: { 'why.$': '$.data.reason' },
                stateName: 'Tell shipping',
              }),
            ),
        ),
      );
      const s = definitionOf(stack).States;
      // Both branches of the Choice (left without .afterwards()) end with WorkflowSucceeded.
      expect(s['Publish OrderPlaced'].Next).toBe('Publish WorkflowSucceeded');
      expect(s['Tell shipping'].Next).toBe('Publish WorkflowSucceeded');
      expect(s.Review.Next).toBe('Ok?');
      expect(s['Publish OrderPlaced'].Parameters.Entries[0].Detail.metadata.state).toBe(
        'Publish OrderPlaced',
      );
      expect(s['Tell shipping'].Parameters.Entries[0]).toMatchObject({
        DetailType: 'OrderShipped',
        Detail: { data: { 'why.$': '$.data.reason' } },
      });
    });

    it('names a second publish state of the same event after its task', () => {
      const { stack, orders } = ordersContext();
      orders.workflow(
        orders
          .task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' })
          .next(orders.task('PlaceAgain', { entry: fixtureHandler(), emits: 'OrderPlaced' })),
      );
      const s = definitionOf(stack).States;
      expect(s.PlaceOrder.Next).toBe('Publish OrderPlaced');
      expect(s.PlaceAgain.Next).toBe('Publish OrderPlaced (PlaceAgain)');
      expect(s['Publish TaskFailed (PlaceAgain)']).toBeDefined();
    });
  });

  describe('publishFrom handler', () => {
    const { stack, orders } = ordersContext();
    orders.workflow(
      orders
        .task('PlaceOrder', {
          entry: fixtureHandler(),
          emits: 'OrderPlaced',
          publishFrom: 'handler',
        })
        .next(orders.task('ShipOrder', { entry: fixtureHandler(), emits: 'OrderShipped' })),
    );
    const template = Template.fromStack(stack);
    const s = definitionOf(stack).States;

    it('publishes no state for the event: the next state follows the task directly', () => {
      expect(s.PlaceOrder.Next).toBe('ShipOrder');
      expect(s['Publish OrderPlaced']).toBeUndefined();
      expect(s.ShipOrder.Next).toBe('Publish OrderShipped');
    });

    it('passes the execution and workflow to the handler, which needs them for the envelope', () => {
      expect(s.PlaceOrder.Parameters).toEqual({
        'metadata.$': '$.metadata',
        'data.$': '$.data',
        task: 'PlaceOrder',
        'executionArn.$': '$$.Execution.Id',
        'workflow.$': '$$.StateMachine.Name',
      });
      expect(s.ShipOrder.Parameters['executionArn.$']).toBeUndefined();
    });

    it('tells the handler which event to publish and lets it publish on the bus only', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            ENSEMBLE_TASK: 'PlaceOrder',
            ENSEMBLE_EMITS: 'OrderPlaced',
          }),
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^OrdersPlaceOrderHandlerRole') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: 'events:PutEvents',
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] },
            },
          ]),
        },
      });
    });

    it('counts the event as published by the context', () => {
      expect([...orders.publishedEventNames()]).toContain('OrderPlaced');
    });

    it('takes the default from the context', () => {
      const other = ordersContext({ publishFrom: 'handler' });
      other.orders.workflow(
        other.orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }),
      );
      expect(definitionOf(other.stack).States.PlaceOrder.Next).toBe('Publish WorkflowSucceeded');
    });
  });

  describe('grants and metrics', () => {
    it('grants states:StartExecution on the workflow', () => {
      const { stack, orders } = ordersContext();
      orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
      const role = new iam.Role(stack, 'Api', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      orders.grantStartExecution(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^Api') }],
        PolicyDocument: { Statement: [Match.objectLike({ Action: 'states:StartExecution' })] },
      });
    });

    it('offers workflow and dead-letter metrics', () => {
      const { orders } = ordersContext();
      orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
      expect(orders.metricExecutionsFailed().metricName).toBe('ExecutionsFailed');
      expect(orders.metricExecutionsTimedOut().metricName).toBe('ExecutionsTimedOut');
      expect(orders.metricDeadLetters().metricName).toBe('ApproximateNumberOfMessagesVisible');
      expect(orders.metric('ExecutionThrottled').namespace).toBe('AWS/States');
    });
  });

  describe('validation', () => {
    it('fails when asked for an event it does not declare, listing the ones it does', () => {
      const { orders } = ordersContext();
      expect(() => orders.event('OrderLost' as never)).toThrow(
        /\[Test\/Orders\] invalid event name: 'OrderLost'\. orders publishes WorkflowStarted, .*OrderPlaced, OrderShipped\. Declare 'OrderLost'/,
      );
    });

    it.each([
      ['orderPlaced', /must be PascalCase/],
      ['Order Placed', /must be PascalCase/],
      ['WorkflowStarted', /lifecycle event that every context publishes/],
    ])('fails when an event is named %p', (name, message) => {
      const { stack, bus } = testStack();
      expect(
        () =>
          new BoundedContext(stack, 'Orders', { bus, queryLanguage: JSON_PATH, events: [name] }),
      ).toThrow(message);
    });

    it.each([['States.Timeout'], ['States.TaskFailed'], ['']])(
      'fails when a fail() state names its error %p',
      (error) => {
        const { orders } = ordersContext();
        expect(() => orders.fail('Refused', { error, cause: 'no' })).toThrow(
          `[Test/Orders/Refused] invalid error: '${error}'. Name the error after the business rule (for example 'FraudSuspected'); names that begin with 'States.' are Step Functions' own.`,
        );
      },
    );

    it('fails when an event is declared twice', () => {
      const { stack, bus } = testStack();
      expect(
        () =>
          new BoundedContext(stack, 'Orders', {
            bus,
            queryLanguage: JSON_PATH,
            events: ['A', 'A'],
          }),
      ).toThrow(/declared twice/);
    });

    it.each([['Orders'], ['aws.orders'], ['-x']])('fails when contextName is %p', (contextName) => {
      const { stack, bus } = testStack();
      expect(
        () =>
          new BoundedContext(stack, 'Orders', {
            bus,
            queryLanguage: JSON_PATH,
            events: [],
            contextName,
          }),
      ).toThrow(/\[Test\/Orders\] invalid contextName/);
    });

    it('fails when two tasks share a name', () => {
      const { orders } = ordersContext();
      orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' });
      expect(() =>
        orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }),
      ).toThrow(
        /\[Test\/Orders\] invalid task name: 'PlaceOrder'\. Two states of the orders workflow would share this name/,
      );
    });

    it('fails when the entry file does not exist', () => {
      const { orders } = ordersContext();
      expect(() =>
        orders.task('PlaceOrder', { entry: 'lambda/nope.ts', emits: 'OrderPlaced' }),
      ).toThrow(
        /\[Test\/Orders\/PlaceOrder\] invalid entry: 'lambda\/nope.ts'\. No file at .*lambda\/nope.ts/,
      );
    });

    it('fails when a second workflow is defined', () => {
      const { orders } = ordersContext();
      orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
      expect(() => orders.workflow(new sfn.Pass(orders, 'Again'))).toThrow(/has one workflow/);
    });

    it('fails when the state machine is asked for before the workflow exists', () => {
      const { orders } = ordersContext();
      expect(() => orders.stateMachine).toThrow(/has no workflow yet: call orders.workflow/);
    });

    it('warns about declared events that no state publishes', () => {
      const { stack, orders } = ordersContext();
      orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
      Annotations.fromStack(stack).hasWarning(
        '/Test/Orders',
        Match.stringLikeRegexp(
          'orders declares OrderShipped but no state of its workflow publishes it',
        ),
      );
    });
  });
});

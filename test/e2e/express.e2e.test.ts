import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { BoundedContext, DomainEventBus } from '../../lib';
import { LocalRuntime } from '../../lib/runtime';
import { fixtureHandler, testApp } from '../helpers';

/**
 * A context that does not await can run as an Express workflow: billed per
 * execution and duration, at-least-once, five minutes at most, request-response
 * integrations only, its history in its log group.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/express-at-least-once-execution.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-supported-services.html
 */
type ShopEvent = 'OrderPlaced';
type MailEvent = 'ReceiptSent';

function shop(options: { workflowTimeout?: Duration } = {}) {
  const app = testApp({ bundle: true });
  const stack = new Stack(app, 'Shop');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'shop' });
  const orders = new BoundedContext<ShopEvent>(stack, 'Orders', { bus, events: ['OrderPlaced'] });
  const mail = new BoundedContext<MailEvent>(stack, 'Mail', {
    bus,
    events: ['ReceiptSent'],
    workflowType: sfn.StateMachineType.EXPRESS,
    ...options,
  });
  mail.on(orders.event('OrderPlaced'));
  orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
  mail.workflow(mail.task('SendReceipt', { entry: fixtureHandler(), emits: 'ReceiptSent' }));
  return { app, stack, mail };
}

describe('an Express context', () => {
  it('synthesizes an Express state machine of five minutes at most, fully logged', () => {
    const { stack, mail } = shop();
    const template = Template.fromStack(stack);
    const logicalId = stack.getLogicalId(
      mail.stateMachine.node.defaultChild as sfn.CfnStateMachine,
    );
    const machine = template.toJSON().Resources[stack.resolve(logicalId)];
    expect(machine.Properties.StateMachineType).toBe('EXPRESS');
    expect(machine.Properties.LoggingConfiguration).toMatchObject({
      Level: 'ALL',
      IncludeExecutionData: true,
    });
    const text = (machine.Properties.DefinitionString['Fn::Join'][1] as unknown[])
      .filter((part): part is string => typeof part === 'string')
      .join('');
    expect(text).toContain('"TimeoutSeconds":300');
  });

  it('refuses a workflowTimeout over five minutes, naming the construct and the fix', () => {
    expect(() => shop({ workflowTimeout: Duration.minutes(10) })).toThrow(
      "[Shop/Mail] invalid workflowTimeout: '10 minutes'. An Express workflow runs 5 minutes at most. Give workflowTimeout 5 minutes or less",
    );
  });

  it('runs locally: the event starts it, and a name used again starts another execution', async () => {
    const { app } = shop();
    const runtime = LocalRuntime.fromApp(app);
    try {
      runtime.startExecution('orders', { metadata: { correlationId: 'o-1' }, data: { id: 1 } });
      await runtime.settle();
      const [mail] = runtime.executions('mail');
      expect(mail.status).toBe('SUCCEEDED');
      expect(runtime.record.events('ReceiptSent', 'o-1')).toHaveLength(1);
      // An Express execution's ARN: arn:aws:states:<region>:<account>:express:<machine>:<name>:<id>.
      expect(mail.executionArn).toMatch(
        /^arn:aws:states:[^:]+:\d+:express:[^:]+:[^:]+:[0-9a-f-]{36}$/,
      );

      // Idempotency is not managed: the same name and input run twice.
      const input = { metadata: { correlationId: 'o-2' }, data: { id: 2 } };
      const first = runtime.startExecution('mail', input, 'receipt-o-2');
      const second = runtime.startExecution('mail', input, 'receipt-o-2');
      await runtime.settle();
      expect(second).not.toBe(first);
      expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect(runtime.record.events('ReceiptSent', 'o-2')).toHaveLength(2);
    } finally {
      runtime.dispose();
    }
  });

  it('is refused by the local runtime when it waits for a callback, as Step Functions refuses it', () => {
    const app = testApp();
    const stack = new Stack(app, 'Callbacks');
    const queue = new sqs.Queue(stack, 'Queue');
    new sfn.StateMachine(stack, 'Ask', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(
        new tasks.SqsSendMessage(stack, 'AskHuman', {
          queue,
          integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          messageBody: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken }),
        }),
      ),
    });
    expect(() => LocalRuntime.fromApp(app)).toThrow(
      /The Express state machine Callbacks\/Ask[0-9A-F]{8} has the state 'AskHuman' with the \.waitForTaskToken pattern .* which Express workflows do not support/,
    );
  });
});

import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeArchiveCommand } from '@aws-sdk/client-eventbridge';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createClients } from '../../lib/ops/clients';
import { discoverApp, parseOutputs } from '../../lib/ops/discovery';
import { setupProblem } from '../../lib/ops/errors';
import { ARCHIVE, AUDIT_LOG, cli, deployedApp, mocks, outputs, queueUrl, REGION } from './fixtures';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });
const FROM = ['--from', '2026-12-01T08:00:00Z'];

describe('clear failures of the operations commands', () => {
  beforeEach(() => deployedApp());

  it.each([
    ['trace', ['trace', 'c-1']],
    ['replay', ['replay', ...FROM]],
    ['redrive', ['redrive', 'orders']],
  ])('%s fails in one line with exit code 2 when there are no credentials', async (_name, argv) => {
    mocks.cloudFormation
      .on(DescribeStacksCommand)
      .rejects(named('CredentialsProviderError', 'Could not load credentials from any providers'));
    const { code, err } = await cli([...argv, '--stack', 'FoodDelivery']);
    expect(code).toBe(2);
    expect(err).toBe(
      'cdk-ensemble: no AWS credentials found: set AWS_PROFILE, run `aws configure` or `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  });

  it('fails in one line when no region is set', () => {
    expect((setupProblem(new Error('Region is missing')) as Error).message).toBe(
      'no AWS region set: export AWS_REGION (or AWS_DEFAULT_REGION), or set a region in your AWS profile',
    );
  });

  it('fails in one line when the stack does not exist', async () => {
    mocks.cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Nope' })
      .rejects(named('ValidationError', 'Stack with id Nope does not exist'));
    const { code, err } = await cli(['trace', 'c-1', '--stack', 'Nope']);
    expect(code).toBe(2);
    expect(err).toBe(
      'cdk-ensemble: stack Nope does not exist in this account and region; check --stack and AWS_REGION (aws cloudformation list-stacks)',
    );
  });

  it('fails in one line when the stack is not a cdk-ensemble app', async () => {
    mocks.cloudFormation.on(DescribeStacksCommand, { StackName: 'Website' }).resolves({
      Stacks: [
        {
          StackName: 'Website',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: 'BucketName', OutputValue: 'site-bucket', Description: 'the site bucket' },
          ],
        },
      ],
    });
    const { code, err } = await cli(['redrive', 'orders', '--stack', 'Website']);
    expect(code).toBe(2);
    expect(err).toBe(
      'cdk-ensemble: stack Website is not a cdk-ensemble app: none of its outputs is a domain event bus or a bounded context; give the stack that holds the DomainEventBus or a BoundedContext (and deploy it with this version of cdk-ensemble)',
    );
  });

  it('fails in one line when the bus has no audit log output', async () => {
    deployedApp({ audit: false });
    const { code, err } = await cli(['trace', 'c-1', '--stack', 'FoodDelivery']);
    expect(code).toBe(2);
    expect(err).toBe(
      'cdk-ensemble: stack FoodDelivery has no audit log output for the bus of food: redeploy it with this version of cdk-ensemble, which adds the output',
    );
  });

  it('fails in one line when the audit log group is gone', async () => {
    mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    mocks.logs
      .on(StartQueryCommand)
      .rejects(named('ResourceNotFoundException', 'Log group does not exist'));
    const { code, err } = await cli(['trace', 'c-1', '--stack', 'FoodDelivery']);
    expect(code).toBe(2);
    expect(err).toBe(
      `cdk-ensemble: the audit log group ${AUDIT_LOG} does not exist: redeploy the bus stack, or check that it was not deleted (aws logs describe-log-groups --log-group-name-prefix /aws/events/)`,
    );
  });

  it('fails in one line when the bus has no archive', async () => {
    deployedApp({ archive: false });
    const { code, err } = await cli(['replay', '--stack', 'FoodDelivery', ...FROM]);
    expect(code).toBe(2);
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toContain(
      'the bus of food (stack FoodDelivery) has no archive: deploy the DomainEventBus with archiveRetention',
    );
  });

  it('fails in one line when the archive is gone', async () => {
    mocks.events
      .on(DescribeArchiveCommand)
      .rejects(named('ResourceNotFoundException', `Archive ${ARCHIVE} does not exist.`));
    const { code, err } = await cli([
      'replay',
      '--stack',
      'FoodDelivery',
      ...FROM,
      '--context',
      'orders',
    ]);
    expect(code).toBe(2);
    expect(err).toBe(
      `cdk-ensemble: the archive ${ARCHIVE} does not exist: redeploy the bus stack (it was deleted, or the stack is not deployed in this region)`,
    );
  });

  it('fails when --stack is missing, with the usage of the command', async () => {
    const { code, err } = await cli(['redrive', 'orders']);
    expect(code).toBe(2);
    expect(err).toContain("cdk-ensemble: required option '--stack <name>' not specified");
    expect(err).toContain('Usage: cdk-ensemble redrive [options] <context>');
  });
});

describe('discovery of a deployed app', () => {
  beforeEach(() => deployedApp());

  it('reads an app split into a bus stack and a stack per context from repeated --stack', async () => {
    const all = outputs();
    const stack = (name: string, keep: (o: { Description: string }) => boolean) =>
      mocks.cloudFormation.on(DescribeStacksCommand, { StackName: name }).resolves({
        Stacks: [
          {
            StackName: name,
            StackStatus: 'CREATE_COMPLETE',
            CreationTime: new Date(),
            Outputs: all.filter(keep),
          },
        ],
      });
    stack('FoodBus', (o) => o.Description.startsWith('food: '));
    stack('FoodOrders', (o) => o.Description.startsWith('orders: '));
    mocks.sqs.on(ReceiveMessageCommand).resolves({});
    const { code, out } = await cli([
      'redrive',
      'orders',
      '--stack',
      'FoodBus',
      '--stack',
      'FoodOrders',
    ]);
    expect(code).toBe(0);
    expect(out).toContain('The dead-letter queue of orders is empty.');
    expect(mocks.sqs.commandCalls(ReceiveMessageCommand)[0].args[0].input.QueueUrl).toBe(
      queueUrl('orders-dlq'),
    );
    const app = await discoverApp(
      createClients({ region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      ['FoodBus', 'FoodOrders'],
    );
    expect(app.bus).toMatchObject({
      app: 'food',
      stack: 'FoodBus',
      archiveName: ARCHIVE,
      auditLogGroupName: AUDIT_LOG,
    });
    expect(app.contexts).toEqual([
      expect.objectContaining({
        name: 'orders',
        stack: 'FoodOrders',
        deadLetterQueueUrl: queueUrl('orders-dlq'),
      }),
    ]);
  });

  it('fails when the stacks hold two buses', async () => {
    mocks.cloudFormation.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => ({
      Stacks: [
        {
          StackName: input.StackName,
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: outputs(),
        },
      ],
    }));
    const { code, err } = await cli(['trace', 'c-1', '--stack', 'A', '--stack', 'B']);
    expect(code).toBe(2);
    expect(err).toBe(
      'cdk-ensemble: the stacks A, B hold 2 domain event buses (food, food); give the stacks of one app at a time',
    );
  });

  it('recognises outputs by their descriptions, whatever their keys', () => {
    const found = parseOutputs('S', [
      { Description: "billing-v2: ARN of the context's state machine", OutputValue: 'arn:sm' },
      { Description: 'unrelated', OutputValue: 'x' },
    ]);
    expect(found).toEqual({
      bus: undefined,
      contexts: [
        {
          name: 'billing-v2',
          stack: 'S',
          stateMachineArn: 'arn:sm',
          deadLetterQueueUrl: undefined,
        },
      ],
    });
  });
});

describe('--help of the operations commands', () => {
  it.each([
    ['trace', 'Usage: cdk-ensemble trace [options] <correlationId>', '--since <duration>'],
    ['replay', 'Usage: cdk-ensemble replay [options]', '--yes'],
    ['redrive', 'Usage: cdk-ensemble redrive [options] <context>', '--dry-run'],
  ])('%s --help shows its usage and options', async (command, usage, option) => {
    const { code, out } = await cli([command, '--help']);
    expect(code).toBe(0);
    expect(out).toContain(usage);
    expect(out).toContain('--stack <name>');
    expect(out).toContain(option);
    expect(out).toContain('Exit codes:');
  });

  it('lists the commands in the top-level help', async () => {
    const { out } = await cli(['--help']);
    for (const command of ['run', 'trace', 'replay', 'redrive'])
      expect(out).toContain(`  ${command}`);
  });
});

import {
  CfnTemplate,
  FakeIdentity,
  fakeIdentity,
  resolveIntrinsics,
  resolveStateMachines,
} from '../../lib/runtime/cfn-resolve';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

const template: CfnTemplate = {
  Parameters: {
    Stage: { Default: 'prod' },
    NoDefault: {},
  },
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function' },
    Machine: { Type: 'AWS::StepFunctions::StateMachine' },
    Bus: { Type: 'AWS::Events::EventBus' },
    Rule: { Type: 'AWS::Events::Rule' },
    Queue: { Type: 'AWS::SQS::Queue' },
    Table: { Type: 'AWS::DynamoDB::Table' },
    Logs: { Type: 'AWS::Logs::LogGroup' },
    Role: { Type: 'AWS::IAM::Role' },
    Topic: { Type: 'AWS::SNS::Topic' },
  },
};

describe('fakeIdentity', () => {
  it.each<[string, FakeIdentity]>([
    [
      'AWS::Lambda::Function',
      { ref: 'Res', arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Res` },
    ],
    [
      'AWS::StepFunctions::StateMachine',
      {
        ref: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Res`,
        arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Res`,
      },
    ],
    [
      'AWS::Events::EventBus',
      { ref: 'Res', arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/Res` },
    ],
    ['AWS::Events::Rule', { ref: 'Res', arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/Res` }],
    [
      'AWS::SQS::Queue',
      {
        ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/Res`,
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:Res`,
      },
    ],
    [
      'AWS::DynamoDB::Table',
      { ref: 'Res', arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Res` },
    ],
    [
      'AWS::Logs::LogGroup',
      { ref: 'Res', arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:Res:*` },
    ],
    ['AWS::IAM::Role', { ref: 'Res', arn: `arn:aws:iam::${ACCOUNT}:role/Res` }],
    [
      'AWS::SNS::Topic',
      { ref: `arn:aws:sns:${REGION}:${ACCOUNT}:Res`, arn: `arn:aws:sns:${REGION}:${ACCOUNT}:Res` },
    ],
    ['AWS::S3::Bucket', { ref: 'Res', arn: `arn:aws:s3:${REGION}:${ACCOUNT}:Res` }],
    ['Custom::Thing', { ref: 'Res', arn: `arn:aws:thing:${REGION}:${ACCOUNT}:Res` }],
    ['Weird', { ref: 'Res', arn: `arn:aws:unknown:${REGION}:${ACCOUNT}:Res` }],
  ])('gives a %s its ref and ARN', (type, identity) => {
    expect(fakeIdentity('Res', type)).toEqual(identity);
  });

  it.each<[string, string]>([
    ['AWS::Lambda::Function', 'arn:aws:lambda:eu-west-1:111122223333:function:Res'],
    ['AWS::SQS::Queue', 'arn:aws:sqs:eu-west-1:111122223333:Res'],
    ['AWS::IAM::Role', 'arn:aws:iam::111122223333:role/Res'],
  ])('uses the given account and region for a %s', (type, arn) => {
    expect(fakeIdentity('Res', type, { account: '111122223333', region: 'eu-west-1' }).arn).toBe(
      arn,
    );
  });

  it('is stable: the same inputs give the same identity', () => {
    expect(fakeIdentity('Fn', 'AWS::Lambda::Function')).toEqual(
      fakeIdentity('Fn', 'AWS::Lambda::Function'),
    );
  });
});

describe('resolveIntrinsics', () => {
  const fnArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Fn`;
  const machineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Machine`;
  const queueUrl = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/Queue`;

  it.each<[string, unknown, unknown]>([
    // Ref
    ['Ref to a Lambda function', { Ref: 'Fn' }, 'Fn'],
    ['Ref to a state machine', { Ref: 'Machine' }, machineArn],
    ['Ref to a queue', { Ref: 'Queue' }, queueUrl],
    ['Ref to AWS::AccountId', { Ref: 'AWS::AccountId' }, ACCOUNT],
    ['Ref to AWS::Region', { Ref: 'AWS::Region' }, REGION],
    ['Ref to AWS::Partition', { Ref: 'AWS::Partition' }, 'aws'],
    ['Ref to AWS::URLSuffix', { Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    ['Ref to AWS::StackName', { Ref: 'AWS::StackName' }, 'LocalStack'],
    ['Ref to a parameter with a default', { Ref: 'Stage' }, 'prod'],
    ['Ref to a parameter without a default', { Ref: 'NoDefault' }, 'NoDefault-parameter'],
    // Fn::GetAtt
    ['GetAtt Arn (array form)', { 'Fn::GetAtt': ['Fn', 'Arn'] }, fnArn],
    ['GetAtt Arn (dotted string form)', { 'Fn::GetAtt': 'Fn.Arn' }, fnArn],
    [
      'GetAtt Arn of a table',
      { 'Fn::GetAtt': ['Table', 'Arn'] },
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Table`,
    ],
    ['GetAtt Name of an event bus', { 'Fn::GetAtt': ['Bus', 'Name'] }, 'Bus'],
    ['GetAtt Name (dotted string form)', { 'Fn::GetAtt': 'Bus.Name' }, 'Bus'],
    ['GetAtt QueueUrl', { 'Fn::GetAtt': ['Queue', 'QueueUrl'] }, queueUrl],
    ['GetAtt QueueName', { 'Fn::GetAtt': ['Queue', 'QueueName'] }, 'Queue'],
    ['GetAtt TopicName', { 'Fn::GetAtt': ['Topic', 'TopicName'] }, 'Topic'],
    ['GetAtt another attribute', { 'Fn::GetAtt': ['Table', 'StreamArn'] }, 'Table.StreamArn'],
    // Fn::Join
    ['Join of strings', { 'Fn::Join': ['-', ['a', 'b', 'c']] }, 'a-b-c'],
    ['Join with an empty separator', { 'Fn::Join': ['', ['a', 'b']] }, 'ab'],
    [
      'Join of intrinsics',
      { 'Fn::Join': [':', [{ Ref: 'AWS::Region' }, { 'Fn::GetAtt': ['Fn', 'Arn'] }]] },
      `${REGION}:${fnArn}`,
    ],
    // Fn::Sub
    ['Sub of plain text', { 'Fn::Sub': 'no variables here' }, 'no variables here'],
    ['Sub with ${Res.Arn}', { 'Fn::Sub': 'fn=${Fn.Arn}' }, `fn=${fnArn}`],
    ['Sub with ${Res} (a Ref)', { 'Fn::Sub': 'queue=${Queue}' }, `queue=${queueUrl}`],
    ['Sub with ${AWS::Region}', { 'Fn::Sub': 'region ${AWS::Region}' }, `region ${REGION}`],
    [
      'Sub with pseudo parameters and a parameter',
      { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::bucket-${Stage}-${AWS::AccountId}' },
      `arn:aws:s3:::bucket-prod-${ACCOUNT}`,
    ],
    [
      'Sub with a variables map',
      { 'Fn::Sub': ['${Greeting}, ${Name}!', { Greeting: 'hello', Name: 'world' }] },
      'hello, world!',
    ],
    [
      'Sub with a variables map of intrinsics',
      { 'Fn::Sub': ['${Target} in ${AWS::Region}', { Target: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] },
      `${fnArn} in ${REGION}`,
    ],
    [
      'Sub where a variable shadows a resource',
      { 'Fn::Sub': ['${Fn}', { Fn: 'shadowed' }] },
      'shadowed',
    ],
    // Fn::Select and Fn::Split
    ['Select from a list', { 'Fn::Select': [1, ['a', 'b', 'c']] }, 'b'],
    ['Select with a string index', { 'Fn::Select': ['0', ['a', 'b']] }, 'a'],
    ['Split a string', { 'Fn::Split': [',', 'a,b,c'] }, ['a', 'b', 'c']],
    // Nested
    [
      'Select of Split of GetAtt (the function name of an ARN)',
      { 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Fn', 'Arn'] }] }] },
      'Fn',
    ],
    [
      'Join of Sub, Select and Ref',
      {
        'Fn::Join': [
          '/',
          [
            { 'Fn::Sub': '${AWS::Region}' },
            { 'Fn::Select': [0, { 'Fn::Split': ['.', 'first.second'] }] },
            { Ref: 'Stage' },
          ],
        ],
      },
      `${REGION}/first/prod`,
    ],
    // Structures
    ['a plain string', 'plain', 'plain'],
    ['a number', 42, 42],
    ['null', null, null],
    ['a boolean', true, true],
    [
      'intrinsics inside objects and arrays',
      { A: { Ref: 'Fn' }, B: [{ 'Fn::GetAtt': ['Bus', 'Arn'] }, 'x'], C: { D: 1 } },
      { A: 'Fn', B: [`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/Bus`, 'x'], C: { D: 1 } },
    ],
    ['an object with a single ordinary key', { Key: { Ref: 'Stage' } }, { Key: 'prod' }],
    [
      'an object with Ref next to other keys, left as a plain object',
      { Ref: 'Stage', Other: 1 },
      { Ref: 'Stage', Other: 1 },
    ],
  ])('resolves %s', (_name, value, expected) => {
    expect(resolveIntrinsics(value, template)).toEqual(expected);
  });

  it.each<[string, unknown, unknown]>([
    ['Ref to AWS::AccountId', { Ref: 'AWS::AccountId' }, '111122223333'],
    ['Ref to AWS::Region', { Ref: 'AWS::Region' }, 'eu-west-1'],
    ['Sub with ${AWS::Region}', { 'Fn::Sub': '${AWS::Region}' }, 'eu-west-1'],
    [
      'GetAtt Arn',
      { 'Fn::GetAtt': ['Fn', 'Arn'] },
      'arn:aws:lambda:eu-west-1:111122223333:function:Fn',
    ],
  ])('resolves %s in the given environment', (_name, value, expected) => {
    expect(
      resolveIntrinsics(value, template, { account: '111122223333', region: 'eu-west-1' }),
    ).toEqual(expected);
  });

  it('does not change its input', () => {
    const value = { A: { 'Fn::Join': ['-', [{ Ref: 'Fn' }, 'x']] } };
    const copy = JSON.parse(JSON.stringify(value)) as unknown;
    resolveIntrinsics(value, template);
    expect(value).toEqual(copy);
  });

  it.each<[string, unknown, RegExp]>([
    ['a Ref names a missing resource', { Ref: 'Missing' }, /no resource or parameter 'Missing'/],
    [
      'a GetAtt names a missing resource',
      { 'Fn::GetAtt': ['Missing', 'Arn'] },
      /no resource or parameter 'Missing'/,
    ],
    [
      'a Sub names a missing resource',
      { 'Fn::Sub': 'x-${Missing}' },
      /no resource or parameter 'Missing'/,
    ],
    [
      'a Sub names an attribute of a missing resource',
      { 'Fn::Sub': '${Missing.Arn}' },
      /no resource or parameter 'Missing'/,
    ],
    [
      'a missing resource is nested deep',
      { A: [{ 'Fn::Join': ['', [{ Ref: 'Missing' }]] }] },
      /'Missing'/,
    ],
    [
      'Fn::ImportValue names no export of the assembly',
      { 'Fn::ImportValue': 'SharedBusArn' },
      /export 'SharedBusArn': no stack of the assembly exports it. Fix: /,
    ],
    [
      'Fn::ImportValue is nested and names no export',
      { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'SharedBusArn' }]] },
      /export 'SharedBusArn'/,
    ],
    [
      'Fn::GetStackOutput names no output of the assembly',
      { 'Fn::GetStackOutput': { StackName: 'Bus', OutputName: 'BusArn' } },
      /output 'BusArn' of stack 'Bus': the assembly has no such stack output. Fix: /,
    ],
    ['Fn::If is met', { 'Fn::If': ['Cond', 'a', 'b'] }, /cannot resolve Fn::If offline/],
    ['Fn::Base64 is met', { 'Fn::Base64': 'x' }, /cannot resolve Fn::Base64 offline/],
  ])('fails when %s', (_name, value, message) => {
    expect(() => resolveIntrinsics(value, template)).toThrow(message);
  });

  describe('references between stacks', () => {
    const crossStack = {
      exportValue: (name: string) => (name === 'Bus:Arn' ? 'arn-of-bus' : undefined),
      stackOutput: (stack: string, output: string) =>
        stack === 'Bus' && output === 'BusName' ? 'name-of-bus' : undefined,
    };

    it.each<[string, unknown, unknown]>([
      ['an export', { 'Fn::ImportValue': 'Bus:Arn' }, 'arn-of-bus'],
      [
        'an export named by an intrinsic',
        { 'Fn::ImportValue': { 'Fn::Join': [':', ['Bus', 'Arn']] } },
        'arn-of-bus',
      ],
      [
        'a stack output',
        { 'Fn::GetStackOutput': { StackName: 'Bus', OutputName: 'BusName', Region: 'x' } },
        'name-of-bus',
      ],
      ['the stack name', { Ref: 'AWS::StackName' }, 'Orders'],
    ])('reads %s', (_name, value, expected) => {
      expect(resolveIntrinsics(value, template, { crossStack, stackName: 'Orders' })).toBe(
        expected,
      );
    });
  });

  it('names an event bus by its Name property, as its ARN does', () => {
    const withName: CfnTemplate = {
      Resources: { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'food-bus' } } },
    };
    expect(resolveIntrinsics([{ Ref: 'Bus' }, { 'Fn::GetAtt': ['Bus', 'Arn'] }], withName)).toEqual(
      ['food-bus', `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/food-bus`],
    );
  });

  it('fails when the template has no Resources section and a Ref names a resource', () => {
    expect(() => resolveIntrinsics({ Ref: 'Fn' }, {})).toThrow(/no resource or parameter 'Fn'/);
  });
});

describe('resolveStateMachines', () => {
  // What CDK writes for a state machine with a LambdaInvoke task: the definition is a
  // Fn::Join with GetAtt of the function's Arn, plus DefinitionSubstitutions.
  const smTemplate: CfnTemplate = {
    Resources: {
      PlaceOrderFn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler' } },
      OrdersBus: { Type: 'AWS::Events::EventBus' },
      OrdersRole: { Type: 'AWS::IAM::Role' },
      OrdersMachine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          RoleArn: { 'Fn::GetAtt': ['OrdersRole', 'Arn'] },
          DefinitionString: {
            'Fn::Join': [
              '',
              [
                '{"StartAt":"PlaceOrder","States":{"PlaceOrder":{"Type":"Task","Resource":"arn:',
                { Ref: 'AWS::Partition' },
                ':states:::lambda:invoke","Parameters":{"FunctionName":"',
                { 'Fn::GetAtt': ['PlaceOrderFn', 'Arn'] },
                '","Payload.$":"$"},"Next":"Publish"},"Publish":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","Parameters":{"Entries":[{"EventBusName":"${BusName}","Source":"${Source}"}]},"End":true}}}',
              ],
            ],
          },
          DefinitionSubstitutions: {
            BusName: { Ref: 'OrdersBus' },
            Source: 'food.orders',
          },
        },
      },
    },
  };

  const fnArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:PlaceOrderFn`;

  it('resolves the definition to plain JSON with the fake ARN and the substitutions', () => {
    const machines = resolveStateMachines(smTemplate);
    expect(machines).toHaveLength(1);
    expect(machines[0]).toEqual({
      logicalId: 'OrdersMachine',
      arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:OrdersMachine`,
      type: 'STANDARD',
      definition: {
        StartAt: 'PlaceOrder',
        States: {
          PlaceOrder: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: fnArn, 'Payload.$': '$' },
            Next: 'Publish',
          },
          Publish: {
            Type: 'Task',
            Resource: 'arn:aws:states:::events:putEvents',
            Parameters: { Entries: [{ EventBusName: 'OrdersBus', Source: 'food.orders' }] },
            End: true,
          },
        },
      },
    });
  });

  it('uses the given environment for the ARNs', () => {
    const [machine] = resolveStateMachines(smTemplate, {
      account: '999999999999',
      region: 'ap-south-1',
    });
    expect(machine.arn).toBe('arn:aws:states:ap-south-1:999999999999:stateMachine:OrdersMachine');
    expect(JSON.stringify(machine.definition)).toContain(
      'arn:aws:lambda:ap-south-1:999999999999:function:PlaceOrderFn',
    );
  });

  it.each<[string, CfnTemplate, string[]]>([
    ['no Resources section', {}, []],
    ['no state machine', { Resources: { Fn: { Type: 'AWS::Lambda::Function' } } }, []],
    [
      'two state machines, one with a plain-string definition and no substitutions',
      {
        Resources: {
          A: {
            Type: 'AWS::StepFunctions::StateMachine',
            Properties: {
              DefinitionString: '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
            },
          },
          B: {
            Type: 'AWS::StepFunctions::StateMachine',
            Properties: { DefinitionString: '{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}' },
          },
        },
      },
      ['A', 'B'],
    ],
  ])('finds every state machine of a template with %s', (_name, t, ids) => {
    expect(resolveStateMachines(t).map((m) => m.logicalId)).toEqual(ids);
  });

  it('fails when the definition names a missing resource', () => {
    expect(() =>
      resolveStateMachines({
        Resources: {
          M: {
            Type: 'AWS::StepFunctions::StateMachine',
            Properties: {
              DefinitionString: { 'Fn::Join': ['', ['{"x":"', { Ref: 'Gone' }, '"}']] },
            },
          },
        },
      }),
    ).toThrow(/'Gone'/);
  });
});

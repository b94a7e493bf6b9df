import { runStateMachine } from '../../../lib';

/**
 * The examples of the Step Functions developer guide, each run through
 * runStateMachine with the documented input, checked against the documented
 * output. Lambda functions of the examples are stub tasks returning what the
 * page says they return.
 */

const hello = (input: any) => `Hello, ${input.who}!`;
const task = (name: string, extra: object = {}) => ({
  StartAt: name,
  States: {
    [name]: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:HelloFunction',
      End: true,
      ...extra,
    },
  },
});

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-example.html
describe('input and output processing: manipulating state data with paths', () => {
  it('InputPath, ResultPath and OutputPath keep the data node with the Lambda result', async () => {
    const input = {
      comment: 'An input comment.',
      data: { val1: 23, val2: 17 },
      extra: 'foo',
      lambda: { who: 'AWS Step Functions' },
    };
    const seen: unknown[] = [];
    const result = await runStateMachine(
      task('HelloWorld', {
        InputPath: '$.lambda',
        ResultPath: '$.data.lambdaresult',
        OutputPath: '$.data',
      }),
      input,
      { tasks: { HelloWorld: (i) => (seen.push(i), hello(i)) } },
    );
    expect(seen).toEqual([{ who: 'AWS Step Functions' }]);
    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' },
    });
  });

  it('without OutputPath, the result is inserted into the whole input', async () => {
    const input = {
      comment: 'An input comment.',
      data: { val1: 23, val2: 17 },
      extra: 'foo',
      lambda: { who: 'AWS Step Functions' },
    };
    const { output } = await runStateMachine(
      task('HelloWorld', { InputPath: '$.lambda', ResultPath: '$.data.lambdaresult' }),
      input,
      {
        tasks: { HelloWorld: hello },
      },
    );
    expect(output).toEqual({
      ...input,
      data: { val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' },
    });
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
describe('input and output processing: ResultPath', () => {
  const input = {
    comment: 'This is a test of the input and output of a Task state.',
    details: 'Default example',
    who: 'AWS Step Functions',
  };
  const tasks = { HelloWorld: hello };

  it('replaces the input with the result by default', async () => {
    expect((await runStateMachine(task('HelloWorld'), input, { tasks })).output).toBe(
      'Hello, AWS Step Functions!',
    );
  });

  it('includes the result with the input', async () => {
    const { output } = await runStateMachine(
      task('HelloWorld', { ResultPath: '$.taskresult' }),
      input,
      { tasks },
    );
    expect(output).toEqual({ ...input, taskresult: 'Hello, AWS Step Functions!' });
  });

  it('inserts the result into a child node', async () => {
    const strings = {
      comment: 'An input comment.',
      strings: { string1: 'foo', string2: 'bar', string3: 'baz' },
      who: 'AWS Step Functions',
    };
    const { output } = await runStateMachine(
      task('HelloWorld', { ResultPath: '$.strings.lambdaresult' }),
      strings,
      { tasks },
    );
    expect(output).toEqual({
      comment: 'An input comment.',
      strings: {
        string1: 'foo',
        string2: 'bar',
        string3: 'baz',
        lambdaresult: 'Hello, AWS Step Functions!',
      },
      who: 'AWS Step Functions',
    });
  });

  it('updates a node of the input', async () => {
    const { output } = await runStateMachine(
      task('HelloWorld', { ResultPath: '$.comment' }),
      input,
      { tasks },
    );
    expect(output).toEqual({ ...input, comment: 'Hello, AWS Step Functions!' });
  });

  it('keeps the input with the error in a Catch', async () => {
    const definition = task('HelloWorld', {
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'NextTask', ResultPath: '$.error' }],
    });
    (definition.States as any).NextTask = { Type: 'Pass', End: true };
    (definition.States.HelloWorld as any).End = undefined;
    (definition.States.HelloWorld as any).Next = 'NextTask';
    const failing = () => {
      throw Object.assign(new Error(''), { name: 'Error here' });
    };
    const { output } = await runStateMachine(
      definition,
      { foo: 'bar' },
      { tasks: { HelloWorld: failing } },
    );
    expect(output).toMatchObject({ foo: 'bar', error: { Error: 'Error here' } });
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
describe('input and output processing: Parameters and ResultSelector', () => {
  it('Parameters select and add fields with paths and static values', async () => {
    const input = {
      comment: 'Example for Parameters.',
      product: {
        details: { color: 'blue', size: 'small', material: 'cotton' },
        availability: 'in stock',
        sku: '2317',
        cost: '$23',
      },
    };
    const definition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Pass',
          Parameters: {
            comment: 'Selecting what I care about.',
            MyDetails: {
              'size.$': '$.product.details.size',
              'exists.$': '$.product.availability',
              StaticValue: 'foo',
            },
          },
          End: true,
        },
      },
    };
    const { output } = await runStateMachine(definition, input);
    expect(output).toEqual({
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    });
  });

  it('ResultSelector picks fields of the result before ResultPath places it', async () => {
    const result = {
      resourceType: 'elasticmapreduce',
      resource: 'createCluster.sync',
      output: { SdkHttpMetadata: { HttpHeaders: {} }, ClusterId: 'AKIAIOSFODNN7EXAMPLE' },
    };
    const definition = task('CreateCluster', {
      Resource: 'arn:aws:states:::elasticmapreduce:createCluster.sync',
      ResultSelector: { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' },
      ResultPath: '$.EMROutput',
    });
    const { output } = await runStateMachine(
      definition,
      { in: 1 },
      { tasks: { 'elasticmapreduce:createCluster': () => result } },
    );
    expect(output).toEqual({
      in: 1,
      EMROutput: { ClusterId: 'AKIAIOSFODNN7EXAMPLE', ResourceType: 'elasticmapreduce' },
    });
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
describe('intrinsic functions in a state', () => {
  it('a Pass state builds its Parameters with intrinsics, $$ and variables', async () => {
    const definition = {
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { 'customer.$': '$.customer' }, Next: 'Build' },
        Build: {
          Type: 'Pass',
          Parameters: {
            'BuildId.$': 'States.Array($.Id)',
            'greeting.$': "States.Format('Hello, my name is {}.', $customer.name)",
            'execution.$': '$$.Execution.Name',
          },
          End: true,
        },
      },
    };
    const { output } = await runStateMachine(definition, {
      Id: 123456,
      customer: { name: 'Arnav' },
    });
    expect(output).toEqual({
      BuildId: [123456],
      greeting: 'Hello, my name is Arnav.',
      execution: 'exec-1',
    });
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
describe('Choice rules', () => {
  const definition = {
    StartAt: 'ChoiceStateX',
    States: {
      ChoiceStateX: {
        Type: 'Choice',
        Choices: [
          { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
          { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
          {
            And: [
              { Variable: '$.value', NumericGreaterThanEquals: 20 },
              { Variable: '$.value', NumericLessThan: 30 },
            ],
            Next: 'ValueInTwenties',
          },
        ],
        Default: 'DefaultState',
      },
      Public: { Type: 'Pass', Result: 'Public', End: true },
      ValueIsZero: { Type: 'Pass', Result: 'ValueIsZero', End: true },
      ValueInTwenties: { Type: 'Pass', Result: 'ValueInTwenties', End: true },
      DefaultState: { Type: 'Fail', Cause: 'No Matches!' },
    },
  };

  it('goes to ValueInTwenties for { type: Private, value: 22 }', async () => {
    expect((await runStateMachine(definition, { type: 'Private', value: 22 })).output).toBe(
      'ValueInTwenties',
    );
  });

  it('goes to the Default state when no rule matches', async () => {
    expect(await runStateMachine(definition, { type: 'Private', value: 99 })).toEqual({
      status: 'FAILED',
      error: 'States.Fail',
      cause: 'No Matches!',
    });
  });

  it('fails the execution when the input lacks $.type', async () => {
    expect(await runStateMachine(definition, { value: 22 })).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
    });
  });

  it('fails with States.NoChoiceMatched without a Default', async () => {
    const { Default: _default, ...noDefault } = definition.States.ChoiceStateX;
    const result = await runStateMachine(
      { ...definition, States: { ...definition.States, ChoiceStateX: noDefault } },
      { type: 'Private', value: 99 },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
describe('Map', () => {
  const input = {
    'ship-date': '2016-03-14T01:59:00Z',
    detail: {
      'delivery-partner': 'UQS',
      shipped: [
        { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
        { prod: 'S39', 'dest-code': 9511, quantity: 40 },
        { prod: 'R31', 'dest-code': 9833, quantity: 12 },
        { prod: 'R40', 'dest-code': 9860, quantity: 887 },
        { prod: 'R40', 'dest-code': 9511, quantity: 1220 },
      ],
    },
  };
  const map = (extra: object) => ({
    StartAt: 'Validate-All',
    States: {
      'Validate-All': {
        Type: 'Map',
        InputPath: '$.detail',
        ItemsPath: '$.shipped',
        MaxConcurrency: 0,
        ItemProcessor: {
          StartAt: 'Validate',
          States: {
            Validate: {
              Type: 'Task',
              Resource: 'arn:aws:lambda:us-east-1:123456789012:function:ship-val',
              End: true,
            },
          },
        },
        ResultPath: '$.detail.shipped',
        End: true,
        ...extra,
      },
    },
  });

  it('calls ship-val once per shipped item and puts the results at $.detail.shipped', async () => {
    const seen: unknown[] = [];
    const { output } = await runStateMachine(map({}), input, {
      tasks: { Validate: (item: any) => (seen.push(item), { ...item, valid: true }) },
    });
    expect(seen[0]).toEqual({ prod: 'R31', 'dest-code': 9511, quantity: 1344 });
    expect(seen).toHaveLength(5);
    expect((output as any).detail.shipped).toEqual(
      input.detail.shipped.map((s) => ({ ...s, valid: true })),
    );
  });

  it('ItemSelector (Parameters) gives each iteration the item and the courier', async () => {
    const seen: unknown[] = [];
    await runStateMachine(
      map({ ItemSelector: { 'parcel.$': '$$.Map.Item.Value', 'courier.$': '$.delivery-partner' } }),
      input,
      {
        tasks: { Validate: (item) => (seen.push(item), item) },
      },
    );
    expect(seen[0]).toEqual({
      parcel: { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
      courier: 'UQS',
    });
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
  it.each([
    [
      'JSONPath',
      { 'ContextIndex.$': '$$.Map.Item.Index', 'ContextValue.$': '$$.Map.Item.Value' },
      undefined,
    ],
    [
      'JSONata',
      {
        ContextIndex: '{% $states.context.Map.Item.Index %}',
        ContextValue: '{% $states.context.Map.Item.Value %}',
      },
      'JSONata',
    ],
  ])(
    'the context object gives Index and Value to the ItemSelector (%s)',
    async (_lang, selector, language) => {
      const definition = {
        QueryLanguage: language,
        StartAt: 'ExampleMapState',
        States: {
          ExampleMapState: {
            Type: 'Map',
            ItemSelector: selector,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'TestPass',
              States: { TestPass: { Type: 'Pass', End: true } },
            },
            End: true,
          },
        },
      };
      const { output } = await runStateMachine(definition, [
        { who: 'bob' },
        { who: 'meg' },
        { who: 'joe' },
      ]);
      expect(output).toEqual([
        { ContextValue: { who: 'bob' }, ContextIndex: 0 },
        { ContextValue: { who: 'meg' }, ContextIndex: 1 },
        { ContextValue: { who: 'joe' }, ContextIndex: 2 },
      ]);
    },
  );

  it('MaxConcurrency 1 runs the items one after the other, in order', async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const definition = map({ MaxConcurrency: 1, ItemSelector: { 'i.$': '$$.Map.Item.Index' } });
    await runStateMachine(definition, input, {
      tasks: {
        Validate: async (item: any) => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setImmediate(r));
          order.push(item.i);
          running--;
          return item;
        },
      },
    });
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
  it('a distributed Map runs inline, its ItemBatcher giving each child { Items, BatchInput }', async () => {
    const definition = {
      StartAt: 'Batches',
      States: {
        Batches: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'factCheck.$': '$.check' } },
          ItemsPath: '$.items',
          End: true,
        },
      },
    };
    const { output } = await runStateMachine(definition, { check: 'TRUE', items: [1, 2, 3] });
    expect(output).toEqual([
      { Items: [1, 2], BatchInput: { factCheck: 'TRUE' } },
      { Items: [3], BatchInput: { factCheck: 'TRUE' } },
    ]);
  });

  // https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
  it('fails with States.ItemReaderFailed for an ItemReader, which is not supported', async () => {
    const result = await runStateMachine(
      map({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: {} } }),
      input,
    );
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.ItemReaderFailed',
      cause: expect.stringContaining('ItemReader'),
    });
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
describe('Parallel', () => {
  const funWithMath = {
    Comment: 'Parallel Example.',
    StartAt: 'FunWithMath',
    States: {
      FunWithMath: {
        Type: 'Parallel',
        End: true,
        Branches: [
          {
            StartAt: 'Add',
            States: {
              Add: {
                Type: 'Task',
                Resource: 'arn:aws:swf:us-east-1:123456789012:task:Add',
                End: true,
              },
            },
          },
          {
            StartAt: 'Subtract',
            States: {
              Subtract: {
                Type: 'Task',
                Resource: 'arn:aws:swf:us-east-1:123456789012:task:Subtract',
                End: true,
              },
            },
          },
        ],
      },
    },
  };

  it('gives each branch the input and outputs the list of their outputs: [3, 2] gives [5, 1]', async () => {
    const { output } = await runStateMachine(funWithMath, [3, 2], {
      tasks: { Add: ([a, b]: any) => a + b, Subtract: ([a, b]: any) => a - b },
    });
    expect(output).toEqual([5, 1]);
  });

  it('fails as a whole when a branch fails, with that branch error', async () => {
    const result = await runStateMachine(funWithMath, [3, 2], {
      tasks: {
        Add: ([a, b]: any) => a + b,
        Subtract: () => {
          throw Object.assign(new Error('cannot subtract'), { name: 'MathError' });
        },
      },
    });
    expect(result).toEqual({ status: 'FAILED', error: 'MathError', cause: 'cannot subtract' });
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
describe('error handling', () => {
  const failFunction = () => {
    throw Object.assign(new Error('error'), { name: 'HandledError' });
  };

  it.each(['HandledError', 'States.TaskFailed'])(
    'Retry on %s retries twice, then the execution fails',
    async (name) => {
      let calls = 0;
      const result = await runStateMachine(
        task('HelloWorld', {
          Retry: [{ ErrorEquals: [name], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2.0 }],
        }),
        {},
        { tasks: { HelloWorld: () => (calls++, failFunction()) } },
      );
      expect(calls).toBe(3);
      expect(result).toEqual({ status: 'FAILED', error: 'HandledError', cause: 'error' });
    },
  );

  it.each(['HandledError', 'States.TaskFailed'])(
    'Catch on %s goes to the fallback state',
    async (name) => {
      const definition = {
        StartAt: 'HelloWorld',
        States: {
          HelloWorld: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:FailFunction',
            Catch: [{ ErrorEquals: [name], Next: 'fallback' }],
            End: true,
          },
          fallback: { Type: 'Pass', Result: 'Hello, AWS Step Functions!', End: true },
        },
      };
      expect(
        await runStateMachine(definition, {}, { tasks: { HelloWorld: failFunction } }),
      ).toEqual({
        status: 'SUCCEEDED',
        output: 'Hello, AWS Step Functions!',
      });
    },
  );

  const sleep10 = () => new Promise(() => undefined); // never answers within TimeoutSeconds

  it('a timeout is retried on States.Timeout and caught', async () => {
    let calls = 0;
    const definition = {
      StartAt: 'HelloWorld',
      States: {
        HelloWorld: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:sleep10',
          TimeoutSeconds: 2,
          Retry: [
            {
              ErrorEquals: ['States.Timeout'],
              IntervalSeconds: 1,
              MaxAttempts: 2,
              BackoffRate: 2.0,
            },
          ],
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'fallback' }],
          End: true,
        },
        fallback: { Type: 'Pass', Result: 'Hello, AWS Step Functions!', End: true },
      },
    };
    const result = await runStateMachine(
      definition,
      {},
      { tasks: { HelloWorld: () => (calls++, sleep10()) } },
    );
    expect(calls).toBe(3);
    expect(result).toEqual({ status: 'SUCCEEDED', output: 'Hello, AWS Step Functions!' });
  });

  it('States.TaskFailed does not catch States.Timeout', async () => {
    const definition = task('HelloWorld', {
      TimeoutSeconds: 2,
      Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'HelloWorld' }],
    });
    expect(await runStateMachine(definition, {}, { tasks: { HelloWorld: sleep10 } })).toMatchObject(
      {
        status: 'FAILED',
        error: 'States.Timeout',
      },
    );
  });

  it('States.ALL does not catch States.Runtime', async () => {
    const definition = task('HelloWorld', {
      InputPath: '$.missing',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'HelloWorld' }],
      Retry: [{ ErrorEquals: ['States.ALL'] }],
    });
    expect(await runStateMachine(definition, {}, { tasks: { HelloWorld: () => 1 } })).toMatchObject(
      {
        status: 'FAILED',
        error: 'States.Runtime',
      },
    );
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
describe('JSONata', () => {
  it('Input and Output example', async () => {
    const definition = {
      Comment: 'Input and Output example using JSONata',
      QueryLanguage: 'JSONata',
      StartAt: 'Basic Input and Output',
      States: {
        'Basic Input and Output': {
          QueryLanguage: 'JSONata',
          Type: 'Succeed',
          Output: {
            lastName: "{% 'Last=>' & $states.input.customer.lastName %}",
            orderValue: '{% $states.input.order.total %}',
          },
        },
      },
    };
    const input = {
      customer: { firstName: 'Martha', lastName: 'Rivera' },
      order: { items: 7, total: 27.91 },
    };
    expect((await runStateMachine(definition, input)).output).toEqual({
      lastName: 'Last=>Rivera',
      orderValue: 27.91,
    });
  });

  it('filtering example', async () => {
    const definition = {
      Comment: 'Filter products using JSONata',
      QueryLanguage: 'JSONata',
      StartAt: 'FilterDietProducts',
      States: {
        FilterDietProducts: {
          Type: 'Pass',
          Output: { dietProducts: '{% $states.input.products[calories=0] %}' },
          End: true,
        },
      },
    };
    const products = [
      { calories: 140, flavour: 'Cola', name: 'Product-1' },
      { calories: 0, flavour: 'Cola', name: 'Product-2' },
      { calories: 160, flavour: 'Orange', name: 'Product-3' },
      { calories: 100, flavour: 'Orange', name: 'Product-4' },
      { calories: 0, flavour: 'Lime', name: 'Product-5' },
    ];
    expect((await runStateMachine(definition, { products })).output).toEqual({
      dietProducts: [
        { calories: 0, flavour: 'Cola', name: 'Product-2' },
        { calories: 0, flavour: 'Lime', name: 'Product-5' },
      ],
    });
  });

  it('a JSONPath state and its JSONata conversion give the same Arguments', async () => {
    const seen: unknown[] = [];
    const tasks = { Greet: (i: unknown) => (seen.push(i), 'ok') };
    const states = (greet: object) => ({
      StartAt: 'Name',
      States: {
        Name: { Type: 'Pass', Assign: { customerName: 'María' }, Next: 'Greet' },
        Greet: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...greet },
      },
    });
    await runStateMachine(
      states({
        QueryLanguage: 'JSONPath',
        Parameters: {
          static: 'Hello',
          'title.$': '$.title',
          'name.$': '$customerName',
          'not-evaluated': '$customerName',
        },
      }),
      { title: 'Doctor' },
      { tasks },
    );
    await runStateMachine(
      states({
        QueryLanguage: 'JSONata',
        Arguments: {
          static: 'Hello',
          title: '{% $states.input.title %}',
          name: '{% $customerName %}',
          'not-evaluated': '$customerName',
        },
      }),
      { title: 'Doctor' },
      { tasks },
    );
    const expected = {
      static: 'Hello',
      title: 'Doctor',
      name: 'María',
      'not-evaluated': '$customerName',
    };
    expect(seen).toEqual([expected, expected]);
  });

  it('a Choice Condition, and a task failing on a type error with States.QueryEvaluationError that Catch handles', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Check Price',
      States: {
        'Check Price': {
          Type: 'Choice',
          Default: 'Pause',
          Choices: [
            {
              Condition: '{% $states.input.current_price <= $states.input.desired_price %}',
              Next: 'Send Notification',
            },
          ],
        },
        Pause: { Type: 'Pass', Output: 'paused', End: true },
        'Send Notification': {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Arguments: { Message: '{% $states.input.current_price + "x" %}' },
          Catch: [
            {
              ErrorEquals: ['States.QueryEvaluationError'],
              Output: '{% $states.errorOutput.Error %}',
              Next: 'Caught',
            },
          ],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    };
    expect(
      (await runStateMachine(definition, { current_price: 20, desired_price: 10 })).output,
    ).toBe('paused');
    expect(
      (
        await runStateMachine(
          definition,
          { current_price: 5, desired_price: 10 },
          { tasks: { 'Send Notification': () => 1 } },
        )
      ).output,
    ).toBe('States.QueryEvaluationError');
  });
});

// https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
describe('variables', () => {
  it('Assign evaluates every expression with the values on entry: $x=3, $a=6 end as $x=6, $nextX=3', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Assign: { x: 3, a: 6 }, Next: 'Swap' },
        Swap: {
          Type: 'Pass',
          Assign: { x: '{% $a %}', nextX: '{% $x %}' },
          Output: '{% $x %}',
          Next: 'Read',
        },
        Read: { Type: 'Pass', Output: { x: '{% $x %}', nextX: '{% $nextX %}' }, End: true },
      },
    };
    // Output reads the values on entry too: Assign does not affect the state's Output.
    const swapped = await runStateMachine(definition, {});
    expect(swapped.output).toEqual({ x: 6, nextX: 3 });
  });

  it('a Task assigns from $states.input and $states.result', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Get Current Price',
      States: {
        'Get Current Price': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Assign: {
            product: '{% $states.input.order.product %}',
            currentPrice: '{% $states.result.Payload.current_price %}',
          },
          Next: 'Show',
        },
        Show: {
          Type: 'Pass',
          Output: { product: '{% $product %}', price: '{% $currentPrice %}' },
          End: true,
        },
      },
    };
    const { output } = await runStateMachine(
      definition,
      { order: { product: 'tea' } },
      {
        tasks: { 'lambda:invoke': () => ({ Payload: { current_price: 4.5 } }) },
      },
    );
    expect(output).toEqual({ product: 'tea', price: 4.5 });
  });

  it('JSONPath Assign: $ is the task result, $$ the context object, $name a variable', async () => {
    const definition = {
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { 'customer.$': '$.customer' }, Next: 'Call' },
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Assign: {
            details: { status: 'SUCCESS', 'lineItems.$': '$.order.items' },
            'resultCode.$': '$.result.code',
            'message.$': "States.Format('Hello {}', $customer.name)",
            'startTime.$': '$$.Execution.StartTime',
          },
          Next: 'Show',
        },
        Show: {
          Type: 'Pass',
          Parameters: {
            'details.$': '$details',
            'resultCode.$': '$resultCode',
            'message.$': '$message',
            'startTime.$': '$startTime',
          },
          End: true,
        },
      },
    };
    const { output } = await runStateMachine(
      definition,
      { customer: { name: 'Ana' } },
      {
        tasks: { Call: () => ({ order: { items: [1, 2] }, result: { code: 200 } }) },
        startTime: new Date('2026-02-03T04:05:06Z'),
      },
    );
    expect(output).toEqual({
      details: { status: 'SUCCESS', lineItems: [1, 2] },
      resultCode: 200,
      message: 'Hello Ana',
      startTime: '2026-02-03T04:05:06.000Z',
    });
  });

  it('Map iterations read outer variables; their own assignments stay inside; a Catch assigns in the outer scope', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { factor: 10 }, Next: 'Each' },
        Each: {
          Type: 'Map',
          Items: '{% $states.input.numbers %}',
          ItemProcessor: {
            StartAt: 'Scale',
            States: {
              Scale: {
                Type: 'Pass',
                Assign: { scaled: '{% $states.input * $factor %}' },
                Next: 'Out',
              },
              Out: { Type: 'Pass', Output: '{% $scaled %}', End: true },
            },
          },
          Next: 'After',
        },
        After: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'inner' } } },
          ],
          Catch: [
            {
              ErrorEquals: ['Boom'],
              Assign: { caught: '{% $states.errorOutput.Cause %}' },
              Output: '{% $states.input %}',
              Next: 'Done',
            },
          ],
          End: true,
        },
        Done: {
          Type: 'Pass',
          Output: {
            results: '{% $states.input %}',
            scaledOutside: '{% $exists($scaled) %}',
            caught: '{% $caught %}',
          },
          End: true,
        },
      },
    };
    expect((await runStateMachine(definition, { numbers: [1, 2, 3] })).output).toEqual({
      results: [10, 20, 30],
      scaledOutside: false,
      caught: 'inner',
    });
  });
});

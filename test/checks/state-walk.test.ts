import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import jsonata from 'jsonata';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { testApp } from '../helpers';
import { firstStateRefuses } from './jsonata-first-state';
import { unsafeReads } from './jsonpath-presence';

/**
 * Walks every state the library generates in both examples: no read may point
 * at nothing for a valid envelope (that would end the execution with the
 * uncatchable States.Runtime), no Fail state may use an error name of Step
 * Functions' own, and every Choice has a Default.
 */

/** What a valid envelope guarantees: `{ metadata: { correlationId }, data: {...} }`. */
const ENVELOPE = ['metadata', 'metadata.correlationId', 'data'];

/** States the examples build themselves with `new sfn.*`: the user's, not the library's. */
const USER_STATES = new Set(['Accepted?', 'No answer', 'Risky?']);

type Definition = { StartAt: string; States: Record<string, any>; QueryLanguage?: string };

function machinesOf(queryLanguage: sfn.QueryLanguage) {
  return [
    new FoodDeliveryStack(testApp(), 'FoodDelivery', { queryLanguage }),
    new EcommerceFraudStack(testApp(), 'EcommerceFraud', { queryLanguage }),
  ].flatMap((stack: Stack) =>
    resolveStateMachines(Template.fromStack(stack).toJSON()).map((m) => ({
      name: `${stack.stackName}/${m.logicalId}`,
      definition: m.definition as Definition,
    })),
  );
}

const statesOf = (list: { name: string; definition: Definition }[]) =>
  list.flatMap(({ name, definition }) =>
    Object.entries(definition.States)
      .filter(([stateName]) => !USER_STATES.has(stateName))
      .map(([stateName, state]) => ({ machine: name, stateName, state })),
  );

const machines = machinesOf(sfn.QueryLanguage.JSON_PATH);
const libraryStates = statesOf(machines);

describe('every state the library generates in both examples, JSONPath layout', () => {
  it('finds the states it walks', () => {
    expect(machines).toHaveLength(10);
    expect(machines.every((m) => m.definition.QueryLanguage === undefined)).toBe(true);
    expect(libraryStates.length).toBeGreaterThan(150);
  });

  it.each(machines.map((m) => [m.name, m.definition] as const))(
    '%s reads no JSONPath that a valid envelope may lack',
    (_name, definition) => {
      expect(unsafeReads(definition, ENVELOPE, (s) => !USER_STATES.has(s))).toEqual([]);
    },
  );

  it('uses no error name of Step Functions own in a Fail state or an error it records', () => {
    const stepFunctionsNames = libraryStates.flatMap(({ machine, stateName, state }) => {
      const names = [state.Type === 'Fail' ? state.Error : undefined, state.Parameters?.Error];
      return names
        .filter((n): n is string => typeof n === 'string' && n.startsWith('States.'))
        .map((n) => `${machine} ${stateName}: ${n}`);
    });
    expect(stepFunctionsNames).toEqual([]);
  });

  it('gives every Choice a Default', () => {
    const withoutDefault = libraryStates
      .filter(({ state }) => state.Type === 'Choice' && !state.Default)
      .map(({ machine, stateName }) => `${machine} ${stateName}`);
    expect(withoutDefault).toEqual([]);
  });
});

/**
 * Fields only JSONPath states have: a JSONata state has Arguments and Output
 * instead, and its Choice rules, Wait, Fail and Map take expressions.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
const JSONPATH_FIELDS = [
  'InputPath',
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'OutputPath',
  'ItemsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
];

/** Every `{% %}` string in a value, with where it is. */
function expressions(value: unknown, at: string): [string, string][] {
  if (typeof value === 'string')
    return value.startsWith('{%') && value.endsWith('%}') ? [[at, value.slice(2, -2)]] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => expressions(v, `${at}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => expressions(v, `${at}.${k}`));
  return [];
}

/**
 * The keys of the workflow state a JSONata expression may read: a valid
 * envelope's (`metadata`, `data`) and what the library writes on the way
 * (`error`, `compensation`, `compensationError`); `$states.result` and
 * `$states.errorOutput` where a task ended; context fields every execution has.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 */
const READABLE = [
  /^\$states\.input(\.(metadata|data|error|compensation|compensationError)\b|(?![A-Za-z.]))/,
  /^\$states\.(result|errorOutput)\b/,
  /^\$states\.context\.(Execution\.(Id|Input|StartTime)|State\.(Name|EnteredTime)|StateMachine\.Name|Task\.Token)\b/,
];

describe('every state the library generates in both examples, JSONata layout', () => {
  const jsonataMachines = machinesOf(sfn.QueryLanguage.JSONATA);
  const states = statesOf(jsonataMachines);

  it('finds the states it walks, every machine in JSONata', () => {
    expect(jsonataMachines).toHaveLength(10);
    expect(jsonataMachines.every((m) => m.definition.QueryLanguage === 'JSONata')).toBe(true);
    expect(states.length).toBeGreaterThan(100);
  });

  it('has no JSONPath field in any state', () => {
    const found = states.flatMap(({ machine, stateName, state }) => [
      ...JSONPATH_FIELDS.filter((f) => state[f] !== undefined).map(
        (f) => `${machine} ${stateName}: ${f}`,
      ),
      ...(state.Choices ?? [])
        .filter((c: any) => JSON.stringify(c).includes('"Variable"'))
        .map(() => `${machine} ${stateName}: Variable`),
      ...(state.Catch ?? [])
        .filter((c: any) => c.ResultPath !== undefined)
        .map(() => `${machine} ${stateName}: Catch ResultPath`),
      ...(state.QueryLanguage === 'JSONPath' ? [`${machine} ${stateName}: QueryLanguage`] : []),
    ]);
    expect(found).toEqual([]);
  });

  it('writes expressions that JSONata parses', () => {
    const broken = states.flatMap(({ machine, stateName, state }) =>
      expressions(state, stateName).flatMap(([at, body]) => {
        try {
          jsonata(body);
          return [];
        } catch (error) {
          return [`${machine} ${at}: ${(error as Error).message}`];
        }
      }),
    );
    expect(broken).toEqual([]);
  });

  it('reads only what a valid envelope and the library hold, and context fields that always exist', () => {
    const unknown = states.flatMap(({ machine, stateName, state }) =>
      expressions(state, stateName).flatMap(([at, body]) =>
        [...body.matchAll(/\$states\.[A-Za-z.]*[^A-Za-z.]?/g)]
          .map((m) => m[0])
          .filter((read) => !READABLE.some((r) => r.test(read)))
          .map((read) => `${machine} ${at}: ${read}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('uses no error name of Step Functions own in a Fail state or an error it records', () => {
    const stepFunctionsNames = states.flatMap(({ machine, stateName, state }) => {
      const failError = state.Type === 'Fail' && !String(state.Error).startsWith('{%');
      const recorded = [
        ...JSON.stringify(state.Output ?? '').matchAll(/\\"Error\\": \\"([^\\]*)/g),
      ];
      return [failError ? state.Error : undefined, ...recorded.map((m) => m[1])]
        .filter((n): n is string => typeof n === 'string' && n.startsWith('States.'))
        .map((n) => `${machine} ${stateName}: ${n}`);
    });
    expect(stepFunctionsNames).toEqual([]);
  });

  it('gives every Choice a Default', () => {
    const withoutDefault = states
      .filter(({ state }) => state.Type === 'Choice' && !state.Default)
      .map(({ machine, stateName }) => `${machine} ${stateName}`);
    expect(withoutDefault).toEqual([]);
  });

  it('refuses an invalid envelope in the first state, before its side effect', async () => {
    const refused: string[] = [];
    for (const { name, definition } of jsonataMachines) {
      const ok = { metadata: { correlationId: 'c-1' }, data: {} };
      const bad = [
        { data: {} },
        { metadata: { correlationId: 'c"1' }, data: {} },
        { metadata: { correlationId: 'c-1' }, data: [] },
      ];
      const refusesBad = (
        await Promise.all(bad.map((i) => firstStateRefuses(definition, i)))
      ).every(Boolean);
      if (refusesBad && !(await firstStateRefuses(definition, ok))) refused.push(name);
    }
    expect(refused).toEqual(jsonataMachines.map((m) => m.name));
  });
});

describe('unsafeReads', () => {
  const machine = (states: Record<string, unknown>) => ({
    StartAt: Object.keys(states)[0],
    States: states,
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'a Parameters path into the data',
      { A: { Type: 'Task', Resource: 'x', Parameters: { 'v.$': '$.data.loan_id' }, End: true } },
      ['A Parameters.v.$ $.data.loan_id'],
    ],
    [
      "an intrinsic's argument",
      {
        A: {
          Type: 'Pass',
          Parameters: { 'v.$': "States.Format('{} {}', $.data, $.error.Cause)" },
          End: true,
        },
      },
      ['A Parameters.v.$ $.error.Cause'],
    ],
    [
      'an unguarded Choice variable',
      {
        A: {
          Type: 'Choice',
          Choices: [{ Variable: '$.data.total', NumericGreaterThan: 1, Next: 'B' }],
          Default: 'B',
        },
        B: { Type: 'Succeed' },
      },
      ['A Choices[0].Variable $.data.total'],
    ],
    [
      'a Fail ErrorPath nothing wrote',
      { A: { Type: 'Fail', ErrorPath: '$.error.Error' } },
      ['A ErrorPath $.error.Error'],
    ],
    [
      'a path one branch of a Choice did not write',
      {
        A: {
          Type: 'Choice',
          Choices: [{ Variable: '$.metadata.correlationId', StringEquals: 'x', Next: 'B' }],
          Default: 'C',
        },
        B: { Type: 'Pass', Result: { x: 1 }, ResultPath: '$.flag', Next: 'C' },
        C: { Type: 'Task', Resource: 'x', Parameters: { 'f.$': '$.flag' }, End: true },
      },
      ['C Parameters.f.$ $.flag'],
    ],
  ])('finds %s', (_what, states, expected) => {
    const found = unsafeReads(machine(states), ENVELOPE).map(
      (r) => `${r.state} ${r.field} ${r.path}`,
    );
    expect(found).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'what a Catch writes (Error and Cause)',
      {
        A: {
          Type: 'Task',
          Resource: 'x',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'B' }],
          End: true,
        },
        B: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
      },
    ],
    [
      'a Choice variable guarded by IsPresent in the same And',
      {
        A: {
          Type: 'Choice',
          Choices: [
            {
              And: [
                { Variable: '$.data.total', IsPresent: true },
                { Variable: '$.data.total', NumericGreaterThan: 1 },
              ],
              Next: 'B',
            },
          ],
          Default: 'B',
        },
        B: { Type: 'Succeed' },
      },
    ],
    [
      "a path a Choice branch proved present, and a task's ResultPath",
      {
        A: {
          Type: 'Choice',
          Choices: [{ Variable: '$.metadata.causationId', IsPresent: true, Next: 'B' }],
          Default: 'C',
        },
        B: {
          Type: 'Task',
          Resource: 'x',
          Parameters: { 'c.$': '$.metadata.causationId', 't.$': '$$.Execution.Id' },
          ResultPath: '$.data.result',
          Next: 'C',
        },
        C: { Type: 'Pass', InputPath: '$.data', End: true },
      },
    ],
  ])('accepts %s', (_what, states) => {
    expect(unsafeReads(machine(states), ENVELOPE)).toEqual([]);
  });
});

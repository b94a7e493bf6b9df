import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { testApp } from '../helpers';
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

const machines = [
  new FoodDeliveryStack(testApp(), 'FoodDelivery'),
  new EcommerceFraudStack(testApp(), 'EcommerceFraud'),
].flatMap((stack: Stack) =>
  resolveStateMachines(Template.fromStack(stack).toJSON()).map((m) => ({
    name: `${stack.stackName}/${m.logicalId}`,
    definition: m.definition as { StartAt: string; States: Record<string, any> },
  })),
);

const libraryStates = machines.flatMap(({ name, definition }) =>
  Object.entries(definition.States)
    .filter(([stateName]) => !USER_STATES.has(stateName))
    .map(([stateName, state]) => ({ machine: name, stateName, state })),
);

describe('every state the library generates in both examples', () => {
  it('finds the states it walks', () => {
    expect(machines).toHaveLength(10);
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

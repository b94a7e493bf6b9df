import { runStateMachine } from '../../../lib';

/**
 * A JSONata state has Arguments and Output where a JSONPath state has
 * InputPath, Parameters, ResultSelector, ResultPath and OutputPath; and a
 * state may choose JSONata under a JSONPath top level, not the reverse. The
 * engine refuses such a definition before it runs, as Step Functions does
 * when the state machine is created, naming the state and the fields.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 */
describe('query languages of a definition', () => {
  it('refuses ResultPath in the Catch of a JSONata state', async () => {
    const definition = {
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          QueryLanguage: 'JSONata',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'charge', Payload: '{% $states.input %}' },
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
          End: true,
        },
        Failed: { Type: 'Fail', Error: 'Declined' },
      },
    };
    await expect(runStateMachine(definition, {})).rejects.toThrow(
      "Invalid state machine: the JSONata state 'Charge' in the definition has ResultPath (in a Catch), which only JSONPath states have.",
    );
  });

  it('refuses Parameters and OutputPath on a state of a JSONata state machine', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Shape',
      States: {
        Shape: { Type: 'Pass', Parameters: { 'a.$': '$.a' }, OutputPath: '$.a', End: true },
      },
    };
    await expect(runStateMachine(definition, { a: 1 })).rejects.toThrow(
      "the JSONata state 'Shape' in the definition has Parameters, OutputPath",
    );
  });

  it('refuses a JSONPath state under a JSONata top level, inside a Parallel branch too', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            {
              StartAt: 'Old',
              States: { Old: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } },
            },
          ],
        },
      },
    };
    await expect(runStateMachine(definition, {})).rejects.toThrow(
      "the state 'Old' in branch 0 of 'Both' sets QueryLanguage JSONPath under a JSONata state machine",
    );
  });

  it('runs a JSONata state under a JSONPath top level, with Output in its Catch', async () => {
    const definition = {
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          QueryLanguage: 'JSONata',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'charge', Payload: '{% $states.input %}' },
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Output: '{% $merge([$states.input, {"error": $states.errorOutput}]) %}',
              Next: 'Done',
            },
          ],
          End: true,
        },
        Done: { Type: 'Pass', End: true },
      },
    };
    const result = await runStateMachine(
      definition,
      { orderId: 'o-1' },
      {
        tasks: {
          Charge: () => {
            throw Object.assign(new Error('card declined'), { name: 'Declined' });
          },
        },
      },
    );
    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { orderId: 'o-1', error: { Error: 'Declined', Cause: 'card declined' } },
    });
  });
});

describe('JSONata errors', () => {
  it('carries the message of $error() into the cause of States.QueryEvaluationError', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Pass',
          Output: '{% $states.input.id ? $states.input : $error("id is missing") %}',
          End: true,
        },
      },
    };
    const result = await runStateMachine(definition, {});
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toContain('id is missing');
    expect(result.cause).not.toContain('[object Object]');
  });
});

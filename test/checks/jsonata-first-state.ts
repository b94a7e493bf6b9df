import { evaluateTemplate } from '../../lib/runtime/engine/jsonata';

/**
 * What a JSONata definition's first state evaluates before its side effect.
 *
 * A Task state evaluates its `Arguments` before it calls its resource, and an
 * expression that fails fails the state with `States.QueryEvaluationError`;
 * a Catch on that error then decides where the execution goes. Written from
 * the Step Functions documentation, not from the library.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */

type Json = any;

/** The context object fields a first state may read. */
const CONTEXT = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:123456789012:execution:m:run-1',
    Input: {},
    Name: 'run-1',
    StartTime: '2026-01-01T12:00:00.000Z',
  },
  State: { Name: 'first', EnteredTime: '2026-01-01T12:00:00.000Z', RetryCount: 0 },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:m', Name: 'm' },
};

/** Whether `definition` is written in JSONata at the top level. */
export function isJsonataDefinition(definition: Json): boolean {
  return definition.QueryLanguage === 'JSONata';
}

/**
 * Whether the first state refuses `input` before its side effect, into a Fail
 * state named and erroring `InvalidEnvelope`: its Arguments fail to evaluate,
 * and its first Catch that matches the evaluation error goes to that Fail.
 */
export async function firstStateRefuses(definition: Json, input: unknown): Promise<boolean> {
  const start = definition.States[definition.StartAt];
  if (start.Type !== 'Task') return false;
  const catcher = (start.Catch ?? []).find((c: Json) =>
    c.ErrorEquals.some((e: string) => e === 'States.QueryEvaluationError' || e === 'States.ALL'),
  );
  const target = catcher && definition.States[catcher.Next];
  if (target?.Type !== 'Fail' || target.Error !== 'InvalidEnvelope') return false;
  try {
    await evaluateTemplate(
      start.Arguments,
      {
        states: {
          input,
          context: { ...CONTEXT, Execution: { ...CONTEXT.Execution, Input: input } },
        },
      },
      'Arguments',
    );
    return false;
  } catch (error) {
    return (error as { error?: string }).error === 'States.QueryEvaluationError';
  }
}

/** Every PutEvents entry's Detail of a JSONata definition, evaluated on a valid envelope. */
export async function evaluatedDetails(definition: Json): Promise<Json[]> {
  const input = {
    metadata: { correlationId: 'c-1', causationId: 'e-1' },
    data: { orderId: 'o-1' },
    error: { Error: 'E', Cause: 'c' },
    compensation: {},
    compensationError: { Error: 'E', Cause: 'c' },
  };
  const details: Json[] = [];
  for (const state of Object.values<Json>(definition.States)) {
    if (!String(state.Resource).endsWith(':events:putEvents')) continue;
    for (const entry of state.Arguments.Entries)
      details.push(
        await evaluateTemplate(
          entry.Detail,
          {
            states: {
              input,
              context: { ...CONTEXT, Execution: { ...CONTEXT.Execution, Input: input } },
            },
          },
          'Detail',
        ),
      );
  }
  return details;
}

import { createHash } from 'node:crypto';
import { StatesErrors } from '../../../lib/runtime/engine/errors';
import {
  evaluateExpression,
  evaluateTemplate,
  isExpression,
} from '../../../lib/runtime/engine/jsonata';

const scope = (input: unknown = {}, variables: Record<string, unknown> = {}) => ({
  states: { input, context: { Execution: { Name: 'run-1' } } },
  variables,
});

// https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
describe('JSONata expressions', () => {
  it.each([
    ['{% $states.input.a %}', true],
    ['{%$x%}', true],
    [' {% $x %}', false],
    ['{% $x %} ', false],
    ['$x', false],
  ])('%j is an expression: %s', (text, expected) => {
    expect(isExpression(text)).toBe(expected);
  });

  it('evaluates every {% %} string of a template and keeps the rest (the documented JSONPath to JSONata conversion)', async () => {
    const args = {
      static: 'Hello',
      title: '{% $states.input.title %}',
      name: '{% $customerName %}',
      'not-evaluated': '$customerName',
    };
    await expect(
      evaluateTemplate(args, scope({ title: 'Doctor' }, { customerName: 'María' }), 'Arguments'),
    ).resolves.toEqual({
      static: 'Hello',
      title: 'Doctor',
      name: 'María',
      'not-evaluated': '$customerName',
    });
  });

  it('reads $states.context', async () => {
    await expect(
      evaluateExpression('{% $states.context.Execution.Name %}', scope(), 'Output'),
    ).resolves.toBe('run-1');
  });

  it.each<[string, string, unknown]>([
    ['$partition', '{% $partition([1,2,3,4], 3) %}', [[1, 2, 3], [4]]],
    [
      '$partition rounds the size down',
      '{% $partition([1,2,3,4], 2.9) %}',
      [
        [1, 2],
        [3, 4],
      ],
    ],
    ['$range', '{% $range(0, 10, 2) %}', [0, 2, 4, 6, 8, 10]],
    ['$range down', '{% $range(5, 1, -2) %}', [5, 3, 1]],
    [
      '$hash',
      "{% $hash('input data', 'SHA-256') %}",
      createHash('sha256').update('input data').digest('hex'),
    ],
    ['$parse', '{% $parse(\'{"a":[1,2]}\') %}', { a: [1, 2] }],
  ])('%s', async (_name, text, expected) => {
    await expect(evaluateExpression(text, scope(), 'Assign')).resolves.toEqual(expected);
  });

  it('$random gives a number in [0, 1), the same one for the same seed', async () => {
    const a = (await evaluateExpression('{% $random(7) %}', scope(), 'Assign')) as number;
    expect(await evaluateExpression('{% $random(7) %}', scope(), 'Assign')).toBe(a);
    const b = (await evaluateExpression('{% $random() %}', scope(), 'Assign')) as number;
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(1);
  });

  it('$uuid gives a v4 UUID', async () => {
    await expect(evaluateExpression('{% $uuid() %}', scope(), 'Assign')).resolves.toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('$now and $millis follow the clock it is given', async () => {
    const at = Date.UTC(2030, 4, 6, 7, 8, 9);
    await expect(
      evaluateExpression('{% $now() %}', { ...scope(), now: () => at }, 'Output'),
    ).resolves.toBe('2030-05-06T07:08:09.000Z');
    await expect(
      evaluateExpression('{% $millis() %}', { ...scope(), now: () => at }, 'Output'),
    ).resolves.toBe(at);
  });

  // "Handling expression errors": each case raises States.QueryEvaluationError.
  it.each([
    ['a type error', '{% $x + $y %}', { x: 'a', y: 1 }],
    ['no value', '{% $states.input.thisFieldDoesNotExist %}', {}],
    ['a syntax error', '{% $states.input. %}', {}],
    ['$eval, which Step Functions does not support', "{% $eval('1') %}", {}],
  ])('fails with States.QueryEvaluationError on %s', async (_what, text, variables) => {
    await expect(evaluateExpression(text, scope({}, variables), 'Output')).rejects.toMatchObject({
      error: StatesErrors.QUERY_EVALUATION_ERROR,
    });
  });
});

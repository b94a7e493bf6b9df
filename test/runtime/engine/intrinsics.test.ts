import { StatesErrors } from '../../../lib/runtime/engine/errors';
import { evaluateIntrinsic } from '../../../lib/runtime/engine/intrinsics';

// Each row is the documented example: input, call, result.
// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
describe('intrinsic functions, as documented', () => {
  it.each<[string, unknown, string, unknown]>([
    ['States.Array', { Id: 123456 }, 'States.Array($.Id)', [123456]],
    [
      'States.ArrayPartition',
      { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
      'States.ArrayPartition($.inputArray,4)',
      [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
    ],
    [
      'States.ArrayContains',
      { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 },
      'States.ArrayContains($.inputArray, $.lookingFor)',
      true,
    ],
    ['States.ArrayRange', {}, 'States.ArrayRange(1, 9, 2)', [1, 3, 5, 7, 9]],
    [
      'States.ArrayGetItem',
      { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 },
      'States.ArrayGetItem($.inputArray, $.index)',
      6,
    ],
    [
      'States.ArrayLength',
      { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
      'States.ArrayLength($.inputArray)',
      9,
    ],
    [
      'States.ArrayUnique',
      { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] },
      'States.ArrayUnique($.inputArray)',
      [1, 2, 3, 4],
    ],
    [
      'States.Base64Encode',
      { input: 'Data to encode' },
      'States.Base64Encode($.input)',
      'RGF0YSB0byBlbmNvZGU=',
    ],
    // The page prints "Decoded data" as the result, but its input is the encoding of "Data to encode".
    [
      'States.Base64Decode',
      { base64: 'RGF0YSB0byBlbmNvZGU=' },
      'States.Base64Decode($.base64)',
      'Data to encode',
    ],
    // The page prints a 39-digit value (one digit dropped); SHA-1 has 40.
    [
      'States.Hash',
      { Data: 'input data', Algorithm: 'SHA-1' },
      'States.Hash($.Data, $.Algorithm)',
      'aaff4a450a104cd177d28d18d74485e8cae074b7',
    ],
    [
      'States.JsonMerge',
      { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } },
      'States.JsonMerge($.json1, $.json2, false)',
      { a: { a3: 1, a4: 2 }, b: 2, c: 3 },
    ],
    [
      'States.StringToJson',
      { escapedJsonString: '{"foo": "bar"}' },
      'States.StringToJson($.escapedJsonString)',
      { foo: 'bar' },
    ],
    [
      'States.JsonToString',
      { unescapedJson: { foo: 'bar' } },
      'States.JsonToString($.unescapedJson)',
      '{"foo":"bar"}',
    ],
    ['States.MathAdd', { value1: 111, step: -1 }, 'States.MathAdd($.value1, $.step)', 110],
    [
      'States.StringSplit',
      { inputString: '1,2,3,4,5', splitter: ',' },
      'States.StringSplit($.inputString, $.splitter)',
      ['1', '2', '3', '4', '5'],
    ],
    [
      'States.StringSplit (several delimiters)',
      { inputString: 'This.is+a,test=string', splitter: '.+,=' },
      'States.StringSplit($.inputString, $.splitter)',
      ['This', 'is', 'a', 'test', 'string'],
    ],
    [
      'States.Format',
      { name: 'Arnav', template: 'Hello, my name is {}.' },
      "States.Format('Hello, my name is {}.', $.name)",
      'Hello, my name is Arnav.',
    ],
    [
      'States.Format (template from a path)',
      { name: 'Arnav', template: 'Hello, my name is {}.' },
      'States.Format($.template, $.name)',
      'Hello, my name is Arnav.',
    ],
  ])('%s', (_name, data, call, expected) => {
    expect(evaluateIntrinsic(call, { data })).toEqual(expected);
  });

  it('States.MathRandom gives a number from start (inclusive) to end (exclusive), the same for the same seed', () => {
    const data = { start: 1, end: 999 };
    const value = evaluateIntrinsic('States.MathRandom($.start, $.end)', { data }) as number;
    expect(value).toBeGreaterThanOrEqual(1);
    expect(value).toBeLessThan(999);
    const seededOnce = evaluateIntrinsic('States.MathRandom($.start, $.end, 42)', { data });
    expect(evaluateIntrinsic('States.MathRandom($.start, $.end, 42)', { data })).toBe(seededOnce);
  });

  it('States.UUID gives a v4 UUID', () => {
    expect(evaluateIntrinsic('States.UUID()', { data: {} })).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('nests calls, reads $$ and variables (as the documented nine-deep myArn example does)', () => {
    const data = {
      ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123:image-recipe/my-recipe.v1/1.0.0' },
    };
    const call =
      "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), $$.Execution.Name)";
    expect(evaluateIntrinsic(call, { data, context: { Execution: { Name: 'run' } } })).toBe(
      '1.0.run',
    );
    expect(
      evaluateIntrinsic("States.Format('The order number is {}', $order.number)", {
        data: {},
        variables: { order: { number: 7 } },
      }),
    ).toBe('The order number is 7');
  });

  it('escaped braces and quotes are characters, not placeholders', () => {
    expect(
      evaluateIntrinsic('States.Format(\'\\{"id":"{}"\\} it\\\'s \\\\\', $.id)', {
        data: { id: 'a' },
      }),
    ).toBe('{"id":"a"} it\'s \\');
    expect(evaluateIntrinsic("States.Format('\\{\\}{}', 'x')", { data: {} })).toBe('{}x');
  });

  it('rounds non-integer sizes as documented', () => {
    expect(
      evaluateIntrinsic('States.ArrayPartition($.a, 1.6)', { data: { a: [1, 2, 3] } }),
    ).toEqual([[1, 2], [3]]);
    expect(evaluateIntrinsic('States.MathAdd(1.4, 1.6)', { data: {} })).toBe(3);
  });

  it.each([
    "States.Format('{} {}', 'one')",
    'States.ArrayGetItem($.a, 9)',
    'States.JsonMerge($.a, $.a, true)',
    "States.StringToJson('not json')",
    "States.Hash('x', 'SHA-3')",
    'States.ArrayRange(1, 2000, 1)',
    "States.NoSuchFunction('x')",
  ])('fails with States.IntrinsicFailure: %s', (call) => {
    expect(() => evaluateIntrinsic(call, { data: { a: [1] } })).toThrow(
      expect.objectContaining({ error: StatesErrors.INTRINSIC_FAILURE }),
    );
  });

  it('fails with States.Runtime when an argument path selects nothing', () => {
    expect(() => evaluateIntrinsic('States.Array($.missing)', { data: {} })).toThrow(
      expect.objectContaining({ error: StatesErrors.RUNTIME }),
    );
  });
});

import { StatesErrors } from '../../../lib/runtime/engine/errors';
import {
  applyResultPath,
  compilePath,
  NOT_FOUND,
  readPath,
} from '../../../lib/runtime/engine/jsonpath';

// Paths: https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
describe('JSONPath paths', () => {
  const data = {
    a: { b: [10, 20, { c: 'x' }] },
    'detail-type': 'OrderPlaced',
    'with space': 1,
    items: [
      { price: 5, name: 'cheap' },
      { price: 50, name: 'dear' },
    ],
  };
  const scope = {
    data,
    context: { Execution: { Id: 'arn:exec' }, Map: { Item: { Index: 2 } } },
    variables: { order: { number: 7 }, x: 3 },
  };

  it.each([
    ['$', data],
    ['$.a.b[1]', 20],
    ['$.a.b[2].c', 'x'],
    ["$['with space']", 1],
    ['$.detail-type', 'OrderPlaced'],
    ['$$.Execution.Id', 'arn:exec'],
    ['$$.Map.Item.Index', 2],
    ['$order.number', 7],
    ['$x', 3],
    // Indefinite paths go to jsonpath-plus and always give a list.
    ['$.items[*].name', ['cheap', 'dear']],
    ['$.items[?(@.price > 10)].name', ['dear']],
    ['$..c', ['x']],
  ])('%s', (path, expected) => {
    expect(compilePath(path)(scope)).toEqual(expected);
  });

  it.each(['$.missing', '$.a.b[7]', '$.a.b.c', '$unknownVariable', '$$.Task.Token'])(
    '%s selects nothing',
    (path) => {
      expect(compilePath(path)(scope)).toBe(NOT_FOUND);
    },
  );

  it('fails with States.Runtime naming the path and the field when a required path selects nothing', () => {
    expect(() => readPath('$.missing', scope, 'InputPath')).toThrow(
      expect.objectContaining({
        error: StatesErrors.RUNTIME,
        message: expect.stringContaining("'$.missing' specified for the field 'InputPath'"),
      }),
    );
  });

  it('compiles a path once', () => {
    expect(compilePath('$.a.b')).toBe(compilePath('$.a.b'));
  });
});

// ResultPath: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
describe('ResultPath', () => {
  const input = { comment: 'c', strings: { string1: 'foo' } };

  it.each([
    [undefined, 'R'],
    ['$', 'R'],
    [null, input],
    ['$.taskresult', { ...input, taskresult: 'R' }],
    ['$.strings.lambdaresult', { comment: 'c', strings: { string1: 'foo', lambdaresult: 'R' } }],
    ['$.comment', { comment: 'R', strings: { string1: 'foo' } }],
    ['$.new.deep', { ...input, new: { deep: 'R' } }],
  ])('%s', (path, expected) => {
    expect(applyResultPath(input, path as string | null | undefined, 'R')).toEqual(expected);
  });

  it('leaves the input unchanged', () => {
    applyResultPath(input, '$.strings.x', 1);
    expect(input).toEqual({ comment: 'c', strings: { string1: 'foo' } });
  });

  it('fails with States.Runtime when the result would go into a value that is not an object', () => {
    expect(() => applyResultPath({ comment: 'c' }, '$.comment.inner', 1)).toThrow(
      expect.objectContaining({ error: StatesErrors.RUNTIME }),
    );
  });
});

import {
  addNumbers,
  overlapProblem,
  parseProjection,
  project,
  Substitutions,
} from '../../lib/runtime/dynamodb-expression';

describe('DynamoDB expressions', () => {
  describe('addNumbers', () => {
    it.each([
      ['52', '-15', 1, '37'],
      ['52', '15', -1, '37'],
      ['0.1', '0.2', 1, '0.3'],
      ['1.50', '0', 1, '1.5'],
      ['-0.5', '0.25', 1, '-0.25'],
      ['1e3', '1', 1, '1001'],
      ['1.5E-3', '0', 1, '0.0015'],
      ['+7', '-7', 1, '0'],
      ['99999999999999999999999999999999999999', '1', 1, '100000000000000000000000000000000000000'],
      ['.5', '5.', 1, '5.5'],
    ] as const)('%s and %s (sign %d) make %s', (a, b, sign, sum) => {
      expect(addNumbers(a, b, sign)).toBe(sum);
    });

    it.each(['', 'x', '1.2.3', '--1', 'e5'])('fails on %j, which is not a number', (text) => {
      expect(() => addNumbers(text, '1')).toThrow(
        expect.objectContaining({ name: 'ValidationException' }),
      );
    });
  });

  describe('overlapProblem', () => {
    it.each([
      { paths: [['a'], ['b']], problem: undefined },
      {
        paths: [
          ['a', 'b'],
          ['a', 'c'],
        ],
        problem: undefined,
      },
      {
        paths: [
          ['a', 0],
          ['a', 1],
        ],
        problem: undefined,
      },
      { paths: [['a'], ['a']], problem: 'overlap' },
      {
        paths: [
          ['a', 'b', 0],
          ['a', 'b'],
        ],
        problem: 'overlap',
      },
      {
        paths: [
          ['a', 0],
          ['a', 'b'],
        ],
        problem: 'conflict',
      },
    ])('finds $problem in $paths', ({ paths, problem }) => {
      const found = overlapProblem(paths, 'UpdateExpression');
      if (problem === undefined) expect(found).toBeUndefined();
      else expect(found).toContain(`Two document paths ${problem}`);
    });
  });

  describe('project', () => {
    const item = {
      a: { S: 'x' },
      l: { L: [{ N: '0' }, { N: '1' }, { N: '2' }] },
      m: { M: { b: { M: { c: { S: 'deep' } } }, d: { S: 'other' } } },
    };

    it.each([
      { expression: 'a', projected: { a: item.a } },
      { expression: 'l[2], l[0]', projected: { l: { L: [{ N: '0' }, { N: '2' }] } } },
      { expression: 'm.b.c', projected: { m: { M: { b: { M: { c: { S: 'deep' } } } } } } },
      { expression: 'absent, l[9], m.x.y', projected: {} },
    ])('keeps $expression', ({ expression, projected }) => {
      expect(project(item, parseProjection(expression, new Substitutions()))).toEqual(projected);
    });

    it('copies what it keeps', () => {
      const projected = project(item, [['m']]);
      projected.m.M!.d.S = 'changed';
      expect(item.m.M.d.S).toBe('other');
    });
  });
});

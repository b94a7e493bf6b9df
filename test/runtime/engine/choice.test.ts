import { StatesErrors } from '../../../lib/runtime/engine/errors';
import { matchesRule, wildcard } from '../../../lib/runtime/engine/states/choice';

const scope = (data: unknown) => ({ data, context: {}, variables: {} });

// Choice rules: https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
describe('Choice rules', () => {
  it.each<[string, Record<string, unknown>, unknown, boolean]>([
    ['NumericEquals', { NumericEquals: 1 }, 1, true],
    ['NumericEquals on a string', { NumericEquals: 1 }, '1', false],
    ['StringEquals', { StringEquals: 'MyString' }, 'MyString', true],
    ['StringGreaterThan', { StringGreaterThan: 'MyStringABC' }, 'MyStringABD', true],
    ['StringLessThanEquals', { StringLessThanEquals: 'b' }, 'b', true],
    ['TimestampEquals', { TimestampEquals: '2001-01-01T12:00:00Z' }, '2001-01-01T12:00:00Z', true],
    [
      'TimestampLessThan',
      { TimestampLessThan: '2001-01-01T12:00:00Z' },
      '2000-12-31T23:59:59Z',
      true,
    ],
    [
      'TimestampEquals on a non-timestamp',
      { TimestampEquals: '2001-01-01T12:00:00Z' },
      'yesterday',
      false,
    ],
    ['BooleanEquals', { BooleanEquals: false }, false, true],
    ['IsNull', { IsNull: true }, null, true],
    ['IsNumeric false', { IsNumeric: false }, 'x', true],
    ['IsString', { IsString: true }, 'x', true],
    ['IsBoolean', { IsBoolean: true }, 1, false],
    ['IsTimestamp', { IsTimestamp: true }, '2016-08-18T17:33:00Z', true],
    ['NumericGreaterThanEqualsPath', { NumericGreaterThanEqualsPath: '$.limit' }, 5, true],
    ['StringMatches', { StringMatches: 'log-*.txt' }, 'log-2024.txt', true],
    ['StringMatches with an escaped star', { StringMatches: 'a\\*b' }, 'a*b', true],
    ['StringMatches with an escaped star, no match', { StringMatches: 'a\\*b' }, 'axb', false],
    ['StringMatches a literal backslash', { StringMatches: '*\\\\*' }, 'a\\b', true],
  ])('%s', (_name, comparison, value, expected) => {
    expect(matchesRule({ Variable: '$.v', ...comparison }, scope({ v: value, limit: 5 }))).toBe(
      expected,
    );
  });

  it('StringMatches: * matches any characters, line breaks included', () => {
    // The envelope check rejects ids with control characters with rules like this one.
    expect(wildcard('*\n*').test('abc\ndef')).toBe(true);
    expect(wildcard('*"*').test('line one\nline "two"\r\n')).toBe(true);
    expect(wildcard('a*z').test('a\n\n\nz')).toBe(true);
    expect(wildcard('a*z').test('a\nb')).toBe(false);
  });

  it('And, Or and Not nest', () => {
    const rule = {
      And: [
        { Variable: '$.value', NumericGreaterThanEquals: 20 },
        {
          Not: {
            Or: [
              { Variable: '$.value', NumericEquals: 25 },
              { Variable: '$.type', StringEquals: 'x' },
            ],
          },
        },
      ],
    };
    expect(matchesRule(rule, scope({ value: 22, type: 'Private' }))).toBe(true);
    expect(matchesRule(rule, scope({ value: 25, type: 'Private' }))).toBe(false);
  });

  it('IsPresent tests a path without failing', () => {
    expect(matchesRule({ Variable: '$.missing', IsPresent: false }, scope({}))).toBe(true);
    expect(matchesRule({ Variable: '$.data[0]', IsPresent: true }, scope({ data: {} }))).toBe(
      false,
    );
  });

  it('fails with States.Runtime when the variable is missing', () => {
    expect(() => matchesRule({ Variable: '$.type', StringEquals: 'Private' }, scope({}))).toThrow(
      expect.objectContaining({
        error: StatesErrors.RUNTIME,
        message: expect.stringContaining("Invalid path '$.type'"),
      }),
    );
  });
});

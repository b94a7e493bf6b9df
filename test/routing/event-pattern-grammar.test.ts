import { OPERATOR_GRAMMAR, validateEventPattern } from '../../lib/routing/event-pattern-grammar';

// Every operator and operand form of "Comparison operators for use in event patterns" and
// "Content filtering in Amazon EventBridge event patterns":
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html

describe('event pattern grammar', () => {
  it('knows exactly the operators of the AWS table', () => {
    expect(Object.keys(OPERATOR_GRAMMAR).sort()).toEqual([
      'anything-but',
      'cidr',
      'equals-ignore-case',
      'exists',
      'numeric',
      'prefix',
      'suffix',
      'wildcard',
    ]);
  });

  it.each<[string, unknown]>([
    ['an exact value', ['pizza']],
    ['an empty string, null, a number, a boolean', ['', null, 3, true]],
    ['prefix', [{ prefix: 'us-' }]],
    ['prefix ignoring case', [{ prefix: { 'equals-ignore-case': 'EventB' } }]],
    ['suffix', [{ suffix: '.png' }]],
    ['suffix ignoring case', [{ suffix: { 'equals-ignore-case': '.PNG' } }]],
    ['equals-ignore-case', [{ 'equals-ignore-case': 'alice' }]],
    ['wildcard', [{ wildcard: 'dir/*.png' }]],
    ['wildcard with escapes', [{ wildcard: 'a\\*b\\\\c*' }]],
    ['anything-but a string', [{ 'anything-but': 'initializing' }]],
    ['anything-but a number', [{ 'anything-but': 100 }]],
    ['anything-but a list of strings', [{ 'anything-but': ['stopped', 'overloaded'] }]],
    ['anything-but a list of numbers', [{ 'anything-but': [100, 200] }]],
    ['anything-but a prefix', [{ 'anything-but': { prefix: 'us-' } }]],
    ['anything-but a suffix', [{ 'anything-but': { suffix: '.png' } }]],
    ['anything-but ignoring case', [{ 'anything-but': { 'equals-ignore-case': ['a', 'B'] } }]],
    ['anything-but a wildcard', [{ 'anything-but': { wildcard: '*/lib/*' } }]],
    ['numeric =', [{ numeric: ['=', 301.5] }]],
    [
      'numeric <, <=, >, >=',
      [
        { numeric: ['<', 1] },
        { numeric: ['<=', 1] },
        { numeric: ['>', 1] },
        { numeric: ['>=', 1] },
      ],
    ],
    ['a numeric range', [{ numeric: ['>', 0, '<=', 5] }]],
    ['exists true and false', [{ exists: true }, { exists: false }]],
    ['cidr IPv4', [{ cidr: '10.0.0.0/24' }]],
    ['cidr IPv6', [{ cidr: '2001:db8::/64' }]],
  ])('accepts %s', (_name, leaf) => {
    expect(validateEventPattern({ field: leaf })).toEqual([]);
  });

  it('accepts $or with two or more branches, nested objects and several fields', () => {
    expect(
      validateEventPattern({
        $or: [{ a: ['x'] }, { b: { c: [{ numeric: ['>', 0] }] } }],
        d: { e: ['y'] },
      }),
    ).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'an unknown operator',
      [{ 'starts-with': 'us-' }],
      /unknown operator "starts-with"; EventBridge knows prefix, suffix/,
    ],
    [
      'a numeric operator that does not exist',
      [{ numeric: ['>>', 20] }],
      /numeric has unknown comparison operator ">>"/,
    ],
    [
      'a numeric operand that is not a number',
      [{ numeric: ['>', '20'] }],
      /numeric expects finite numbers, got string/,
    ],
    [
      'a numeric range of three pairs',
      [{ numeric: ['>', 0, '<', 5, '<', 6] }],
      /numeric value must be an array like/,
    ],
    [
      'a numeric range with two lower bounds',
      [{ numeric: ['>', 0, '>', 5] }],
      /range must be a lower bound/,
    ],
    [
      'an empty numeric range',
      [{ numeric: ['>', 5, '<', 5] }],
      /lower bound 5 must be less than upper bound 5/,
    ],
    ['a numeric value out of range', [{ numeric: ['>', 6e9] }], /outside the supported range/],
    [
      'a number prefix',
      [{ prefix: 5 }],
      /prefix value must be a string or \{ "equals-ignore-case": string \}/,
    ],
    [
      'a suffix ignoring case of a number',
      [{ suffix: { 'equals-ignore-case': 5 } }],
      /suffix value must be a string/,
    ],
    [
      'equals-ignore-case of a number',
      [{ 'equals-ignore-case': 5 }],
      /equals-ignore-case value must be a string, got number/,
    ],
    [
      'a wildcard with consecutive stars',
      [{ wildcard: 'a**b' }],
      /consecutive wildcard characters/,
    ],
    ['a wildcard with a bad escape', [{ wildcard: 'a\\b' }], /invalid escape/],
    [
      'anything-but of a boolean',
      [{ 'anything-but': true }],
      /anything-but value must be a string, a number, a list, or an operator object/,
    ],
    [
      'anything-but of a mixed list',
      [{ 'anything-but': ['a', 1] }],
      /list must be non-empty and contain only strings or only numbers/,
    ],
    ['anything-but of an empty list', [{ 'anything-but': [] }], /list must be non-empty/],
    [
      'anything-but of an unknown form',
      [{ 'anything-but': { 'starts-with': 'a' } }],
      /object must have exactly one of: prefix, suffix, equals-ignore-case, wildcard/,
    ],
    [
      'anything-but of an empty prefix',
      [{ 'anything-but': { prefix: '' } }],
      /prefix must not be empty/,
    ],
    [
      'anything-but of a number prefix',
      [{ 'anything-but': { prefix: 5 } }],
      /prefix must be a string or a non-empty list of strings/,
    ],
    ['exists of a string', [{ exists: 'true' }], /exists value must be true or false/],
    ['cidr of an address', [{ cidr: '10.0.0.1' }], /must look like "10.0.0.0\/24"/],
    [
      'cidr of a bad address',
      [{ cidr: '300.0.0.0/8' }],
      /does not start with a valid IPv4 or IPv6 address/,
    ],
    ['two operators in one object', [{ prefix: 'a', suffix: 'b' }], /exactly one key, got 2/],
    ['an empty array', [], /empty arrays are not allowed/],
    ['a bare value', 'pizza', /must be an object or an array, got string/],
    [
      'an array inside the array',
      [['x']],
      /match values must be a string, number, boolean, null or operator object/,
    ],
  ])('refuses %s', (_name, leaf, message) => {
    const problems = validateEventPattern({ field: leaf });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^field: /);
    expect(problems[0]).toMatch(message);
  });

  it.each<[string, unknown, RegExp]>([
    [
      '$or with one branch',
      { $or: [{ a: ['x'] }] },
      /\$or: must be an array of at least 2 sub-patterns/,
    ],
    [
      'an operator name as a field inside $or',
      { $or: [{ prefix: ['a'] }, { b: ['x'] }] },
      /"prefix" is an operator name/,
    ],
    ['an empty object', { a: {} }, /a: empty objects are not allowed/],
  ])('refuses %s', (_name, pattern, message) => {
    expect(validateEventPattern(pattern)).toEqual([expect.stringMatching(message)]);
  });

  it('refuses a pattern longer than 2048 characters', () => {
    expect(validateEventPattern({ a: ['x'.repeat(2050)] })).toEqual([
      expect.stringMatching(/characters long; the maximum is 2048/),
    ]);
  });
});

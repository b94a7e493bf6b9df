import {
  EventPattern,
  matchesEventPattern,
  validateEventPattern,
} from '../../lib/runtime/event-pattern';

// Cases are taken from the EventBridge user guide (comparison operators, arrays, null values)
// and the Event Ruler README, which documents the engine EventBridge runs.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html

type Event = Record<string, unknown>;

interface MatchCase {
  name: string;
  pattern: EventPattern;
  event: Event;
  matches: boolean;
}

interface InvalidCase {
  name: string;
  pattern: unknown;
  problem: string;
}

const ec2Event: Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const rulerEvent: Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const nullEvent: Event = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

/** An event whose `detail` is the given object, for focusing on one field. */
function withDetail(detail: Record<string, unknown>): Event {
  return { source: 'my.app', 'detail-type': 'Test', detail };
}

function itMatches(cases: MatchCase[]): void {
  it.each(cases)('$name', ({ pattern, event, matches }) => {
    expect(matchesEventPattern(pattern, event)).toBe(matches);
  });
}

describe('exact matching', () => {
  itMatches([
    {
      name: 'matches the documented EC2 termination pattern',
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'matches when any value of the leaf array equals the field (OR)',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'does not match when no value equals the field',
      pattern: { source: ['aws.s3', 'aws.fargate'] },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'requires every key to match (AND)',
      pattern: { source: ['aws.ec2'], detail: { state: ['running'] } },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'is case sensitive',
      pattern: { source: ['AWS.EC2'] },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'compares numbers by value (300 matches 300.0)',
      pattern: { detail: { price: [300] } },
      event: JSON.parse('{"detail": {"price": 300.0}}'),
      matches: true,
    },
    {
      name: 'does not match a number against its string form',
      pattern: { detail: { price: [300] } },
      event: withDetail({ price: '300' }),
      matches: false,
    },
    {
      name: 'does not match a string against a number',
      pattern: { detail: { price: ['300'] } },
      event: withDetail({ price: 300 }),
      matches: false,
    },
    {
      name: 'matches booleans',
      pattern: { detail: { enabled: [true] } },
      event: withDetail({ enabled: true }),
      matches: true,
    },
    {
      name: 'does not match a boolean against its string form',
      pattern: { detail: { enabled: [true] } },
      event: withDetail({ enabled: 'true' }),
      matches: false,
    },
    {
      name: 'does not match when the field is missing',
      pattern: { detail: { state: ['terminated'] } },
      event: withDetail({}),
      matches: false,
    },
    {
      name: 'requires the same nesting as the event',
      pattern: { detail: { state: ['terminated'] } },
      event: { state: 'terminated' },
      matches: false,
    },
    {
      name: 'does not match a leaf condition against an object',
      pattern: { detail: ['terminated'] },
      event: ec2Event,
      matches: false,
    },
  ]);
});

describe('arrays in events', () => {
  const resourcesPattern: EventPattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };
  itMatches([
    {
      name: 'matches when the pattern and event arrays intersect',
      pattern: resourcesPattern,
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      matches: true,
    },
    {
      name: 'does not match when the arrays do not intersect',
      pattern: resourcesPattern,
      event: { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] },
      matches: false,
    },
    {
      name: 'does not match an empty event array',
      pattern: resourcesPattern,
      event: { resources: [] },
      matches: false,
    },
    {
      name: 'applies operators to each element of an event array',
      pattern: { detail: { sizes: [{ numeric: ['>', 100] }] } },
      event: withDetail({ sizes: [1, 2, 300] }),
      matches: true,
    },
    {
      name: 'fails operators when no element of an event array qualifies',
      pattern: { detail: { sizes: [{ numeric: ['>', 100] }] } },
      event: withDetail({ sizes: [1, 2, 3] }),
      matches: false,
    },
  ]);
});

describe('nested fields and arrays of objects', () => {
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  itMatches([
    {
      name: 'descends into objects inside an event array',
      pattern: { employees: { firstName: ['Anna'] } },
      event: employees,
      matches: true,
    },
    {
      name: 'matches fields that belong to the same array element',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      event: employees,
      matches: true,
    },
    {
      name: 'does not pair fields from different array elements',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: employees,
      matches: false,
    },
    {
      name: 'descends into multi-level arrays',
      pattern: { employees: { firstName: ['Peter'] } },
      event: {
        employees: [
          [
            { firstName: 'John', lastName: 'Doe' },
            { firstName: 'Anna', lastName: 'Smith' },
          ],
          [{ firstName: 'Peter', lastName: 'Jones' }],
        ],
      },
      matches: true,
    },
    {
      name: 'matches deeply nested fields',
      pattern: { detail: { requestParameters: { bucketName: ['my-bucket'] } } },
      event: withDetail({ requestParameters: { bucketName: 'my-bucket' } }),
      matches: true,
    },
    {
      name: 'does not match when an intermediate object is missing',
      pattern: { detail: { requestParameters: { bucketName: ['my-bucket'] } } },
      event: withDetail({}),
      matches: false,
    },
  ]);
});

describe('null and empty string', () => {
  itMatches([
    {
      name: 'matches an empty string',
      pattern: { detail: { eventVersion: [''] } },
      event: nullEvent,
      matches: true,
    },
    {
      name: 'matches null',
      pattern: { detail: { responseElements: [null] } },
      event: nullEvent,
      matches: true,
    },
    {
      name: 'does not match null with an empty string',
      pattern: { detail: { responseElements: [''] } },
      event: nullEvent,
      matches: false,
    },
    {
      name: 'does not match an empty string with null',
      pattern: { detail: { eventVersion: [null] } },
      event: nullEvent,
      matches: false,
    },
    {
      name: 'does not match a missing field with null',
      pattern: { detail: { userId: [null] } },
      event: nullEvent,
      matches: false,
    },
    {
      name: 'does not match a non-empty string with an empty string',
      pattern: { source: [''] },
      event: nullEvent,
      matches: false,
    },
  ]);
});

describe('prefix', () => {
  itMatches([
    {
      name: 'matches a string that starts with the prefix',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'does not match a string with another prefix',
      pattern: { time: [{ prefix: '2017-10-03' }] },
      event: rulerEvent,
      matches: false,
    },
    {
      name: 'matches regions in Europe',
      pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
      event: { source: 'aws.autoscaling', region: 'eu-west-1' },
      matches: true,
    },
    {
      name: 'is case sensitive',
      pattern: { region: [{ prefix: 'EU-' }] },
      event: { region: 'eu-west-1' },
      matches: false,
    },
    {
      name: 'only applies to strings',
      pattern: { detail: { year: [{ prefix: '2017' }] } },
      event: withDetail({ year: 2017 }),
      matches: false,
    },
    {
      name: 'ignores case with equals-ignore-case',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'eventbridge' }),
      matches: true,
    },
    {
      name: 'ignores case with equals-ignore-case (upper-case value)',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'EVENTBRIDGE' }),
      matches: true,
    },
    {
      name: 'does not match another prefix with equals-ignore-case',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'aws.events' }),
      matches: false,
    },
  ]);
});

describe('suffix', () => {
  itMatches([
    {
      name: 'matches a string that ends with the suffix',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.png' },
      matches: true,
    },
    {
      name: 'does not match another suffix',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.jpg' },
      matches: false,
    },
    {
      name: 'is case sensitive',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.PNG' },
      matches: false,
    },
    {
      name: 'matches the source suffix from the Ruler README',
      pattern: { source: [{ suffix: 'ec2' }] },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'ignores case with equals-ignore-case',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: withDetail({ FileName: 'image.PNG' }),
      matches: true,
    },
    {
      name: 'does not match another suffix with equals-ignore-case',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: withDetail({ FileName: 'image.gif' }),
      matches: false,
    },
  ]);
});

describe('equals-ignore-case', () => {
  itMatches([
    {
      name: 'matches a different casing',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'Alice' },
      matches: true,
    },
    {
      name: 'matches an upper-case value',
      pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
      event: { source: 'ec2' },
      matches: true,
    },
    {
      name: 'does not match a different string',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'Alicia' },
      matches: false,
    },
    {
      name: 'only applies to strings',
      pattern: { Name: [{ 'equals-ignore-case': 'true' }] },
      event: { Name: true },
      matches: false,
    },
  ]);
});

describe('anything-but', () => {
  itMatches([
    {
      name: 'matches any string other than the excluded one',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'does not match the excluded string',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({ state: 'initializing' }),
      matches: false,
    },
    {
      name: 'matches any number other than the excluded one',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: withDetail({ 'x-limit': 124 }),
      matches: true,
    },
    {
      name: 'does not match the excluded number',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: withDetail({ 'x-limit': 123 }),
      matches: false,
    },
    {
      name: 'matches a string outside the excluded list',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'does not match a string in the excluded list',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: withDetail({ state: 'overloaded' }),
      matches: false,
    },
    {
      name: 'matches a number outside the excluded list',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'does not match a number in the excluded list',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: withDetail({ 'x-limit': 200 }),
      matches: false,
    },
    {
      name: 'matches a value without the excluded prefix',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'does not match a value with the excluded prefix',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: withDetail({ state: 'initializing' }),
      matches: false,
    },
    {
      name: 'excludes AWS sources by prefix but keeps custom ones',
      pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
      event: { source: 'com.mycompany.orders' },
      matches: true,
    },
    {
      name: 'excludes AWS sources by prefix',
      pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'matches a value without the excluded suffix',
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
      event: withDetail({ FileName: 'notes.md' }),
      matches: true,
    },
    {
      name: 'does not match a value with the excluded suffix',
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
      event: withDetail({ FileName: 'notes.txt' }),
      matches: false,
    },
    {
      name: 'does not match any casing of an equals-ignore-case exclusion',
      pattern: {
        detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      },
      event: withDetail({ state: 'INITIALIZING' }),
      matches: false,
    },
    {
      name: 'matches a value outside an equals-ignore-case exclusion',
      pattern: {
        detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      },
      event: withDetail({ state: 'running' }),
      matches: true,
    },
    {
      name: 'does not match any casing of an equals-ignore-case exclusion list',
      pattern: {
        detail: {
          state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }],
        },
      },
      event: withDetail({ state: 'Stopped' }),
      matches: false,
    },
    {
      name: 'does not match a value matching the excluded wildcard',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      event: withDetail({ FilePath: '/usr/lib/libc.so' }),
      matches: false,
    },
    {
      name: 'matches a value outside the excluded wildcard',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      event: withDetail({ FilePath: '/usr/bin/env' }),
      matches: true,
    },
    {
      name: 'does not match a value matching one of the excluded wildcards',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
      event: withDetail({ FilePath: '/usr/bin/env' }),
      matches: false,
    },
    {
      name: 'does not match when the field is missing',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({}),
      matches: false,
    },
    {
      name: 'matches an event array holding one non-excluded value',
      pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
      event: withDetail({ state: ['stopped', 'running'] }),
      matches: true,
    },
    {
      name: 'does not match an event array holding only excluded values',
      pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
      event: withDetail({ state: ['stopped'] }),
      matches: false,
    },
    {
      name: 'matches a value of another type than the excluded string',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({ state: 5 }),
      matches: true,
    },
  ]);
});

describe('numeric', () => {
  itMatches([
    {
      name: 'matches the documented combination of ranges',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'excludes an open lower bound',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
      event: withDetail({ 'c-count': 0 }),
      matches: false,
    },
    {
      name: 'includes a closed upper bound',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
      event: withDetail({ 'c-count': 5 }),
      matches: true,
    },
    {
      name: 'excludes values above the upper bound',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
      event: withDetail({ 'c-count': 5.000001 }),
      matches: false,
    },
    {
      name: 'excludes an open upper bound',
      pattern: { detail: { 'd-count': [{ numeric: ['<', 10] }] } },
      event: withDetail({ 'd-count': 10 }),
      matches: false,
    },
    {
      name: 'includes a closed lower bound',
      pattern: { detail: { price: [{ numeric: ['>=', 10, '<', 20] }] } },
      event: withDetail({ price: 10 }),
      matches: true,
    },
    {
      name: 'matches <= on its bound',
      pattern: { detail: { price: [{ numeric: ['<=', 20] }] } },
      event: withDetail({ price: 20 }),
      matches: true,
    },
    {
      name: 'matches >= on its bound',
      pattern: { detail: { price: [{ numeric: ['>=', -3.5] }] } },
      event: withDetail({ price: -3.5 }),
      matches: true,
    },
    {
      name: 'does not match a different value with =',
      pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
      event: withDetail({ 'x-limit': 301.9 }),
      matches: false,
    },
    {
      name: 'only matches JSON numbers, not numeric strings',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0] }] } },
      event: withDetail({ 'c-count': '5' }),
      matches: false,
    },
    {
      name: 'does not match numbers beyond the supported range',
      pattern: { detail: { bytes: [{ numeric: ['>', 0] }] } },
      event: withDetail({ bytes: 6e9 }),
      matches: false,
    },
  ]);
});

describe('exists', () => {
  itMatches([
    {
      name: 'exists: true matches a present field',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'exists: true does not match a missing field',
      pattern: { detail: { description: [{ exists: true }] } },
      event: rulerEvent,
      matches: false,
    },
    {
      name: 'exists: false matches a missing field',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
        detail: { state: ['initializing', 'running'] },
      },
      matches: true,
    },
    {
      name: 'exists: false does not match a present field',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: rulerEvent,
      matches: false,
    },
    {
      name: 'exists: false matches a field that is not a leaf node',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
      matches: true,
    },
    {
      name: 'exists: true does not match a field that is not a leaf node',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: withDetail({ 'c-count': { c1: 100 } }),
      matches: false,
    },
    {
      name: 'exists: false matches when the parent object is missing',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: { source: 'my.app' },
      matches: true,
    },
    {
      name: 'exists: true matches a field whose value is null',
      pattern: { detail: { responseElements: [{ exists: true }] } },
      event: nullEvent,
      matches: true,
    },
    {
      name: 'exists: false matches an empty array (no leaf values)',
      pattern: { resources: [{ exists: false }] },
      event: nullEvent,
      matches: true,
    },
  ]);
});

describe('cidr', () => {
  itMatches([
    {
      name: 'matches an IPv4 address inside the block',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'matches the last address of the block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: withDetail({ sourceIPAddress: '10.0.0.255' }),
      matches: true,
    },
    {
      name: 'does not match an IPv4 address outside the block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: withDetail({ sourceIPAddress: '10.0.1.1' }),
      matches: false,
    },
    {
      name: 'matches a wide IPv4 block',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/8' }] } },
      event: withDetail({ 'source-ip': '10.200.3.4' }),
      matches: true,
    },
    {
      name: 'matches an IPv6 address inside the block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/64' }] } },
      event: withDetail({ sourceIPAddress: '2001:db8::1' }),
      matches: true,
    },
    {
      name: 'does not match an IPv6 address outside the block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/64' }] } },
      event: withDetail({ sourceIPAddress: '2001:db8:0:1::1' }),
      matches: false,
    },
    {
      name: 'does not match an IPv4 address against an IPv6 block',
      pattern: { detail: { sourceIPAddress: [{ cidr: '::/0' }] } },
      event: withDetail({ sourceIPAddress: '10.0.0.1' }),
      matches: false,
    },
    {
      name: 'does not match strings that are not IP addresses',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: withDetail({ sourceIPAddress: 'ec2.amazonaws.com' }),
      matches: false,
    },
    {
      name: 'matches an exact IPv6 address written differently',
      pattern: { detail: { sourceIPAddress: ['2001:db8::1'] } },
      event: withDetail({ sourceIPAddress: '2001:0db8:0000:0000:0000:0000:0000:0001' }),
      matches: true,
    },
  ]);
});

describe('wildcard', () => {
  itMatches([
    {
      name: 'matches any run of characters',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleNotificationService' },
      matches: true,
    },
    {
      name: 'matches an empty run of characters',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleService' },
      matches: true,
    },
    {
      name: 'does not match when the literal parts differ',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleQueue' },
      matches: false,
    },
    {
      name: 'matches several wildcards in an ARN',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
      matches: true,
    },
    {
      name: 'matches a .png file inside the dir folder',
      pattern: { detail: { key: [{ wildcard: 'dir/*.png' }] } },
      event: withDetail({ key: 'dir/2024/photo.png' }),
      matches: true,
    },
    {
      name: 'is case sensitive',
      pattern: { detail: { key: [{ wildcard: 'dir/*.png' }] } },
      event: withDetail({ key: 'dir/photo.PNG' }),
      matches: false,
    },
    {
      name: 'treats an escaped star as a literal star',
      pattern: { detail: { key: [{ wildcard: 'a\\*b' }] } },
      event: withDetail({ key: 'a*b' }),
      matches: true,
    },
    {
      name: 'does not expand an escaped star',
      pattern: { detail: { key: [{ wildcard: 'a\\*b' }] } },
      event: withDetail({ key: 'axb' }),
      matches: false,
    },
    {
      name: 'treats an escaped backslash as a literal backslash',
      pattern: { detail: { key: [{ wildcard: 'C:\\\\*' }] } },
      event: withDetail({ key: 'C:\\Windows' }),
      matches: true,
    },
    {
      name: 'treats regular-expression characters literally',
      pattern: { detail: { key: [{ wildcard: 'a.b*' }] } },
      event: withDetail({ key: 'axb' }),
      matches: false,
    },
    {
      name: 'only applies to strings',
      pattern: { detail: { key: [{ wildcard: '*' }] } },
      event: withDetail({ key: 42 }),
      matches: false,
    },
  ]);
});

describe('$or', () => {
  const metricsPattern: EventPattern = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };
  itMatches([
    {
      name: 'matches when the first branch matches',
      pattern: metricsPattern,
      event: { source: 'aws.cloudwatch', metricName: 'CPUUtilization' },
      matches: true,
    },
    {
      name: 'matches when another branch matches',
      pattern: metricsPattern,
      event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
      matches: true,
    },
    {
      name: 'does not match when no branch matches',
      pattern: metricsPattern,
      event: { source: 'aws.cloudwatch', metricName: 'DiskReadOps' },
      matches: false,
    },
    {
      name: 'still requires the sibling keys',
      pattern: metricsPattern,
      event: { source: 'aws.ec2', metricName: 'CPUUtilization' },
      matches: false,
    },
    {
      name: 'works inside a nested object',
      pattern: {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      event: withDetail({ 'c-count': 50, 'd-count': 50, 'x-limit': 301.8 }),
      matches: true,
    },
    {
      name: 'requires an AND inside a branch',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization'] },
          { metricType: ['MetricType'], namespace: ['AWS/EC2'] },
        ],
      },
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
      matches: false,
    },
    {
      name: 'supports nested $or',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization'] },
          {
            namespace: ['AWS/EC2'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
        ],
      },
      event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2', spaceId: 1000 },
      matches: true,
    },
    {
      name: 'requires every parallel $or to match',
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['Alarm'] }] },
      },
      event: { namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } },
      matches: false,
    },
  ]);
});

describe('whole events', () => {
  const complexPattern: EventPattern = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
      'source-ip': [{ cidr: '10.0.0.0/8' }],
    },
  };
  itMatches([
    {
      name: 'matches the documented complex example',
      pattern: complexPattern,
      event: rulerEvent,
      matches: true,
    },
    {
      name: 'fails the complex example when one condition fails',
      pattern: complexPattern,
      event: { ...rulerEvent, time: '2017-10-03T00:00:00Z' },
      matches: false,
    },
    {
      name: 'matches top-level account, region and detail-type',
      pattern: {
        account: ['111122223333'],
        region: ['us-west-1'],
        'detail-type': [{ prefix: 'EC2 Instance' }],
      },
      event: ec2Event,
      matches: true,
    },
  ]);

  it('accepts the pattern and event as JSON strings', () => {
    const pattern = '{"source": ["aws.ec2"], "detail": {"state": ["terminated"]}}';
    expect(matchesEventPattern(pattern, JSON.stringify(ec2Event))).toBe(true);
    expect(matchesEventPattern(pattern, JSON.stringify(rulerEvent))).toBe(false);
  });
});

describe('validateEventPattern', () => {
  it.each<{ name: string; pattern: unknown }>([
    { name: 'the EC2 termination pattern', pattern: { source: ['aws.ec2'] } },
    { name: 'the complex example', pattern: { time: [{ prefix: '2017' }], detail: { a: [1] } } },
    { name: 'a JSON string', pattern: '{"detail": {"c-count": [{"exists": false}]}}' },
    { name: 'anything-but lists', pattern: { a: [{ 'anything-but': { prefix: ['x', 'y'] } }] } },
    { name: 'an escaped wildcard', pattern: { a: [{ wildcard: 'a\\*b\\\\c*' }] } },
    { name: 'an IPv6 block', pattern: { a: [{ cidr: '2001:db8::/64' }] } },
  ])('accepts $name', ({ pattern }) => {
    expect(validateEventPattern(pattern)).toEqual([]);
  });

  it.each<InvalidCase>([
    { name: 'the pattern is empty', pattern: {}, problem: 'must not be empty' },
    {
      name: 'the pattern is not an object',
      pattern: ['aws.ec2'],
      problem: 'must be a JSON object',
    },
    { name: 'the pattern is not valid JSON', pattern: '{"source": [', problem: 'not valid JSON' },
    {
      name: 'a leaf is not an array',
      pattern: { source: 'aws.ec2' },
      problem: 'source: must be an object or an array',
    },
    { name: 'a leaf array is empty', pattern: { source: [] }, problem: 'source: empty arrays' },
    { name: 'a nested object is empty', pattern: { detail: {} }, problem: 'detail: empty objects' },
    {
      name: 'a leaf holds a nested array',
      pattern: { source: [['aws.ec2']] },
      problem: 'match values must be',
    },
    {
      name: 'an operator is unknown',
      pattern: { a: [{ contains: 'x' }] },
      problem: 'unknown operator "contains"',
    },
    {
      name: 'an operator object has two keys',
      pattern: { a: [{ prefix: 'x', suffix: 'y' }] },
      problem: 'exactly one key',
    },
    {
      name: 'prefix is not a string',
      pattern: { a: [{ prefix: 1 }] },
      problem: 'prefix value must be a string',
    },
    {
      name: 'prefix has an unknown nested operator',
      pattern: { a: [{ prefix: { wildcard: 'x' } }] },
      problem: 'prefix value must be a string or',
    },
    {
      name: 'suffix is not a string',
      pattern: { a: [{ suffix: null }] },
      problem: 'suffix value must be',
    },
    {
      name: 'equals-ignore-case is not a string',
      pattern: { a: [{ 'equals-ignore-case': ['x'] }] },
      problem: 'equals-ignore-case value must be a string',
    },
    {
      name: 'a wildcard has consecutive stars',
      pattern: { a: [{ wildcard: 'a**b' }] },
      problem: 'consecutive wildcard',
    },
    {
      name: 'a wildcard has an invalid escape',
      pattern: { a: [{ wildcard: 'a\\b' }] },
      problem: 'invalid escape',
    },
    {
      name: 'numeric is not an array',
      pattern: { a: [{ numeric: 5 }] },
      problem: 'numeric value must be an array',
    },
    {
      name: 'numeric has an unknown operator',
      pattern: { a: [{ numeric: ['!=', 5] }] },
      problem: 'unknown comparison operator "!="',
    },
    {
      name: 'a numeric range has its bounds in the wrong order',
      pattern: { a: [{ numeric: ['<', 10, '>', 0] }] },
      problem: 'lower bound (> or >=) followed by an upper bound',
    },
    {
      name: 'a numeric range is empty',
      pattern: { a: [{ numeric: ['>', 10, '<', 5] }] },
      problem: 'must be less than upper bound',
    },
    {
      name: 'a numeric value is not a number',
      pattern: { a: [{ numeric: ['>', '5'] }] },
      problem: 'expects finite numbers',
    },
    {
      name: 'a numeric value is out of range',
      pattern: { a: [{ numeric: ['>', 6e9] }] },
      problem: 'outside the supported range',
    },
    {
      name: 'a numeric value has more than six decimals',
      pattern: { a: [{ numeric: ['=', 1.0000001] }] },
      problem: 'more than 6 decimal places',
    },
    {
      name: 'anything-but mixes strings and numbers',
      pattern: { a: [{ 'anything-but': ['a', 1] }] },
      problem: 'only strings or only numbers',
    },
    {
      name: 'anything-but holds null',
      pattern: { a: [{ 'anything-but': null }] },
      problem: 'anything-but value must be',
    },
    {
      name: 'anything-but uses an unsupported operator',
      pattern: { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      problem: 'exactly one of: prefix, suffix, equals-ignore-case, wildcard',
    },
    {
      name: 'anything-but prefix is not a string',
      pattern: { a: [{ 'anything-but': { prefix: 1 } }] },
      problem: 'prefix must be a string',
    },
    {
      name: 'anything-but prefix is empty',
      pattern: { a: [{ 'anything-but': { prefix: '' } }] },
      problem: 'prefix must not be empty',
    },
    {
      name: 'exists is not a boolean',
      pattern: { a: [{ exists: 'true' }] },
      problem: 'exists value must be true or false',
    },
    { name: 'cidr has no mask', pattern: { a: [{ cidr: '10.0.0.0' }] }, problem: 'must look like' },
    {
      name: 'cidr has an invalid address',
      pattern: { a: [{ cidr: '10.0.0.256/24' }] },
      problem: 'valid IPv4 or IPv6 address',
    },
    {
      name: 'cidr has a host-sized mask',
      pattern: { a: [{ cidr: '10.0.0.1/32' }] },
      problem: 'at most /31',
    },
    {
      name: '$or is not an array',
      pattern: { $or: { a: ['x'] } },
      problem: '$or: must be an array of at least 2',
    },
    {
      name: '$or has one branch',
      pattern: { $or: [{ a: ['x'] }] },
      problem: 'at least 2 sub-patterns',
    },
    {
      name: '$or holds a non-object',
      pattern: { $or: [{ a: ['x'] }, ['b']] },
      problem: '$or[1]: each $or entry must be an object',
    },
    {
      name: '$or uses an operator name as a field',
      pattern: { $or: [{ prefix: ['x'] }, { b: ['y'] }] },
      problem: '"prefix" is an operator name',
    },
    {
      name: 'the pattern is longer than 2048 characters',
      pattern: { source: ['x'.repeat(2100)] },
      problem: 'the maximum is 2048',
    },
  ])('fails when $name', ({ pattern, problem }) => {
    expect(validateEventPattern(pattern)).toEqual(
      expect.arrayContaining([expect.stringContaining(problem)]),
    );
  });

  it('fails when several leaves are invalid, reporting each with its path', () => {
    const problems = validateEventPattern({
      detail: { a: [{ prefix: 1 }], b: { c: [] } },
    });
    expect(problems).toEqual([
      'detail.a: prefix value must be a string or { "equals-ignore-case": string }',
      'detail.b.c: empty arrays are not allowed',
    ]);
  });
});

describe('matchesEventPattern errors', () => {
  it.each<InvalidCase>([
    {
      name: 'the pattern has a non-array leaf',
      pattern: { source: 'aws.ec2' },
      problem: 'source:',
    },
    {
      name: 'the pattern uses an unknown operator',
      pattern: { a: [{ regex: '.*' }] },
      problem: 'regex',
    },
    { name: 'the pattern is empty', pattern: '{}', problem: 'must not be empty' },
    { name: 'the pattern JSON is malformed', pattern: '{"source"', problem: 'not valid JSON' },
  ])('fails when $name', ({ pattern, problem }) => {
    const run = (): boolean => matchesEventPattern(pattern as EventPattern, ec2Event);
    expect(run).toThrow(/^Invalid event pattern: /);
    expect(run).toThrow(problem);
  });

  it.each<{ name: string; event: string }>([
    { name: 'the event JSON is malformed', event: '{"source":' },
    { name: 'the event is not an object', event: '["aws.ec2"]' },
  ])('fails when $name', ({ event }) => {
    expect(() => matchesEventPattern({ source: ['aws.ec2'] }, event)).toThrow(/^Invalid event: /);
  });
});

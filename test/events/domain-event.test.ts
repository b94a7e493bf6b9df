import {
  contextNameFromId,
  ENVELOPE_SCHEMA_VERSION,
  eventNameProblems,
  eventSource,
  LIFECYCLE_EVENTS,
  sourceSegmentProblems,
} from '../../lib/events/domain-event';

describe('eventNameProblems', () => {
  it.each(['OrderPlaced', 'A', 'V2OrderPlaced', 'Order2Placed', 'X'.repeat(128)])(
    'accepts %s',
    (name) => {
      expect(eventNameProblems(name)).toEqual([]);
    },
  );

  it.each([
    ['the name is empty', ''],
    ['the name starts with a lowercase letter', 'orderPlaced'],
    ['the name starts with a digit', '2OrderPlaced'],
    ['the name has a dash', 'Order-Placed'],
    ['the name has a dot', 'Order.Placed'],
    ['the name has an underscore', 'Order_Placed'],
    ['the name has a space', 'Order Placed'],
    ['the name has a non-ASCII letter', 'CommandeCréée'],
    ['the name is longer than 128 characters', 'X'.repeat(129)],
  ])('fails when %s', (_name, name) => {
    const problems = eventNameProblems(name);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`event name '${name}'`);
    expect(problems[0]).toMatch(/PascalCase/);
  });
});

describe('sourceSegmentProblems', () => {
  it.each<['appName' | 'contextName', string]>([
    ['appName', 'food'],
    ['appName', 'food-delivery'],
    ['appName', 'a'],
    ['appName', 'app2'],
    ['appName', 'aws-shop'],
    ['appName', 'awsome'],
    ['contextName', 'orders'],
    ['contextName', 'order-taking'],
    ['contextName', 'aws'],
    ['contextName', 'x'.repeat(63)],
  ])('accepts %s %s', (kind, value) => {
    expect(sourceSegmentProblems(kind, value)).toEqual([]);
  });

  it.each<[string, 'appName' | 'contextName', string]>([
    ['the value is empty', 'appName', ''],
    ['the value has an uppercase letter', 'appName', 'Food'],
    ['the value starts with a digit', 'contextName', '2orders'],
    ['the value starts with a dash', 'contextName', '-orders'],
    ['the value has a dot', 'appName', 'food.app'],
    ['the value has an underscore', 'contextName', 'order_taking'],
    ['the value is longer than 63 characters', 'contextName', 'x'.repeat(64)],
  ])('fails when %s (%s)', (_name, kind, value) => {
    const problems = sourceSegmentProblems(kind, value);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      `${kind} '${value}' must be lowercase letters, digits and dashes`,
    );
  });

  it("fails when appName is 'aws', which EventBridge reserves", () => {
    const problems = sourceSegmentProblems('appName', 'aws');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/appName 'aws'/);
    expect(problems[0]).toMatch(/reserves for AWS services/);
  });
});

describe('eventSource', () => {
  it.each([
    ['food', 'orders', 'food.orders'],
    ['food-delivery', 'order-taking', 'food-delivery.order-taking'],
    ['shop', 'payments', 'shop.payments'],
  ])('joins %s and %s as %s', (app, context, source) => {
    expect(eventSource(app, context)).toBe(source);
  });
});

describe('contextNameFromId', () => {
  it.each([
    ['Orders', 'orders'],
    ['OrderTaking', 'order-taking'],
    ['FraudDetection', 'fraud-detection'],
    ['Orders2', 'orders2'],
    ['my_ctx', 'my-ctx'],
    ['orders', 'orders'],
    ['Order2Taking', 'order2-taking'],
    ['MyBigContext', 'my-big-context'],
    ['Order Taking', 'order-taking'],
    ['_Orders_', 'orders'],
    ['already-kebab', 'already-kebab'],
  ])('turns %s into %s', (id, name) => {
    expect(contextNameFromId(id)).toBe(name);
  });

  it.each(['Orders', 'OrderTaking', 'FraudDetection', 'Orders2', 'my_ctx'])(
    'gives %s a name that is a valid context name',
    (id) => {
      expect(sourceSegmentProblems('contextName', contextNameFromId(id))).toEqual([]);
    },
  );
});

describe('LIFECYCLE_EVENTS', () => {
  it('lists the four lifecycle events in order', () => {
    expect([...LIFECYCLE_EVENTS]).toEqual([
      'WorkflowStarted',
      'WorkflowSucceeded',
      'TaskFailed',
      'WorkflowFailed',
    ]);
  });

  it.each([...LIFECYCLE_EVENTS])('%s is a valid event name', (name) => {
    expect(eventNameProblems(name)).toEqual([]);
  });

  it('has no duplicates', () => {
    expect(new Set(LIFECYCLE_EVENTS).size).toBe(LIFECYCLE_EVENTS.length);
  });

  it('envelope schema version is 1', () => {
    expect(ENVELOPE_SCHEMA_VERSION).toBe('1');
  });
});

import {
  RecordedEvent,
  RecordedExecution,
  RecordOption,
  RunRecord,
} from '../../lib/runtime/record';

const at = (seconds: number, ms = 0) =>
  new Date(Date.UTC(2026, 0, 1, 12, 0, seconds, ms)).toISOString();

function addEvent(
  record: RunRecord,
  fields: Partial<RecordedEvent> & { source: string; detailType: string },
): RecordedEvent {
  const event: RecordedEvent = {
    order: record.nextOrder(),
    id: `e-${record.allEvents.length + 1}`,
    time: at(0),
    bus: 'DomainBus',
    detail: {},
    publishedBy: 'test',
    matchedRules: [],
    ...fields,
  };
  record.allEvents.push(event);
  return event;
}

function addExecution(
  record: RunRecord,
  fields: Partial<RecordedExecution> & { executionArn: string; stateMachine: string },
): RecordedExecution {
  const execution: RecordedExecution = {
    input: {},
    startedAt: at(0),
    startOrder: record.nextOrder(),
    startedBy: 'direct',
    status: 'RUNNING',
    transitions: [],
    ...fields,
  };
  record.allExecutions.push(execution);
  return execution;
}

const flowDetail = (correlationId: string) => ({ metadata: { correlationId }, data: {} });

/** Two flows: c-1 places and pays an order, c-2 places one whose payment fails. */
function sampleRecord(option?: RecordOption) {
  const record = new RunRecord(option);
  const orders1 = addExecution(record, {
    executionArn: 'arn:exec:orders:1',
    stateMachine: 'OrdersWorkflow',
    contextName: 'orders',
    input: { metadata: { correlationId: 'c-1' } },
    startedAt: at(0),
  });
  addEvent(record, {
    source: 'shop.orders',
    detailType: 'OrderPlaced',
    time: at(1),
    detail: flowDetail('c-1'),
    matchedRules: ['PaymentsRule'],
  });
  const payments1 = addExecution(record, {
    executionArn: 'arn:exec:payments:1',
    stateMachine: 'PaymentsWorkflow',
    contextName: 'payments',
    input: {
      metadata: { correlationId: 'c-1' },
      trigger: { source: 'shop.orders', detailType: 'OrderPlaced' },
    },
    startedAt: at(1),
    startedBy: 'PaymentsRule',
  });
  addEvent(record, {
    source: 'shop.payments',
    detailType: 'PaymentTaken',
    time: at(2),
    detail: flowDetail('c-1'),
    matchedRules: ['OrdersPaidRule'],
  });
  payments1.status = 'SUCCEEDED';
  payments1.stoppedAt = at(2);
  payments1.stopOrder = record.nextOrder();
  orders1.status = 'SUCCEEDED';
  orders1.stoppedAt = at(3);
  orders1.stopOrder = record.nextOrder();

  const orders2 = addExecution(record, {
    executionArn: 'arn:exec:orders:2',
    stateMachine: 'OrdersWorkflow',
    contextName: 'orders',
    input: { metadata: { correlationId: 'c-2' } },
    startedAt: at(4),
  });
  addEvent(record, {
    source: 'shop.orders',
    detailType: 'OrderPlaced',
    time: at(5),
    detail: flowDetail('c-2'),
    matchedRules: ['PaymentsRule'],
  });
  record.deadLetters.push({
    order: record.nextOrder(),
    queue: 'arn:aws:sqs:us-east-1:123456789012:payments-dlq',
    rule: 'PaymentsRule',
    target: 'arn:aws:states:us-east-1:123456789012:stateMachine:PaymentsWorkflow',
    reason: 'States.ServiceUnavailable: down',
    event: { detail: flowDetail('c-2') },
    at: at(5),
  });
  orders2.status = 'FAILED';
  orders2.error = 'PaymentFailed';
  orders2.cause = 'no payment within 10 minutes';
  orders2.stoppedAt = at(6);
  orders2.stopOrder = record.nextOrder();
  record.ruleTargets.set('PaymentsRule', 'payments');
  record.ruleTargets.set('OrdersPaidRule', 'orders');
  record.awaitRules.add('OrdersPaidRule');
  return record;
}

describe('RunRecord', () => {
  it('hands out recording order numbers in sequence', () => {
    const record = new RunRecord();
    expect([record.nextOrder(), record.nextOrder(), record.nextOrder()]).toEqual([0, 1, 2]);
  });

  describe('queries', () => {
    const record = sampleRecord();

    it.each([
      {
        name: 'every event',
        detailType: undefined,
        correlationId: undefined,
        ids: ['e-1', 'e-2', 'e-3'],
      },
      {
        name: 'by detail-type',
        detailType: 'OrderPlaced',
        correlationId: undefined,
        ids: ['e-1', 'e-3'],
      },
      {
        name: 'by detail-type and correlation id',
        detailType: 'OrderPlaced',
        correlationId: 'c-2',
        ids: ['e-3'],
      },
      {
        name: 'by correlation id only',
        detailType: undefined,
        correlationId: 'c-1',
        ids: ['e-1', 'e-2'],
      },
      {
        name: 'none for an unknown detail-type',
        detailType: 'Nope',
        correlationId: undefined,
        ids: [],
      },
    ])('events(): $name', ({ detailType, correlationId, ids }) => {
      expect(record.events(detailType, correlationId).map((e) => e.id)).toEqual(ids);
    });

    it('events() skips events without metadata when filtering by correlation id', () => {
      const r = new RunRecord();
      addEvent(r, { source: 's.x', detailType: 'X', detail: undefined as any });
      addEvent(r, { source: 's.x', detailType: 'X', detail: { data: 1 } });
      expect(r.events('X')).toHaveLength(2);
      expect(r.events('X', 'c-1')).toEqual([]);
    });

    it.each([
      {
        name: 'every execution',
        filter: undefined,
        arns: ['arn:exec:orders:1', 'arn:exec:payments:1', 'arn:exec:orders:2'],
      },
      {
        name: 'by context name',
        filter: 'orders',
        arns: ['arn:exec:orders:1', 'arn:exec:orders:2'],
      },
      { name: 'by state machine', filter: 'PaymentsWorkflow', arns: ['arn:exec:payments:1'] },
      { name: 'none for an unknown name', filter: 'shipping', arns: [] },
    ])('executions(): $name', ({ filter, arns }) => {
      expect(record.executions(filter).map((e) => e.executionArn)).toEqual(arns);
    });

    it.each([
      { arn: 'arn:exec:payments:1', status: 'SUCCEEDED' },
      { arn: 'arn:exec:orders:2', status: 'FAILED' },
      { arn: 'arn:exec:unknown', status: undefined },
    ])('execution($arn)', ({ arn, status }) => {
      expect(record.execution(arn)?.status).toBe(status);
    });

    it.each([
      {
        correlationId: 'c-1',
        events: ['e-1', 'e-2'],
        executions: ['arn:exec:orders:1', 'arn:exec:payments:1'],
      },
      { correlationId: 'c-2', events: ['e-3'], executions: ['arn:exec:orders:2'] },
      { correlationId: 'c-3', events: [], executions: [] },
    ])('flow($correlationId)', ({ correlationId, events, executions }) => {
      const flow = record.flow(correlationId);
      expect(flow.events.map((e) => e.id)).toEqual(events);
      expect(flow.executions.map((e) => e.executionArn)).toEqual(executions);
    });

    it('addInvocation() keeps and returns the invocation', () => {
      const r = new RunRecord();
      const invocation = r.addInvocation({
        functionId: 'OrdersFn',
        at: at(0),
        input: { a: 1 },
        logs: [],
      });
      invocation.output = { ok: true };
      expect(r.invocations).toEqual([
        { functionId: 'OrdersFn', at: at(0), input: { a: 1 }, logs: [], output: { ok: true } },
      ]);
    });
  });

  describe('timeline()', () => {
    it('lists starts, events with their rules, dead letters and stops in time order', () => {
      expect(sampleRecord().timeline().split('\n')).toEqual([
        '12:00:00.000  ▶ orders workflow started (direct)',
        '12:00:01.000    ◆ shop.orders OrderPlaced → payments',
        '12:00:01.000  ▶ payments workflow started (on shop.orders OrderPlaced)',
        '12:00:02.000    ◆ shop.payments PaymentTaken → orders (await)',
        '12:00:02.000  ■ payments workflow SUCCEEDED',
        '12:00:03.000  ■ orders workflow SUCCEEDED',
        '12:00:04.000  ▶ orders workflow started (direct)',
        '12:00:05.000    ◆ shop.orders OrderPlaced → payments',
        '12:00:05.000    ✖ dead letter in arn:aws:sqs:us-east-1:123456789012:payments-dlq: States.ServiceUnavailable: down',
        '12:00:06.000  ■ orders workflow FAILED PaymentFailed: no payment within 10 minutes',
      ]);
    });

    it('orders by time first, then by recording order', () => {
      const record = new RunRecord();
      // Recorded first but later in time.
      addEvent(record, { source: 's.late', detailType: 'Late', time: at(9) });
      addEvent(record, { source: 's.b', detailType: 'Second', time: at(1) });
      addEvent(record, { source: 's.a', detailType: 'Third', time: at(1) });
      addEvent(record, { source: 's.early', detailType: 'Early', time: at(0, 500) });
      expect(record.timeline().split('\n')).toEqual([
        '12:00:00.500    ◆ s.early Early',
        '12:00:01.000    ◆ s.b Second',
        '12:00:01.000    ◆ s.a Third',
        '12:00:09.000    ◆ s.late Late',
      ]);
    });

    it.each([
      { name: 'no matched rule', rules: [], line: '◆ shop.orders OrderPlaced' },
      {
        name: 'a rule with no known target',
        rules: ['UnknownRule'],
        line: '◆ shop.orders OrderPlaced',
      },
      {
        name: 'a rule with a target context',
        rules: ['PaymentsRule'],
        line: '◆ shop.orders OrderPlaced → payments',
      },
      {
        name: 'several rules, one feeding an await',
        rules: ['PaymentsRule', 'UnknownRule', 'KitchenAwaitRule'],
        line: '◆ shop.orders OrderPlaced → payments, kitchen (await)',
      },
    ])('names the contexts an event went to: $name', ({ rules, line }) => {
      const record = new RunRecord();
      record.ruleTargets.set('PaymentsRule', 'payments');
      record.ruleTargets.set('KitchenAwaitRule', 'kitchen');
      record.awaitRules.add('KitchenAwaitRule');
      addEvent(record, { source: 'shop.orders', detailType: 'OrderPlaced', matchedRules: rules });
      expect(record.timeline()).toBe(`12:00:00.000    ${line}`);
    });

    it.each([
      {
        name: 'the trigger of its input',
        input: { trigger: { source: 's.a', detailType: 'A' } },
        by: 'on s.a A',
      },
      { name: 'startedBy without a trigger', input: { data: 1 }, by: 'SomeRule' },
      {
        name: 'startedBy when the trigger has no detail-type',
        input: { trigger: { source: 's.a' } },
        by: 'SomeRule',
      },
      { name: 'startedBy without an input', input: undefined, by: 'SomeRule' },
    ])('says what started a workflow: $name', ({ input, by }) => {
      const record = new RunRecord();
      addExecution(record, {
        executionArn: 'arn:1',
        stateMachine: 'Sm',
        input,
        startedBy: 'SomeRule',
      });
      expect(record.timeline()).toBe(`12:00:00.000  ▶ Sm workflow started (${by})`);
    });

    it('writes an error without a cause, and no detail for a running execution', () => {
      const record = new RunRecord();
      const stopped = addExecution(record, {
        executionArn: 'arn:1',
        stateMachine: 'ShippingWorkflow',
        startedAt: at(0),
      });
      stopped.status = 'TIMED_OUT';
      stopped.error = 'States.Timeout';
      stopped.stoppedAt = at(1);
      stopped.stopOrder = record.nextOrder();
      addExecution(record, { executionArn: 'arn:2', stateMachine: 'Other', startedAt: at(2) });
      expect(record.timeline().split('\n')).toEqual([
        '12:00:00.000  ▶ ShippingWorkflow workflow started (direct)',
        '12:00:01.000  ■ ShippingWorkflow workflow TIMED_OUT States.Timeout',
        '12:00:02.000  ▶ Other workflow started (direct)',
      ]);
    });

    it('keeps only one flow when given a correlation id', () => {
      // Dead letters are left out here: see the failing test below.
      const lines = sampleRecord()
        .timeline('c-1')
        .split('\n')
        .filter((l) => !l.includes('✖'));
      expect(lines).toEqual([
        '12:00:00.000  ▶ orders workflow started (direct)',
        '12:00:01.000    ◆ shop.orders OrderPlaced → payments',
        '12:00:01.000  ▶ payments workflow started (on shop.orders OrderPlaced)',
        '12:00:02.000    ◆ shop.payments PaymentTaken → orders (await)',
        '12:00:02.000  ■ payments workflow SUCCEEDED',
        '12:00:03.000  ■ orders workflow SUCCEEDED',
      ]);
    });

    // Reported bug: timeline(correlationId) lists every dead letter, not just the flow's.
    it('leaves out dead letters of other flows when given a correlation id', () => {
      expect(sampleRecord().timeline('c-1')).not.toContain('dead letter');
    });

    it('is empty for an empty record', () => {
      expect(new RunRecord().timeline()).toBe('');
    });
  });

  describe('toMermaid()', () => {
    function diagramRecord() {
      const record = sampleRecord();
      addEvent(record, {
        source: 'shop.orders',
        detailType: 'WorkflowStarted',
        matchedRules: ['PaymentsRule'],
      });
      addEvent(record, { source: 'shop.orders', detailType: 'WorkflowSucceeded' });
      return record;
    }

    it('draws participants and an arrow per event and per rule target', () => {
      const diagram = diagramRecord().toMermaid();
      const lines = diagram.trimEnd().split('\n');
      expect(diagram.endsWith('\n')).toBe(true);
      expect(lines[0]).toBe('sequenceDiagram');
      expect(lines.filter((l) => l.startsWith('  participant ')).sort()).toEqual([
        '  participant Bus as Domain event bus',
        '  participant orders as orders',
        '  participant payments as payments',
      ]);
      expect(lines.filter((l) => l.includes('>>'))).toEqual([
        '  orders->>Bus: OrderPlaced',
        '  Bus-->>payments: OrderPlaced',
        '  payments->>Bus: PaymentTaken',
        '  Bus-->>orders: PaymentTaken',
        '  orders->>Bus: OrderPlaced',
        '  Bus-->>payments: OrderPlaced',
      ]);
    });

    it('declares every participant before the first arrow', () => {
      const lines = diagramRecord().toMermaid().split('\n');
      const lastParticipant = Math.max(
        ...lines.map((l, i) => (l.startsWith('  participant ') ? i : -1)),
      );
      const firstArrow = lines.findIndex((l) => l.includes('>>'));
      expect(lastParticipant).toBeLessThan(firstArrow);
    });

    it('leaves out WorkflowStarted and WorkflowSucceeded', () => {
      expect(diagramRecord().toMermaid()).not.toMatch(/Workflow(Started|Succeeded)/);
    });

    it('draws no arrow from the bus for a rule without a known target', () => {
      const record = new RunRecord();
      addEvent(record, {
        source: 'shop.orders',
        detailType: 'OrderPlaced',
        matchedRules: ['UnknownRule'],
      });
      const arrows = record
        .toMermaid()
        .split('\n')
        .filter((l) => l.includes('>>'));
      expect(arrows).toEqual(['  orders->>Bus: OrderPlaced']);
    });

    it('keeps only one flow when given a correlation id', () => {
      const record = diagramRecord();
      const arrows = record
        .toMermaid('c-1')
        .split('\n')
        .filter((l) => l.includes('>>'));
      expect(arrows).toEqual([
        '  orders->>Bus: OrderPlaced',
        '  Bus-->>payments: OrderPlaced',
        '  payments->>Bus: PaymentTaken',
        '  Bus-->>orders: PaymentTaken',
      ]);
    });

    it.each([
      { source: 'shop.orders', id: 'orders', label: 'orders' },
      { source: 'orders', id: 'orders', label: 'orders' },
      { source: 'acme.food-delivery', id: 'food_delivery', label: 'food-delivery' },
      { source: 'acme.eu.kitchen', id: 'eu_kitchen', label: 'eu.kitchen' },
    ])('names the participant of source $source', ({ source, id, label }) => {
      const record = new RunRecord();
      addEvent(record, { source, detailType: 'Happened' });
      const diagram = record.toMermaid();
      expect(diagram).toContain(`  participant ${id} as ${label}\n`);
      expect(diagram).toContain(`  ${id}->>Bus: Happened\n`);
    });

    it('adds a participant for a context that only ran a workflow', () => {
      const record = new RunRecord();
      addExecution(record, { executionArn: 'arn:1', stateMachine: 'Sm', contextName: 'kitchen' });
      expect(record.toMermaid()).toBe(
        'sequenceDiagram\n  participant kitchen as kitchen\n  participant Bus as Domain event bus\n',
      );
    });
  });
});

describe('a bounded record', () => {
  /** The sample (c-1 succeeded, c-2 failed with a dead letter), c-3 still running, and invocations. */
  function longRun(option?: RecordOption): RunRecord {
    const record = sampleRecord(option);
    addExecution(record, {
      executionArn: 'arn:exec:orders:3',
      stateMachine: 'OrdersWorkflow',
      contextName: 'orders',
      input: { metadata: { correlationId: 'c-3' } },
    });
    addEvent(record, {
      source: 'shop.orders',
      detailType: 'OrderPlaced',
      detail: flowDetail('c-3'),
    });
    const invoke = (functionId: string, input: unknown, error?: string) =>
      record.addInvocation({
        functionId,
        at: at(0),
        input,
        logs: ['a log line'],
        error: error ? { name: error, message: 'no' } : undefined,
      });
    invoke('PlaceOrder', { metadata: { correlationId: 'c-1' }, data: {} });
    invoke('Resumer', { detail: { metadata: { correlationId: 'c-2' } } }, 'PaymentFailed');
    invoke('Audit', {});
    return record;
  }

  const kept = (record: RunRecord) => ({
    executions: record.allExecutions.map((e) => e.executionArn),
    events: record.allEvents.map((e) => e.id),
    invocations: record.invocations.map((i) => i.functionId),
    deadLetters: record.deadLetters.length,
  });

  it('keeps everything by default', () => {
    const record = longRun();
    const before = kept(record);
    record.compact();

    expect(kept(record)).toEqual(before);
    expect(before.executions).toHaveLength(4);
  });

  it.each<[string, RecordOption]>([
    ['summary', 'summary'],
    ["{ keep: 'failed' }", { keep: 'failed' }],
  ])('with %s keeps in full the flows that failed and those still running', (_, option) => {
    const record = longRun(option);
    record.compact();

    expect(kept(record)).toEqual({
      executions: ['arn:exec:orders:2', 'arn:exec:orders:3'],
      events: ['e-3', 'e-4'],
      invocations: ['Resumer'],
      deadLetters: 1,
    });
  });

  it("with { keep: 'none' } keeps the flows still running and the dead letters", () => {
    const record = longRun({ keep: 'none' });
    record.compact();

    expect(kept(record)).toEqual({
      executions: ['arn:exec:orders:3'],
      events: ['e-4'],
      invocations: [],
      deadLetters: 1,
    });
  });

  it('keeps the flows that a predicate picks, and tells it what each flow did', () => {
    const seen: [string, boolean, number, number][] = [];
    const record = longRun({
      keep: (flow) => {
        seen.push([flow.correlationId, flow.failed, flow.executions.length, flow.events.length]);
        return flow.correlationId === 'c-1';
      },
    });
    record.compact();

    expect(seen).toEqual([
      ['c-1', false, 2, 2],
      ['c-2', true, 1, 1],
    ]);
    expect(kept(record)).toEqual({
      executions: ['arn:exec:orders:1', 'arn:exec:payments:1', 'arn:exec:orders:3'],
      events: ['e-1', 'e-2', 'e-4'],
      invocations: ['PlaceOrder'],
      deadLetters: 1,
    });
  });

  it('counts the whole run in its summary, dropped flows included', () => {
    const record = longRun({ keep: 'none' });
    const counts = {
      executions: { total: 4, RUNNING: 1, SUCCEEDED: 2, FAILED: 1, TIMED_OUT: 0, ABORTED: 0 },
      events: { total: 4, byType: { OrderPlaced: 3, PaymentTaken: 1 } },
      invocations: { total: 3, failed: 1 },
      deadLetters: 1,
      warnings: 0,
    };
    expect(record.summary()).toEqual({ ...counts, flows: { kept: 0, dropped: 0 } });

    record.compact();
    expect(record.summary()).toEqual({ ...counts, flows: { kept: 0, dropped: 2 } });
    record.compact(); // judging again counts nothing twice
    expect(record.summary()).toEqual({ ...counts, flows: { kept: 0, dropped: 2 } });
  });

  it('still knows the event types it dropped when asked for them', () => {
    const record = longRun('summary');
    record.knownEvents = new Set(['OrderPlaced']);
    record.compact();

    expect(record.events('PaymentTaken')).toEqual([]);
    expect(() => record.events('PaymentTakn')).toThrow(/Did you mean 'PaymentTaken'\?/);
  });
});

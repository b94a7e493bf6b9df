import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  HistoryEvent,
  ListExecutionsCommand,
} from '@aws-sdk/client-sfn';
import { flowQuery } from '../../lib/ops/trace';
import {
  AUDIT_LOG,
  cli,
  deployedApp,
  event,
  exe,
  mocks,
  ORDERS_SM,
  RESTAURANTS_SM,
} from './fixtures';

const ORDERS_EXE = exe('OrdersWorkflow1A2B3C', 'a1');
const RESTAURANTS_EXE = exe('RestaurantsWorkflow4D5E6F', 'b2');
const BAD_EXE = exe('RestaurantsWorkflow4D5E6F', 'b3');
const OTHER_EXE = exe('OrdersWorkflow1A2B3C', 'other');
const OLD_EXE = exe('OrdersWorkflow1A2B3C', 'old');

const EVENTS = [
  event('WorkflowStarted', 'food.orders', '2026-12-01T08:00:00.100Z', {
    id: 'ev-1',
    executionArn: ORDERS_EXE,
  }),
  event('OrderPlaced', 'food.orders', '2026-12-01T08:00:00.200Z', {
    id: 'ev-2',
    executionArn: ORDERS_EXE,
  }),
  event('OrderAccepted', 'food.restaurants', '2026-12-01T08:00:02.000Z', {
    id: 'ev-3',
    executionArn: RESTAURANTS_EXE,
  }),
];

/** A Logs Insights row: field/value pairs (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_ResultField.html). */
const row = (e: Record<string, any>) => [
  { field: '@timestamp', value: e.detail.metadata.occurredAt.replace('T', ' ').replace('Z', '') },
  { field: '@message', value: JSON.stringify(e) },
  { field: '@ptr', value: `ptr-${e.id}` },
];

const at = (iso: string) => new Date(iso);
const started = (id: number, time: string, input: unknown): HistoryEvent => ({
  id,
  type: 'ExecutionStarted',
  timestamp: at(time),
  executionStartedEventDetails: {
    input: JSON.stringify(input),
    roleArn: 'arn:aws:iam::123456789012:role/R',
  },
});
const entered = (
  id: number,
  time: string,
  name: string,
  type = 'PassStateEntered',
): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  type: type as HistoryEvent['type'],
  timestamp: at(time),
  stateEnteredEventDetails: { name, input: '{}' },
});
const exited = (id: number, time: string, name: string): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  type: 'PassStateExited',
  timestamp: at(time),
  stateExitedEventDetails: { name, output: '{}' },
});
const succeeded = (id: number, time: string): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  type: 'ExecutionSucceeded',
  timestamp: at(time),
  executionSucceededEventDetails: { output: '{"ok":true}' },
});

const ORDER_INPUT = { metadata: { correlationId: 'c-1' }, data: { orderId: 'o-1' } };
const TRIGGERED_INPUT = {
  metadata: { correlationId: 'c-1', causationId: 'ev-2-e' },
  data: { orderId: 'o-1' },
  trigger: { source: 'food.orders', detailType: 'OrderPlaced', eventId: 'ev-2-e' },
};

/** GetExecutionHistory pages (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html). */
const HISTORIES: Record<string, HistoryEvent[][]> = {
  [ORDERS_EXE]: [
    [
      started(1, '2026-12-01T08:00:00.000Z', ORDER_INPUT),
      entered(2, '2026-12-01T08:00:00.050Z', 'Envelope'),
    ],
    [exited(3, '2026-12-01T08:00:00.060Z', 'Envelope'), succeeded(4, '2026-12-01T08:00:03.000Z')],
  ],
  [RESTAURANTS_EXE]: [
    [
      started(1, '2026-12-01T08:00:01.000Z', TRIGGERED_INPUT),
      succeeded(2, '2026-12-01T08:00:02.500Z'),
    ],
  ],
  [BAD_EXE]: [
    [
      started(1, '2026-12-01T08:00:05.000Z', { metadata: { correlationId: 'c-1' }, data: {} }),
      {
        id: 2,
        previousEventId: 1,
        type: 'ExecutionFailed',
        timestamp: at('2026-12-01T08:00:05.010Z'),
        executionFailedEventDetails: { error: 'States.Runtime', cause: 'bad path' },
      },
    ],
  ],
};

function auditLog(pages: Record<string, any>[][], statuses = ['Scheduled', 'Running']) {
  mocks.logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
  let polls = 0;
  mocks.logs
    .on(GetQueryResultsCommand)
    .callsFake((input: { nextToken?: string; maxItems?: number }) => {
      // Scheduled and Running answers come first, with partial results, then Complete.
      if (!input.nextToken && polls < statuses.length)
        return { status: statuses[polls++], results: [], statistics: { recordsMatched: 0 } };
      const page = input.nextToken ? Number(input.nextToken.slice(1)) : 0;
      return {
        status: 'Complete',
        results: pages[page].map(row),
        statistics: { recordsMatched: 3, recordsScanned: 120, bytesScanned: 48000 },
        nextToken: page + 1 < pages.length ? `p${page + 1}` : undefined,
      };
    });
}

function executions() {
  mocks.sfn
    .on(GetExecutionHistoryCommand)
    .callsFake((input: { executionArn: string; nextToken?: string }) => {
      const pages = HISTORIES[input.executionArn];
      const page = input.nextToken ? Number(input.nextToken) : 0;
      return {
        events: pages[page],
        nextToken: page + 1 < pages.length ? String(page + 1) : undefined,
      };
    });
  // ListExecutions answers newest first (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html).
  const listed = (arn: string, machine: string, start: string) => ({
    executionArn: arn,
    stateMachineArn: machine,
    name: arn.split(':').pop()!,
    status: 'FAILED' as const,
    startDate: at(start),
    stopDate: at(start),
  });
  mocks.sfn
    .on(ListExecutionsCommand)
    .callsFake((input: { stateMachineArn: string; statusFilter: string; nextToken?: string }) => {
      if (input.statusFilter !== 'FAILED') return { executions: [] };
      if (input.stateMachineArn === RESTAURANTS_SM)
        return { executions: [listed(BAD_EXE, RESTAURANTS_SM, '2026-12-01T08:00:05.000Z')] };
      if (!input.nextToken)
        return {
          executions: [listed(OTHER_EXE, ORDERS_SM, '2026-12-01T08:30:00.000Z')],
          nextToken: 'older',
        };
      return {
        executions: [listed(OLD_EXE, ORDERS_SM, '2026-11-30T08:00:00.000Z')],
        nextToken: 'even-older',
      };
    });
  mocks.sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => ({
    executionArn: input.executionArn,
    status: 'FAILED',
    startDate: at('2026-12-01T08:00:05.000Z'),
    input: JSON.stringify({
      metadata: { correlationId: input.executionArn === BAD_EXE ? 'c-1' : 'c-2' },
    }),
  }));
}

const TIMELINE = [
  '08:00:00.000  ▶ orders workflow started (direct)',
  '08:00:00.100    ◆ food.orders WorkflowStarted',
  '08:00:00.200    ◆ food.orders OrderPlaced → restaurants',
  '08:00:01.000  ▶ restaurants workflow started (on food.orders OrderPlaced)',
  '08:00:02.000    ◆ food.restaurants OrderAccepted → orders (await)',
  '08:00:02.500  ■ restaurants workflow SUCCEEDED',
  '08:00:03.000  ■ orders workflow SUCCEEDED',
  '08:00:05.000  ▶ restaurants workflow started (direct)',
  '08:00:05.010  ■ restaurants workflow FAILED States.Runtime: bad path',
].join('\n');

describe('cdk-ensemble trace', () => {
  beforeEach(() => {
    deployedApp();
    auditLog([EVENTS.slice(0, 2), EVENTS.slice(2)]);
    executions();
  });

  it('prints the timeline of the local runtime from the audit log and the execution histories', async () => {
    const { code, out, err, sleeps } = await cli([
      'trace',
      'c-1',
      '--stack',
      'FoodDelivery',
      '--since',
      '3h',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe(`${TIMELINE}\n\n3 executions (1 failed, 0 still running), 3 events`);
    // Polled twice while Scheduled and Running.
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('queries the audit log over the window, then reads every results page with nextToken', async () => {
    await cli(['trace', 'c-1', '--stack', 'FoodDelivery', '--since', '3h']);
    const start = mocks.logs.commandCalls(StartQueryCommand)[0].args[0].input;
    expect(start).toMatchObject({
      logGroupName: AUDIT_LOG,
      startTime: Date.parse('2026-12-01T06:00:00Z') / 1000,
      endTime: Date.parse('2026-12-01T09:00:00Z') / 1000,
      limit: 100000,
    });
    expect(start.queryString).toContain('filter detail.metadata.correlationId = "c-1"');
    const reads = mocks.logs.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    expect(reads.at(-1)).toEqual({ queryId: 'q-1', nextToken: 'p1', maxItems: 2 });
  });

  it('reads every page of an execution history', async () => {
    await cli(['trace', 'c-1', '--stack', 'FoodDelivery']);
    const calls = mocks.sfn
      .commandCalls(GetExecutionHistoryCommand)
      .filter((c) => c.args[0].input.executionArn === ORDERS_EXE)
      .map((c) => c.args[0].input.nextToken);
    expect(calls).toEqual([undefined, '1']);
  });

  it('scans failed executions only back to --since, reading the input of each candidate', async () => {
    await cli(['trace', 'c-1', '--stack', 'FoodDelivery', '--since', '3h']);
    const described = mocks.sfn
      .commandCalls(DescribeExecutionCommand)
      .map((c) => c.args[0].input.executionArn);
    expect(described.sort()).toEqual([BAD_EXE, OTHER_EXE].sort());
    const orderPages = mocks.sfn
      .commandCalls(ListExecutionsCommand)
      .filter(
        (c) =>
          c.args[0].input.stateMachineArn === ORDERS_SM &&
          c.args[0].input.statusFilter === 'FAILED',
      );
    // The second page starts before the window: no third page is asked for.
    expect(orderPages.map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'older']);
  });

  it('writes the Mermaid diagram of the local runtime with --diagram', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'flow.mmd');
    await cli(['trace', 'c-1', '--stack', 'FoodDelivery', '--diagram', file]);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        'sequenceDiagram',
        '  participant orders as orders',
        '  participant restaurants as restaurants',
        '  participant Bus as Domain event bus',
        '  orders->>Bus: OrderPlaced',
        '  Bus-->>restaurants: OrderPlaced',
        '  restaurants->>Bus: OrderAccepted',
        '  Bus-->>orders: OrderAccepted',
        '',
      ].join('\n'),
    );
  });

  it('prints events and executions as JSON with --json', async () => {
    const { code, out } = await cli(['trace', 'c-1', '--stack', 'FoodDelivery', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.correlationId).toBe('c-1');
    expect(json.events.map((e: { detailType: string }) => e.detailType)).toEqual([
      'WorkflowStarted',
      'OrderPlaced',
      'OrderAccepted',
    ]);
    expect(json.executions.map((e: { status: string }) => e.status).sort()).toEqual([
      'FAILED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    expect(
      json.executions.find((e: { executionArn: string }) => e.executionArn === ORDERS_EXE)
        .transitions,
    ).toEqual([
      { state: 'Envelope', type: 'Pass', at: '2026-12-01T08:00:00.050Z', event: 'entered' },
      { state: 'Envelope', type: 'Pass', at: '2026-12-01T08:00:00.060Z', event: 'exited' },
    ]);
  });

  it('says so, with exit code 1, when the flow is not found', async () => {
    deployedApp();
    auditLog([[]], []);
    mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const { code, out } = await cli(['trace', 'c-9', '--stack', 'FoodDelivery']);
    expect(code).toBe(1);
    expect(out).toContain(
      `no event or execution of flow c-9 since 2026-12-01T07:00:00.000Z (searched ${AUDIT_LOG}`,
    );
  });

  it('fails when the query does not complete', async () => {
    deployedApp();
    auditLog([[]], ['Running', 'Timeout']);
    const { code, err } = await cli(['trace', 'c-1', '--stack', 'FoodDelivery']);
    expect(code).toBe(1);
    expect(err).toContain('ended Timeout');
  });

  // Step Functions keeps no history of Express executions: ListExecutions and
  // GetExecutionHistory refuse EXPRESS state machines.
  // @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
  // @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
  it('shows the events of an Express workflow, names its executions and asks for no history of them', async () => {
    const expressExe =
      'arn:aws:states:us-east-1:123456789012:express:RestaurantsWorkflow4D5E6F:b2:0b7c4d7e-1111-2222-3333-444455556666';
    deployedApp();
    auditLog([
      [
        ...EVENTS.slice(0, 2),
        event('OrderAccepted', 'food.restaurants', '2026-12-01T08:00:02.000Z', {
          id: 'ev-3',
          executionArn: expressExe,
        }),
      ],
    ]);
    executions();
    mocks.sfn.on(ListExecutionsCommand, { stateMachineArn: RESTAURANTS_SM }).rejects(
      Object.assign(new Error('This operation is not supported by this type of state machine'), {
        name: 'StateMachineTypeNotSupported',
      }),
    );
    const { code, out, err } = await cli(['trace', 'c-1', '--stack', 'FoodDelivery']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('◆ food.restaurants OrderAccepted');
    expect(out).toContain(
      `1 Express executions not shown: Step Functions keeps no history of them; read their workflow's log group (${expressExe})`,
    );
    const histories = mocks.sfn
      .commandCalls(GetExecutionHistoryCommand)
      .map((c) => c.args[0].input.executionArn);
    expect(histories).not.toContain(expressExe);
  });

  it('quotes the correlation id in the query', () => {
    expect(flowQuery('a"b\\c')).toContain('correlationId = "a\\"b\\\\c"');
  });
});

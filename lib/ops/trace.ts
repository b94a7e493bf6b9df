import * as fs from 'node:fs';
import { GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeExecutionCommand,
  ExecutionStatus,
  GetExecutionHistoryCommand,
  HistoryEvent,
  ListExecutionsCommand,
} from '@aws-sdk/client-sfn';
import { matchesEventPattern } from '../runtime/event-pattern';
import { RecordedEvent, RecordedExecution, RecordedTransition, RunRecord } from '../runtime/record';
import { OpsClients, Sleep } from './clients';
import { BusRule, busRules, DeployedApp, DeployedContext, requireBus } from './discovery';
import { OpsSetupError, setupProblem } from './errors';
import { DeliveredEvent } from './event';

/** Options of `cdk-ensemble trace`. */
export interface TraceOptions {
  readonly correlationId: string;
  /** How far back to look, in milliseconds. */
  readonly sinceMs: number;
  readonly diagram?: string;
  readonly json: boolean;
}

/** What `trace` needs besides its options. */
export interface TraceDeps {
  readonly clients: OpsClients;
  readonly out: (line: string) => void;
  readonly sleep: Sleep;
  readonly now: () => Date;
  /** Rows per GetQueryResults page. @default 1000 */
  readonly pageSize?: number;
}

/**
 * Logs Insights returns at most 10,000 rows a GetQueryResults call and up to
 * 100,000 a query, paged with nextToken once the query is Complete.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html
 */
const QUERY_LIMIT = 100_000;
const POLL_MS = 1000;

/**
 * Trace one business flow of a deployed app: its events from the bus's audit
 * log and its executions with their states, as the same {@link RunRecord}
 * the local runtime fills, so the timeline and the diagram read the same.
 * Returns the exit code: 0 when the flow was found, 1 when nothing was.
 */
export async function trace(
  app: DeployedApp,
  options: TraceOptions,
  deps: TraceDeps,
): Promise<number> {
  const bus = requireBus(app);
  if (!bus.auditLogGroupName)
    throw new OpsSetupError(
      `stack ${bus.stack} has no audit log output for the bus of ${bus.app}: redeploy it with this version of cdk-ensemble, which adds the output`,
    );
  const since = new Date(deps.now().getTime() - options.sinceMs);
  const rules = await busRules(deps.clients, bus.name, app.contexts);
  const events = await flowEvents(bus.auditLogGroupName, options.correlationId, since, deps);
  const arns = new Set<string>();
  for (const e of events)
    if (e.detail?.metadata?.executionArn) arns.add(e.detail.metadata.executionArn);
  // An execution that failed before it published anything is not in the audit log.
  for (const context of app.contexts)
    for (const arn of await failedExecutions(context, options.correlationId, since, deps))
      arns.add(arn);
  const executions: RecordedExecution[] = [];
  // Step Functions keeps no history of Express executions (GetExecutionHistory refuses them):
  // their events are in the audit log, their states only in their workflow's log group.
  // @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
  const express = [...arns].filter((arn) => arn.split(':')[5] === 'express');
  for (const arn of arns)
    if (!express.includes(arn)) executions.push(await execution(arn, app.contexts, deps));
  const record = buildRecord(bus.name, events, executions, rules);
  if (events.length === 0 && executions.length === 0) {
    deps.out(
      `no event or execution of flow ${options.correlationId} since ${since.toISOString()} (searched ${bus.auditLogGroupName} and the failed executions of ${app.contexts.map((c) => c.name).join(', ') || 'no context'}); try a longer --since`,
    );
    return 1;
  }
  if (options.diagram) fs.writeFileSync(options.diagram, record.toMermaid(options.correlationId));
  if (options.json) {
    deps.out(
      JSON.stringify(
        { correlationId: options.correlationId, ...record.flow(options.correlationId) },
        null,
        2,
      ),
    );
  } else {
    deps.out(record.timeline(options.correlationId));
    const failed = executions.filter((e) => ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(e.status));
    deps.out(
      `\n${executions.length} executions (${failed.length} failed, ${executions.filter((e) => e.status === 'RUNNING').length} still running), ${events.length} events`,
    );
    if (express.length > 0)
      deps.out(
        `${express.length} Express executions not shown: Step Functions keeps no history of them; read their workflow's log group (${express.join(', ')})`,
      );
  }
  return 0;
}

/** A RunRecord holding what AWS answered, with each rule's context for the arrows. */
export function buildRecord(
  busName: string,
  events: DeliveredEvent[],
  executions: RecordedExecution[],
  rules: BusRule[],
): RunRecord {
  const record = new RunRecord();
  for (const rule of rules) {
    if (!rule.context) continue;
    record.ruleTargets.set(rule.name, rule.context);
    if (rule.await) record.awaitRules.add(rule.name);
  }
  const items: { at: string; add: (order: number) => void }[] = [];
  for (const event of events) {
    const time = iso(event.detail?.metadata?.occurredAt ?? event.time);
    items.push({
      at: time,
      add: (order) => record.allEvents.push(recordedEvent(busName, event, time, order, rules)),
    });
  }
  for (const e of executions) {
    items.push({
      at: e.startedAt,
      add: (order) => record.allExecutions.push({ ...e, startOrder: order }),
    });
  }
  // Orders follow time, as the local runtime's recording order does.
  items.sort((a, b) => a.at.localeCompare(b.at)).forEach((item) => item.add(record.nextOrder()));
  for (const e of record.allExecutions) if (e.stoppedAt) e.stopOrder = record.nextOrder();
  return record;
}

function recordedEvent(
  busName: string,
  event: DeliveredEvent,
  time: string,
  order: number,
  rules: BusRule[],
): RecordedEvent {
  const metadata = event.detail?.metadata ?? {};
  return {
    order,
    id: event.id ?? '',
    time,
    bus: busName,
    source: event.source ?? '',
    detailType: event['detail-type'] ?? '',
    detail: event.detail ?? {},
    publishedBy:
      [metadata.context, metadata.state].filter(Boolean).join('/') || (event.source ?? ''),
    matchedRules: rules.filter((r) => r.context && matches(r, event)).map((r) => r.name),
  };
}

function matches(rule: BusRule, event: Record<string, unknown>): boolean {
  if (!rule.eventPattern) return false;
  try {
    return matchesEventPattern(rule.eventPattern, event);
  } catch {
    // A pattern our matcher does not know is left out of the arrows, not fatal to the trace.
    return false;
  }
}

/**
 * The flow's events from the audit log: one Logs Insights query over the
 * window, polled until Complete, then read page by page with nextToken.
 * EventBridge writes each event whole as the log message, so Logs Insights
 * discovers `detail.metadata.correlationId` as a field.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html
 */
async function flowEvents(
  logGroup: string,
  correlationId: string,
  since: Date,
  deps: TraceDeps,
): Promise<DeliveredEvent[]> {
  let queryId: string;
  try {
    const started = await deps.clients.logs.send(
      new StartQueryCommand({
        logGroupName: logGroup,
        startTime: Math.floor(since.getTime() / 1000),
        endTime: Math.ceil(deps.now().getTime() / 1000),
        queryString: flowQuery(correlationId),
        limit: QUERY_LIMIT,
      }),
    );
    queryId = started.queryId!;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException')
      throw new OpsSetupError(
        `the audit log group ${logGroup} does not exist: redeploy the bus stack, or check that it was not deleted (aws logs describe-log-groups --log-group-name-prefix /aws/events/)`,
      );
    throw setupProblem(error);
  }
  let page = await deps.clients.logs.send(new GetQueryResultsCommand({ queryId }));
  while (page.status === 'Scheduled' || page.status === 'Running') {
    await deps.sleep(POLL_MS);
    page = await deps.clients.logs.send(new GetQueryResultsCommand({ queryId }));
  }
  if (page.status !== 'Complete')
    throw new Error(
      `the Logs Insights query on ${logGroup} ended ${page.status}; run trace again, or with a shorter --since`,
    );
  const rows = [...(page.results ?? [])];
  const maxItems = deps.pageSize ?? 1000;
  // Once Complete, the whole result is read in pages with nextToken.
  while (page.nextToken) {
    page = await deps.clients.logs.send(
      new GetQueryResultsCommand({ queryId, nextToken: page.nextToken, maxItems }),
    );
    rows.push(...(page.results ?? []));
  }
  const seen = new Set<string>();
  const events: DeliveredEvent[] = [];
  for (const row of rows) {
    const message = row.find((f) => f.field === '@message')?.value;
    if (!message) continue;
    const event = JSON.parse(message) as DeliveredEvent;
    // A replayed event is a second delivery of the same id; it is shown once.
    const key = `${event.id}/${event['replay-name'] ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    events.push(event);
  }
  return events;
}

/** The Logs Insights query for one flow; the id is quoted with its quotes and backslashes escaped. */
export function flowQuery(correlationId: string): string {
  const quoted = correlationId.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return [
    'fields @timestamp, @message',
    `| filter detail.metadata.correlationId = "${quoted}"`,
    '| sort @timestamp asc',
  ].join('\n');
}

/**
 * Executions of a context that ended badly in the window and belong to the
 * flow. ListExecutions returns the newest first, so paging stops at the
 * first one started before the window; each candidate's input is read with
 * DescribeExecution. Only failures are scanned: every execution that ran
 * its first state published WorkflowStarted, which the audit log holds.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
 */
async function failedExecutions(
  context: DeployedContext,
  correlationId: string,
  since: Date,
  deps: TraceDeps,
): Promise<string[]> {
  const found: string[] = [];
  for (const statusFilter of ['FAILED', 'TIMED_OUT', 'ABORTED'] as ExecutionStatus[]) {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await deps.clients.sfn.send(
          new ListExecutionsCommand({
            stateMachineArn: context.stateMachineArn,
            statusFilter,
            maxResults: 100,
            nextToken: token,
          }),
        );
      } catch (error) {
        // "This API action is not supported by EXPRESS state machines."
        // @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
        if ((error as Error).name === 'StateMachineTypeNotSupported') return found;
        throw error;
      }
      token = page.nextToken;
      for (const e of page.executions ?? []) {
        if (e.startDate && e.startDate < since) {
          token = undefined;
          break;
        }
        const described = await deps.clients.sfn.send(
          new DescribeExecutionCommand({ executionArn: e.executionArn }),
        );
        if (
          (parse(described.input) as { metadata?: { correlationId?: string } } | undefined)
            ?.metadata?.correlationId === correlationId
        )
          found.push(e.executionArn!);
      }
    } while (token);
  }
  return found;
}

/**
 * An execution with its states, from its whole history (GetExecutionHistory,
 * paged with nextToken, oldest first).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
async function execution(
  executionArn: string,
  contexts: DeployedContext[],
  deps: TraceDeps,
): Promise<RecordedExecution> {
  const history: HistoryEvent[] = [];
  let token: string | undefined;
  do {
    const page = await deps.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken: token }),
    );
    history.push(...(page.events ?? []));
    token = page.nextToken;
  } while (token);
  return fromHistory(executionArn, history, contexts);
}

/** A RecordedExecution from a Step Functions history. */
export function fromHistory(
  executionArn: string,
  history: HistoryEvent[],
  contexts: DeployedContext[],
): RecordedExecution {
  // arn:aws:states:<region>:<account>:execution:<state machine name>:<execution name>
  const machine = executionArn.split(':')[6];
  const context = contexts.find((c) => c.stateMachineArn.split(':')[6] === machine);
  const started = history.find((e) => e.type === 'ExecutionStarted');
  const result: RecordedExecution = {
    executionArn,
    stateMachine: context?.stateMachineArn ?? machine,
    contextName: context?.name,
    input: parse(started?.executionStartedEventDetails?.input),
    startedAt: iso(started?.timestamp ?? history[0]?.timestamp),
    startOrder: 0,
    startedBy: 'direct',
    status: 'RUNNING',
    transitions: [],
  };
  let current = '';
  for (const e of history) {
    const at = iso(e.timestamp);
    const type = e.type ?? '';
    const transition = (t: Omit<RecordedTransition, 'at'>) => result.transitions.push({ ...t, at });
    if (e.stateEnteredEventDetails) {
      current = e.stateEnteredEventDetails.name ?? '';
      transition({ state: current, type: type.replace('StateEntered', ''), event: 'entered' });
    } else if (e.stateExitedEventDetails) {
      transition({
        state: e.stateExitedEventDetails.name ?? '',
        type: type.replace('StateExited', ''),
        event: 'exited',
      });
    } else if (type.endsWith('Failed') && !type.startsWith('Execution')) {
      const d = (e.taskFailedEventDetails ?? e.lambdaFunctionFailedEventDetails) as
        { error?: string } | undefined;
      transition({
        state: current,
        type: type.replace(/Failed$/, ''),
        event: 'failed',
        error: d?.error,
      });
    }
    const stop = stopOf(e);
    if (stop) Object.assign(result, stop, { stoppedAt: at });
  }
  return result;
}

function stopOf(e: HistoryEvent): Partial<RecordedExecution> | undefined {
  switch (e.type) {
    case 'ExecutionSucceeded':
      return { status: 'SUCCEEDED', output: parse(e.executionSucceededEventDetails?.output) };
    case 'ExecutionFailed':
      return {
        status: 'FAILED',
        error: e.executionFailedEventDetails?.error,
        cause: e.executionFailedEventDetails?.cause,
      };
    case 'ExecutionTimedOut':
      return {
        status: 'TIMED_OUT',
        error: e.executionTimedOutEventDetails?.error ?? 'States.Timeout',
        cause: e.executionTimedOutEventDetails?.cause,
      };
    case 'ExecutionAborted':
      return {
        status: 'ABORTED',
        error: e.executionAbortedEventDetails?.error,
        cause: e.executionAbortedEventDetails?.cause,
      };
    default:
      return undefined;
  }
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An ISO time with milliseconds, as the local record writes it. */
function iso(value: string | Date | undefined): string {
  if (value === undefined) return new Date(0).toISOString();
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

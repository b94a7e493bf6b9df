import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_PERIOD, METRIC_NAMESPACE, occurrenceAlarm, queueDepth, ruleMetric } from './alarms';

/**
 * The metric of a context's events per detail-type: one metric filter per
 * context on the bus's audit log, whose `DetailType` dimension takes the
 * event's `detail-type`. Its values are the context's declared events, so the
 * dimension stays far below the 1,000 name/value pairs after which CloudWatch
 * Logs may disable a filter; one filter per context (not per event) keeps the
 * audit log under its 100 metric filters for longer.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringLogData.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html
 */
export const EVENTS_BY_TYPE = 'EventsPublishedByType';

/** One await of a context, as its timeout alarm sees it. */
export interface AwaitTimeoutSource {
  readonly name: string;
  readonly resultKey: string;
}

/** What a context's alarms watch. */
export interface ContextAlarmsProps {
  readonly contextName: string;
  /** The EventBridge `source` of the context's events. */
  readonly source: string;
  readonly stateMachine: sfn.StateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  /** Rules that deliver events to the context (subscriptions and awaits). */
  readonly rules: events.Rule[];
  readonly eventBus: events.IEventBus;
  readonly awaits: AwaitTimeoutSource[];
  /** The bus's audit log, when the bus is defined in this app: events out and await timeouts are counted there. */
  readonly auditLog?: logs.ILogGroup;
}

/**
 * The alarms of one bounded context. Each fires on any occurrence:
 *
 * - `ExecutionsFailed`, `ExecutionsTimedOut`, `ExecutionsThrottled`,
 *   `ExecutionsAborted`: the workflow's executions;
 * - `DeadLetters`: a message in the context's dead-letter queue (an event that
 *   never reached the workflow or a resumer);
 * - `FailedInvocations<Rule>`: a rule could not deliver an event to its target;
 * - `<Await>TimedOut`: an execution waited in an await until its timeout.
 */
export class ContextAlarms extends Construct {
  /** Every alarm, to route them (`addAlarmAction`) or show them. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** Events the context published, counted from the audit log (when the bus is in this app). */
  public readonly eventsPublished?: cloudwatch.Metric;
  /** The filter that counts the context's events per detail-type, when the bus is in this app. */
  private readonly eventsByType?: logs.MetricFilter;
  private readonly props: ContextAlarmsProps;
  private rulesWatched = 0;

  constructor(scope: Construct, id: string, props: ContextAlarmsProps) {
    super(scope, id);
    this.buildWorkflowAlarms(props);
    this.alarms.push(
      occurrenceAlarm(this, {
        id: 'DeadLetters',
        metric: queueDepth(props.deadLetterQueue.metricApproximateNumberOfMessagesVisible()),
        description: `${props.contextName}: events are waiting in the dead-letter queue; they never reached the workflow. Read them, fix the cause, then redrive them.`,
      }),
    );
    this.props = props;
    props.rules.forEach((rule) => this.watchRule(rule));
    if (props.auditLog) {
      this.eventsPublished = this.countInAuditLog(
        props.auditLog,
        'EventsPublished',
        props.source,
        `{ $.source = "${props.source}" }`,
      );
      this.eventsByType = new logs.MetricFilter(this, 'EventsByTypeFilter', {
        logGroup: props.auditLog,
        filterPattern: logs.FilterPattern.literal(`{ $.source = "${props.source}" }`),
        metricNamespace: METRIC_NAMESPACE,
        metricName: EVENTS_BY_TYPE,
        metricValue: '1',
        dimensions: { Source: '$.source', DetailType: '$.detail-type' },
      });
      for (const awaiting of props.awaits) this.buildTimeoutAlarm(props, props.auditLog, awaiting);
    }
  }

  /**
   * How many `eventName` events the context published, from the audit log:
   * a business outcome (`PaymentDeclined`) is counted, not alarmed on.
   */
  public eventPublished(
    eventName: string,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric | undefined {
    return this.eventsByType?.metric({
      statistic: 'Sum',
      label: eventName,
      ...props,
      dimensionsMap: { Source: this.props.source, DetailType: eventName },
    });
  }

  /** Alarm when `rule` gives up delivering an event to its target. */
  public watchRule(rule: events.Rule): void {
    const { contextName, eventBus } = this.props;
    this.rulesWatched++;
    this.alarms.push(
      occurrenceAlarm(this, {
        id: `FailedInvocations${this.rulesWatched}`,
        metric: ruleMetric(eventBus, rule, 'FailedInvocations', { period: ALARM_PERIOD }),
        description: `${contextName}: rule ${rule.node.path} gave up delivering an event to its target (the event is in the dead-letter queue). Check the target's permissions and input.`,
      }),
    );
  }

  private buildWorkflowAlarms(props: ContextAlarmsProps): void {
    const sm = props.stateMachine;
    const specs: [string, cloudwatch.Metric, string][] = [
      [
        'ExecutionsFailed',
        sm.metricFailed({ period: ALARM_PERIOD }),
        'executions failed: a task failed for good (compensations ran), a fail() state was reached or an await timed out with no timeout path. Business outcomes routed with onError() or compensate() succeed and do not count here. Read the TaskFailed and WorkflowFailed events.',
      ],
      [
        'ExecutionsTimedOut',
        sm.metricTimedOut({ period: ALARM_PERIOD }),
        'executions ran past the workflow timeout. Look for a task or await that takes longer than planned.',
      ],
      [
        'ExecutionsThrottled',
        sm.metricThrottled({ period: ALARM_PERIOD }),
        'Step Functions throttled state transitions. Request a quota increase or spread the load.',
      ],
      [
        'ExecutionsAborted',
        sm.metricAborted({ period: ALARM_PERIOD }),
        'executions were stopped by hand or by a redeploy. Check who stopped them and whether the flows need replaying.',
      ],
    ];
    for (const [id, metric, what] of specs) {
      this.alarms.push(
        occurrenceAlarm(this, { id, metric, description: `${props.contextName}: ${what}` }),
      );
    }
  }

  private buildTimeoutAlarm(
    props: ContextAlarmsProps,
    auditLog: logs.ILogGroup,
    awaiting: AwaitTimeoutSource,
  ): void {
    const metric = this.countInAuditLog(
      auditLog,
      `${awaiting.name}Timeouts`,
      props.source,
      `{ ($.source = "${props.source}") && ($.detail.metadata.state = "${awaiting.name}") && ($.detail.data.${awaiting.resultKey}.Error = "States.Timeout") }`,
    );
    this.alarms.push(
      occurrenceAlarm(this, {
        id: `${awaiting.name}TimedOut`,
        metric,
        description: `${props.contextName}: executions waited in ${awaiting.name} until its timeout; the other context did not answer in time. Check that context's workflow and dead-letter queue.`,
      }),
    );
  }

  private countInAuditLog(
    auditLog: logs.ILogGroup,
    name: string,
    source: string,
    pattern: string,
  ): cloudwatch.Metric {
    const filter = new logs.MetricFilter(this, `${name}Filter`, {
      logGroup: auditLog,
      filterPattern: logs.FilterPattern.literal(pattern),
      metricNamespace: METRIC_NAMESPACE,
      metricName: name,
      metricValue: '1',
      dimensions: { Source: '$.source' },
    });
    return filter.metric({
      statistic: 'Sum',
      period: ALARM_PERIOD,
      dimensionsMap: { Source: source },
    });
  }
}

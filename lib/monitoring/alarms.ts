import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** How an alarm of the library watches its metric. */
export interface AlarmSpec {
  /** Construct id, fixed: part of the API. */
  readonly id: string;
  readonly metric: cloudwatch.IMetric;
  /** What it means and what to do, shown in the alarm's description. */
  readonly description: string;
  /** @default 1 - any occurrence */
  readonly threshold?: number;
}

/**
 * An alarm that fires on any occurrence of something that should not happen,
 * and stays quiet when the metric has no data (most of these metrics are only
 * emitted when something goes wrong).
 */
export function occurrenceAlarm(scope: Construct, spec: AlarmSpec): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, spec.id, {
    metric: spec.metric,
    threshold: spec.threshold ?? 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: spec.description,
  });
}

/** Sum over five minutes: the period of the library's alarms on counts. */
export const ALARM_PERIOD = Duration.minutes(5);

/** Messages visible in a queue, the largest sample in a minute. */
export function queueDepth(metric: cloudwatch.Metric): cloudwatch.Metric {
  return metric.with({ statistic: 'Maximum', period: Duration.minutes(1) });
}

/** The namespace of the metrics this library derives from the audit log. */
export const METRIC_NAMESPACE = 'cdk-ensemble';

/**
 * A metric of one rule of a custom bus (`AWS/Events`, dimensions
 * `EventBusName` and `RuleName`), summed.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
export function ruleMetric(
  eventBus: events.IEventBus,
  rule: events.IRule,
  metricName: string,
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: { EventBusName: eventBus.eventBusName, RuleName: rule.ruleName },
    statistic: 'Sum',
    ...props,
  });
}

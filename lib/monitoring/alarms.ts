import { createHash } from 'node:crypto';
import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from '../checks/validation-error';

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
 * A metric of one rule (`AWS/Events`), summed: dimensions `EventBusName` and
 * `RuleName` for a rule of a custom bus, `RuleName` alone on the default bus.
 *
 * `RuleName` is the rule's bare name ({@link publishedRuleName}), not
 * `rule.ruleName`: that is CloudFormation's `Ref`, `<bus>|<rule>` for a rule of
 * a custom bus, and no metric is published under it.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
export function ruleMetric(
  eventBus: events.IEventBus,
  rule: events.IRule,
  metricName: string,
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  const ruleName = publishedRuleName(rule);
  // "Metrics that specify only the RuleName dimension refer to the default event bus."
  const onDefaultBus = eventBus.eventBusName === 'default';
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: onDefaultBus
      ? { RuleName: ruleName }
      : { EventBusName: eventBus.eventBusName, RuleName: ruleName },
    statistic: 'Sum',
    ...props,
  });
}

/**
 * The name under which EventBridge publishes the metrics of `rule`: the `Name`
 * written in its template (see {@link physicalRuleName}).
 *
 * CloudFormation gives no reference to a rule's bare name: `Ref` returns "the
 * event rule ID" (`<bus>|<rule>` on a custom bus, a form AWS does not document)
 * and `Fn::GetAtt` only the ARN. So a rule whose name CloudFormation generates
 * cannot be watched, and is refused.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html#aws-resource-events-rule-return-values
 * @see https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1131
 */
export function publishedRuleName(rule: events.IRule): string {
  const resource = rule.node.defaultChild;
  // A rule created without a name still has a `name`: a token that resolves to nothing.
  if (resource instanceof events.CfnRule && Stack.of(rule).resolve(resource.name) !== undefined) {
    return resource.name!;
  }
  // An imported rule: its ARN ends with `rule/<bus>/<name>` on a custom bus, and
  // bus names may hold '/', rule names may not.
  if (!Token.isUnresolved(rule.ruleName)) return rule.ruleName.split('/').pop()!;
  throw new ValidationError(
    rule.node.path,
    'ruleName',
    '(none: CloudFormation generates it)',
    "Give the rule a ruleName (physicalRuleName(scope, id) makes one): the rule's Ref is not the RuleName its AWS/Events metrics are published with, so an alarm on it would never fire.",
  );
}

/** EventBridge rule names: 1 to 64 of `.`, `-`, `_`, letters and digits. */
const RULE_NAME_MAX_LENGTH = 64;
const HASH_LENGTH = 8;

/**
 * A physical name for the rule `id` about to be created in `scope`, so that
 * its metrics can be found ({@link publishedRuleName}): the stack name and
 * construct path, readable, and a hash of them that keeps names unique on a
 * bus, at most 64 characters.
 *
 * CloudFormation does not replace a resource with a custom name: a change
 * that replaces the rule (a new bus, for instance) needs a new name too, so
 * change the rule's construct id (or its stack) with it.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 * @see https://repost.aws/knowledge-center/cloudformation-custom-name
 */
export function physicalRuleName(scope: IConstruct, id: string): string {
  const stackName = Stack.of(scope).stackName;
  const components = [
    ...(Token.isUnresolved(stackName) ? [] : [stackName]),
    ...Names.stackRelativeConstructPath(scope).split('/'),
    id,
  ].filter((c) => c !== '' && c !== 'Resource' && c !== 'Default');
  const hash = createHash('md5')
    .update(components.join('/'))
    .digest('hex')
    .slice(0, HASH_LENGTH)
    .toUpperCase();
  const human = components
    .map((c) => c.replace(/[^A-Za-z0-9]/g, ''))
    .filter((c) => c !== '')
    .join('-');
  const room = RULE_NAME_MAX_LENGTH - HASH_LENGTH - 1;
  const half = Math.floor(room / 2);
  const readable = human.length > room ? human.slice(0, half) + human.slice(-half) : human;
  return `${readable}-${hash}`;
}

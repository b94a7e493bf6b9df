/**
 * What AWS publishes: for each namespace the library watches, each metric and
 * the sets of dimension names it is published with, written from AWS's pages
 * (not from our code), and for each dimension the CloudFormation values that
 * hold the name AWS publishes.
 *
 * A metric asked for with any other set of dimension names, or with a value
 * that is not the published name, never receives data: an alarm on it never
 * fires and a graph of it stays empty.
 */

/** A set of dimension names, sorted. `[]` is the metric published without dimensions. */
export type DimensionSet = string[];

/** Metric name → the dimension sets AWS publishes it with. */
export type MetricTable = Record<string, DimensionSet[]>;

/** One namespace, with the page its rows were copied from. */
export interface NamespaceTable {
  readonly url: string;
  readonly metrics: MetricTable;
}

/**
 * `AWS/Events`, the "Dimensions" column of the metric tables, copied as
 * written. The page adds: "Metrics that specify only the RuleName dimension
 * refer to the default event bus. Metrics that specify both the EventBusName
 * and RuleName dimensions refer to a custom event bus."
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
const EVENTBRIDGE_DIMENSIONS_COLUMN: Record<string, string> = {
  DeadLetterInvocations: 'RuleName',
  Events: 'EventSourceName',
  FailedInvocations: 'RuleName',
  Invocations: 'None, RuleName',
  InvocationAttempts: 'EventBusName, None, RuleName',
  InvocationsCreated: 'None',
  InvocationsFailedToBeSentToDlq: 'RuleName',
  IngestiontoInvocationCompleteLatency: 'EventBusName, None, RuleName',
  IngestionToInvocationSuccessLatency: 'EventBusName, None, RuleName',
  IngestiontoInvocationStartLatency: 'EventBusName, None, RuleName',
  InvocationsSentToDlq: 'RuleName',
  MatchedEvents: 'EventBusName, EventSourceName, RuleName',
  RetryInvocationAttempts: 'EventBusName, None, RuleName',
  SuccessfulInvocationAttempts: 'EventBusName, None, RuleName',
  ThrottledRules: 'EventBusName, None, RuleName',
  TriggeredRules: 'EventBusName, None, RuleName',
  EventBusEncryptionStarted: 'EventBusName',
  EventBusEncryptionCompleted: 'EventBusName',
  EventBusEncryptionFailed: 'EventBusName',
  // "EventBridge PutEvents metrics": published for the account and region, never per bus.
  PutEventsApproximateCallCount: 'None',
  PutEventsApproximateFailedCount: 'None',
  PutEventsApproximateSuccessCount: 'None',
  PutEventsApproximateThrottledCount: 'None',
  PutEventsEntriesCount: 'None',
  PutEventsFailedEntriesCount: 'None',
  PutEventsLatency: 'None',
  PutEventsRequestSize: 'None',
};

/**
 * The dimension sets of one row of the EventBridge table: each listed
 * dimension on its own (`None`: no dimension), and `EventBusName` with
 * `RuleName` wherever `RuleName` is listed (a rule of a custom bus).
 */
export function eventBridgeDimensionSets(column: string): DimensionSet[] {
  const listed = column.split(',').map((name) => name.trim());
  const sets = listed.map((name) => (name === 'None' ? [] : [name]));
  if (listed.includes('RuleName')) sets.push(['EventBusName', 'RuleName']);
  return sets;
}

/**
 * `AWS/States` execution metrics: "Without a state machine ARN, the following
 * metrics report at the account level"; "Dimension for Step Functions
 * execution metrics: StateMachineArn"; executions started by a version or an
 * alias add `Version` or `Alias`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 */
const STEP_FUNCTIONS_EXECUTION_METRICS = [
  'ExecutionsAborted',
  'ExecutionsFailed',
  'ExecutionsStarted',
  'ExecutionsSucceeded',
  'ExecutionsTimedOut',
  'ExecutionThrottled',
  'ExecutionTime',
];
const STEP_FUNCTIONS_EXECUTION_SETS: DimensionSet[] = [
  [],
  ['StateMachineArn'],
  ['StateMachineArn', 'Version'],
  ['Alias', 'StateMachineArn'],
];

/**
 * `AWS/SQS`: "The only dimension that Amazon SQS sends to CloudWatch is QueueName."
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 */
const SQS_METRICS = [
  'ApproximateAgeOfOldestMessage',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesVisible',
  'NumberOfEmptyReceives',
  'NumberOfMessagesDeleted',
  'NumberOfMessagesReceived',
  'NumberOfMessagesSent',
  'SentMessageSize',
];

const every = (names: string[], sets: DimensionSet[]): MetricTable =>
  Object.fromEntries(names.map((name) => [name, sets]));

/** The AWS namespaces the library's alarms and dashboard read. */
export const AWS_METRICS: Record<string, NamespaceTable> = {
  'AWS/Events': {
    url: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html',
    metrics: Object.fromEntries(
      Object.entries(EVENTBRIDGE_DIMENSIONS_COLUMN).map(([metric, column]) => [
        metric,
        eventBridgeDimensionSets(column),
      ]),
    ),
  },
  'AWS/States': {
    url: 'https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html',
    metrics: every(STEP_FUNCTIONS_EXECUTION_METRICS, STEP_FUNCTIONS_EXECUTION_SETS),
  },
  'AWS/SQS': {
    url: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html',
    metrics: every(SQS_METRICS, [['QueueName']]),
  },
};

/**
 * Metrics that a template publishes itself, through `AWS::Logs::MetricFilter`:
 * each metric transformation is published with exactly the dimensions it
 * declares (none when it declares none).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-logs-metricfilter-metrictransformation.html
 */
export function metricFilterMetrics(template: {
  Resources: Record<string, any>;
}): Record<string, NamespaceTable> {
  const tables: Record<string, NamespaceTable> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Logs::MetricFilter') continue;
    for (const t of resource.Properties.MetricTransformations as any[]) {
      const table = (tables[t.MetricNamespace] ??= { url: `template: ${id}`, metrics: {} });
      const set = ((t.Dimensions ?? []) as { Key: string }[]).map((d) => d.Key).sort();
      (table.metrics[t.MetricName] ??= []).push(set);
    }
  }
  return tables;
}

/** A CloudFormation reference that holds a dimension's published value. */
export interface ReferenceForm {
  /** `Ref` of a resource of this type, or `Fn::GetAtt` of this type and attribute. */
  readonly type: string;
  readonly attribute?: string;
  /** The page that says what the reference returns. */
  readonly url: string;
}

/**
 * For each dimension the library fills with a reference, the references whose
 * value is the name AWS publishes. A reference not listed here is refused; a
 * plain string is accepted except where {@link LITERAL_MUST_NAME} says more.
 */
export const DIMENSION_REFERENCES: Record<string, ReferenceForm[]> = {
  // Ref of AWS::Events::EventBus is "the name of the new event bus"; GetAtt Name is its name.
  EventBusName: [
    {
      type: 'AWS::Events::EventBus',
      url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbus.html#aws-resource-events-eventbus-return-values',
    },
    {
      type: 'AWS::Events::EventBus',
      attribute: 'Name',
      url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbus.html#aws-resource-events-eventbus-return-values',
    },
  ],
  // No reference holds a rule's bare name: Ref of AWS::Events::Rule is "the event rule ID"
  // (`<bus>|<rule>` for a rule of a custom bus, a form AWS does not document:
  // https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1131),
  // and GetAtt has only Arn. So RuleName must be the rule's own Name, written in the template.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html#aws-resource-events-rule-return-values
  RuleName: [],
  // Ref of AWS::StepFunctions::StateMachine "returns the ARN of the created state machine".
  StateMachineArn: [
    {
      type: 'AWS::StepFunctions::StateMachine',
      url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-stepfunctions-statemachine.html#aws-resource-stepfunctions-statemachine-return-values',
    },
    {
      type: 'AWS::StepFunctions::StateMachine',
      attribute: 'Arn',
      url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-stepfunctions-statemachine.html#aws-resource-stepfunctions-statemachine-return-values',
    },
  ],
  // Ref of AWS::SQS::Queue returns the queue URL; GetAtt QueueName returns its name.
  QueueName: [
    {
      type: 'AWS::SQS::Queue',
      attribute: 'QueueName',
      url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html#aws-resource-sqs-queue-return-values',
    },
  ],
};

/**
 * Dimensions whose plain-string value must be the name of a resource of the
 * template, with the property that holds that name.
 */
export const LITERAL_MUST_NAME: Record<string, { type: string; property: string }> = {
  RuleName: { type: 'AWS::Events::Rule', property: 'Name' },
};

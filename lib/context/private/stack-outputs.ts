import { CfnOutput } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * What each output of a cdk-ensemble stack holds, by the text that follows
 * `<app or context>: ` in its description. Output keys are CDK's logical ids
 * (a construct path and a hash, unique per stack even with two buses), so
 * the operations commands (`cdk-ensemble trace`, `replay`, `redrive`)
 * recognise an output by its description, which this table writes and reads.
 */
export const STACK_OUTPUT_DESCRIPTIONS = {
  busName: 'name of the domain event bus',
  busArn: 'ARN of the domain event bus',
  archiveName: "name of the domain event bus's archive",
  auditLogGroupName: "log group of the domain event bus's audit log",
  workflowArn: "ARN of the context's state machine",
  deadLetterQueueUrl: "URL of the context's dead-letter queue",
} as const;

/** A kind of cdk-ensemble stack output. */
export type StackOutputKind = keyof typeof STACK_OUTPUT_DESCRIPTIONS;

/**
 * Stack outputs of a domain event bus: its name and ARN, what a deployed
 * client needs to publish on it (`aws events put-events`), and the names of
 * its archive (when it has one) and audit log group, which the operations
 * commands replay and query.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html
 */
export function busOutputs(
  scope: Construct,
  appName: string,
  eventBus: events.IEventBus,
  extras: { archive?: events.Archive; auditLog: logs.ILogGroup },
): void {
  output(scope, 'NameOutput', appName, 'busName', eventBus.eventBusName);
  output(scope, 'ArnOutput', appName, 'busArn', eventBus.eventBusArn);
  if (extras.archive)
    output(scope, 'ArchiveNameOutput', appName, 'archiveName', extras.archive.archiveName);
  output(scope, 'AuditLogOutput', appName, 'auditLogGroupName', extras.auditLog.logGroupName);
}

/**
 * Stack outputs of a context: the state machine ARN that
 * `aws stepfunctions start-execution --state-machine-arn` takes, and the URL
 * of the dead-letter queue that `cdk-ensemble redrive` reads.
 */
export function workflowOutput(
  scope: Construct,
  contextName: string,
  stateMachine: sfn.IStateMachine,
  deadLetterQueue: sqs.IQueue,
): void {
  output(scope, 'WorkflowArnOutput', contextName, 'workflowArn', stateMachine.stateMachineArn);
  output(scope, 'DlqUrlOutput', contextName, 'deadLetterQueueUrl', deadLetterQueue.queueUrl);
}

function output(
  scope: Construct,
  id: string,
  owner: string,
  kind: StackOutputKind,
  value: string,
): void {
  new CfnOutput(scope, id, { description: `${owner}: ${STACK_OUTPUT_DESCRIPTIONS[kind]}`, value });
}

import { CfnElement, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge, XRAY_ACKNOWLEDGEMENT } from '../../checks/acknowledge';
import { defaultWorkflowTimeout } from './validate';

/** How a context's state machine is built. */
export interface WorkflowStateMachineProps {
  /** @default sfn.StateMachineType.STANDARD */
  readonly workflowType?: sfn.StateMachineType;
  /** @default Duration.days(1) - five minutes for Express */
  readonly workflowTimeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default - none */
  readonly comment?: string;
  /** @default sfn.QueryLanguage.JSON_PATH */
  readonly queryLanguage?: sfn.QueryLanguage;
  /** The functions the workflow invokes: the context's handlers and its resumer. */
  readonly invoked: readonly lambda.IFunction[];
}

/**
 * The state machine of a context's workflow (`Workflow`), with its log group
 * (`WorkflowLogs`), full logging and X-Ray tracing.
 */
export function workflowStateMachine(
  scope: Construct,
  start: sfn.State,
  props: WorkflowStateMachineProps,
): sfn.StateMachine {
  const logGroup = new logs.LogGroup(scope, 'WorkflowLogs', {
    // Vended-logs prefix: keeps the CloudWatch Logs resource policy under its size limit.
    logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(scope, { maxLength: 200 })}`,
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new sfn.StateMachine(scope, 'Workflow', {
    definitionBody: sfn.DefinitionBody.fromChainable(start),
    stateMachineType: props.workflowType ?? sfn.StateMachineType.STANDARD,
    timeout: props.workflowTimeout ?? defaultWorkflowTimeout(props.workflowType),
    tracingEnabled: true,
    comment: props.comment,
    queryLanguage: props.queryLanguage,
    // Full logging: for an Express workflow the log group is the only execution history.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
  });
  acknowledge(stateMachine.role.node.findChild('DefaultPolicy'), [
    {
      ...XRAY_ACKNOWLEDGEMENT,
      reason: `${XRAY_ACKNOWLEDGEMENT.reason} The CloudWatch Logs delivery actions Step Functions needs for logging (logs:CreateLogDelivery and the like) also support only Resource: *.`,
    },
    ...props.invoked.map(logicalIdOf).map((logicalId) => ({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason: `Step Functions may invoke any version or alias (${logicalId}:*) of this context's own handler; no other function.`,
    })),
  ]);
  return stateMachine;
}

function logicalIdOf(fn: lambda.IFunction): string {
  const stack = Stack.of(fn);
  return stack.resolve(stack.getLogicalId(fn.node.defaultChild as CfnElement)) as string;
}

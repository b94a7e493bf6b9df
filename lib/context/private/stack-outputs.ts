import { CfnOutput } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * Stack outputs of a domain event bus: its name and ARN, what a deployed
 * client needs to publish on it (`aws events put-events`).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html
 */
export function busOutputs(scope: Construct, appName: string, eventBus: events.IEventBus): void {
  new CfnOutput(scope, 'NameOutput', {
    description: `${appName}: name of the domain event bus`,
    value: eventBus.eventBusName,
  });
  new CfnOutput(scope, 'ArnOutput', {
    description: `${appName}: ARN of the domain event bus`,
    value: eventBus.eventBusArn,
  });
}

/**
 * Stack output of a context's workflow: the state machine ARN that
 * `aws stepfunctions start-execution --state-machine-arn` takes.
 */
export function workflowOutput(
  scope: Construct,
  contextName: string,
  stateMachine: sfn.IStateMachine,
): void {
  new CfnOutput(scope, 'WorkflowArnOutput', {
    description: `${contextName}: ARN of the context's state machine`,
    value: stateMachine.stateMachineArn,
  });
}

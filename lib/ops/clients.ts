import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The AWS SDK clients the operations commands use. */
export interface OpsClients {
  readonly cloudFormation: CloudFormationClient;
  readonly logs: CloudWatchLogsClient;
  readonly sfn: SFNClient;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
}

/** What every client is built with; tests give a fixed region and fake credentials. */
export interface OpsClientConfig {
  readonly region?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * One client per service, with the user's credentials and region from the
 * usual AWS environment (`AWS_PROFILE`, `AWS_REGION`, SSO, instance roles)
 * unless `config` fixes them.
 */
export function createClients(config: OpsClientConfig = {}): OpsClients {
  return {
    cloudFormation: new CloudFormationClient(config),
    logs: new CloudWatchLogsClient(config),
    sfn: new SFNClient(config),
    events: new EventBridgeClient(config),
    sqs: new SQSClient(config),
    lambda: new LambdaClient(config),
  };
}

/** How the commands wait between polls; tests pass one that does not wait. */
export type Sleep = (ms: number) => Promise<void>;

/** Waits `ms` milliseconds. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

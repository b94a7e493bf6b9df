import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../checks/acknowledge';

/**
 * An SQS dead-letter queue for rule targets: encrypted, TLS only, kept 14 days.
 *
 * SSE-SQS rather than a customer key: EventBridge can write to it with no key
 * policy to maintain.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export function encryptedDeadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const reason =
    'This queue is itself a dead-letter queue: the last stop for events, watched by an alarm.';
  acknowledge(queue, [
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  ]);
  return queue;
}

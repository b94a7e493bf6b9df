import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A security-check finding that is expected, and why. */
export interface Acknowledgement {
  /**
   * The finding, as the checker names it: `AwsSolutions-IAM5[Resource::*]`,
   * `Serverless-LambdaDLQ`.
   */
  readonly id: string;
  /** Why the finding is expected: shown to reviewers next to the finding. */
  readonly reason: string;
}

/**
 * Record, next to the code that causes it, why a cdk-nag finding is expected.
 *
 * Uses CDK's own `Validations.of(construct).acknowledge()`, which cdk-nag v3
 * reads, so the library needs no dependency on cdk-nag. The pack name
 * (`AwsSolutions`, `Serverless`) is the finding id's prefix.
 * @see https://github.com/cdklabs/cdk-nag#suppressing-a-rule
 */
export function acknowledge(construct: IConstruct, acknowledgements: Acknowledgement[]): void {
  Validations.of(construct).acknowledge(
    ...acknowledgements.map((a) => ({ id: `${a.id.split('-')[0]}::${a.id}`, reason: a.reason })),
  );
}

/** X-Ray's write actions have no resource-level permissions. */
export const XRAY_ACKNOWLEDGEMENT: Acknowledgement = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason:
    'X-Ray PutTraceSegments and PutTelemetryRecords support only Resource: * (no resource-level permissions).',
};

import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The error of an execution started with an input that is not an envelope. */
export const INVALID_ENVELOPE_ERROR = 'InvalidEnvelope';

/**
 * The first states of every workflow: check the input envelope before any side effect.
 *
 * An execution started without `metadata.correlationId` (a string) or `data`
 * fails at once with `InvalidEnvelope`, instead of at its first publish after
 * its first side effect. A missing `causationId` defaults to the execution ARN:
 * the command that started the flow.
 */
export function envelopeCheck(scope: Construct, id: string, next: sfn.IChainable): sfn.State {
  const check = new Construct(scope, id);
  const hasCorrelation = sfn.Condition.and(
    sfn.Condition.isPresent('$.metadata.correlationId'),
    sfn.Condition.isString('$.metadata.correlationId'),
    sfn.Condition.isPresent('$.data'),
  );
  const defaultCausation = new sfn.Pass(check, 'DefaultCausation', {
    stateName: 'Default causationId',
    inputPath: '$.metadata',
    parameters: {
      'correlationId.$': '$.correlationId',
      'causationId.$': '$$.Execution.Id',
    },
    resultPath: '$.metadata',
  });
  const invalid = new sfn.Fail(check, 'Invalid', {
    stateName: INVALID_ENVELOPE_ERROR,
    error: INVALID_ENVELOPE_ERROR,
    cause:
      'The input must be an envelope: {"metadata": {"correlationId": "<string>", "causationId"?: "<string>"}, "data": {...}}',
  });
  return new sfn.Choice(check, 'Choice', { stateName: 'Check envelope' })
    .when(
      sfn.Condition.and(hasCorrelation, sfn.Condition.isPresent('$.metadata.causationId')),
      next,
    )
    .when(hasCorrelation, defaultCausation.next(next))
    .otherwise(invalid);
}

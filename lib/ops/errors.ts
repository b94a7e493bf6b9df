/**
 * Something the deployed app or the environment lacks (credentials, a
 * stack, an archive, an audit log): reported on one line that names what is
 * missing and the fix, with exit code 2.
 */
export class OpsSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpsSetupError';
  }
}

/**
 * The error an SDK call failed with, turned into an {@link OpsSetupError}
 * when it means the environment is not set up (no credentials, no region).
 * Any other error is returned unchanged.
 */
export function setupProblem(error: unknown): unknown {
  const e = error as Error;
  if (e?.name === 'CredentialsProviderError')
    return new OpsSetupError(
      'no AWS credentials found: set AWS_PROFILE, run `aws configure` or `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  if (/region is missing/i.test(e?.message ?? ''))
    return new OpsSetupError(
      'no AWS region set: export AWS_REGION (or AWS_DEFAULT_REGION), or set a region in your AWS profile',
    );
  return error;
}

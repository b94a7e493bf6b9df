import * as fs from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Synthesize stacks into `outdir` with bundling on, for a local run.
 *
 * CDK's template validator is skipped (the runtime does not need it; CI runs
 * it on `cdk synth`), which saves seconds.
 */
export function synthesizeForLocalRun(
  outdir: string,
  define: (app: App) => Stack | Construct | void,
): string {
  fs.rmSync(outdir, { recursive: true, force: true });
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = new App({ outdir });
    define(app);
    return app.synth().directory;
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

/**
 * Synth time of N Lambda handlers: cdk-ensemble (one esbuild build per stack)
 * against plain `NodejsFunction`s (one esbuild process per function).
 *
 *   npx tsx bench/synth.ts
 *
 * Both apps bundle the same generated entry files (each imports `taskHandler`
 * from lambda/runtime, so Powertools Logger is in every bundle) with the same
 * esbuild settings: CommonJS, minified, source maps without sources content,
 * `@aws-sdk/*` external, node22. The ensemble app also synthesizes what
 * `BoundedContext` adds around the handlers (bus, state machines, rules, queues),
 * which the baseline does not have: the comparison errs against cdk-ensemble.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, AssetStaging, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BoundedContext, DomainEventBus } from '../lib';

const REPO = path.resolve(__dirname, '..');
const SIZES = [5, 10, 20, 40];
const TASKS_PER_CONTEXT = 5;
const RUNS = 3;

const featureFlags = (require('../cdk.json') as { context: Record<string, unknown> }).context;

export interface SynthBenchRow {
  readonly handlers: number;
  /** Median synth time of the cdk-ensemble app, in ms. */
  readonly ensembleMs: number;
  /** Median synth time of the NodejsFunction app, in ms. */
  readonly nodejsFunctionMs: number;
  /** nodejsFunctionMs / ensembleMs. */
  readonly ratio: number;
}

export interface SynthBenchResults {
  readonly rows: SynthBenchRow[];
  /** Added synth time per added handler between the smallest and the largest app, in ms. */
  readonly msPerAddedHandler: { readonly ensemble: number; readonly nodejsFunction: number };
  /** The ratio for the largest app. */
  readonly ratioAtMax: number;
}

/**
 * A temp project of `count` generated entry files, distinct so that every bundle
 * differs. `NodejsFunction` wants the entry and a lock file under its project
 * root, and runs `npx --no-install esbuild` there: the project gets a copy of
 * the repo's lock file and a link to its node_modules, as in a real project.
 */
function writeEntries(count: number): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ensemble-bench-entries-${count}-`));
  fs.copyFileSync(path.join(REPO, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const runtime = JSON.stringify(path.join(REPO, 'lambda', 'runtime'));
  return Array.from({ length: count }, (_, i) => {
    const file = path.join(dir, `step-${i}.ts`);
    fs.writeFileSync(
      file,
      `import { taskHandler } from ${runtime};\n\n` +
        `export const handler = taskHandler(async (data: Record<string, unknown>, ctx) => ({\n` +
        `  ...data,\n  step${i}: { task: ctx.task, correlationId: ctx.correlationId },\n}));\n`,
    );
    return file;
  });
}

/** Split `entries` into contexts of TASKS_PER_CONTEXT handlers. */
function contexts(entries: string[]): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < entries.length; i += TASKS_PER_CONTEXT) {
    groups.push(entries.slice(i, i + TASKS_PER_CONTEXT));
  }
  return groups;
}

function ensembleApp(app: App, entries: string[]): void {
  const stack = new Stack(app, 'Bench');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'bench' });
  contexts(entries).forEach((group, c) => {
    const ctx = new BoundedContext(stack, `Context${c}`, { bus, events: [] });
    const [first, ...rest] = group.map((entry, i) => ctx.task(`Step${i}`, { entry }));
    ctx.workflow(
      rest.reduce<sfn.IChainable>((chain, task) => sfn.Chain.start(chain).next(task), first),
    );
  });
}

function nodejsFunctionApp(app: App, entries: string[]): void {
  const stack = new Stack(app, 'Bench');
  contexts(entries).forEach((group, c) => {
    const scope = new Construct(stack, `Context${c}`);
    group.forEach((entry, i) => {
      new nodejs.NodejsFunction(scope, `Step${i}Handler`, {
        entry,
        projectRoot: path.dirname(entry),
        depsLockFilePath: path.join(path.dirname(entry), 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.seconds(10),
        tracing: lambda.Tracing.ACTIVE,
        loggingFormat: lambda.LoggingFormat.JSON,
        logGroup: new logs.LogGroup(scope, `Step${i}HandlerLogs`, {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        bundling: {
          format: nodejs.OutputFormat.CJS,
          target: 'node22',
          minify: true,
          sourceMap: true,
          sourcesContent: false,
          externalModules: ['@aws-sdk/*'],
          mainFields: ['module', 'main'],
          logLevel: nodejs.LogLevel.SILENT,
          esbuildArgs: { '--legal-comments': 'none' },
        },
      });
    });
  });
}

/** Wall time of new App + build + synth, bundling on, in a fresh cloud assembly dir. */
function measure(build: (app: App, entries: string[]) => void, entries: string[]): number {
  AssetStaging.clearAssetHashCache();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ensemble-bench-out-'));
  const start = performance.now();
  const app = new App({ outdir, context: featureFlags });
  build(app, entries);
  app.synth();
  const ms = performance.now() - start;
  fs.rmSync(outdir, { recursive: true, force: true });
  return ms;
}

/** Delete the temp project of `entries` (its node_modules link, not the repo's modules). */
function removeProject(entries: string[]): void {
  fs.rmSync(path.dirname(entries[0]), { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Drop CDK's "Bundling asset ..." progress lines while `fn` runs. */
function quietBundling<T>(fn: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = function (chunk: unknown, ...rest: unknown[]): boolean {
    if (String(chunk).startsWith('Bundling asset ')) return true;
    return (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  } as typeof process.stderr.write;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
  }
}

export async function runSynthBench(): Promise<SynthBenchResults> {
  // Both apps skip CDK's template validator, as the unit tests do.
  process.env.CDK_VALIDATION = 'false';
  return quietBundling(() => {
    const warmup = writeEntries(SIZES[0]);
    measure(ensembleApp, warmup);
    measure(nodejsFunctionApp, warmup);
    removeProject(warmup);

    const rows = SIZES.map((handlers): SynthBenchRow => {
      const entries = writeEntries(handlers);
      const ensemble: number[] = [];
      const baseline: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        ensemble.push(measure(ensembleApp, entries));
        baseline.push(measure(nodejsFunctionApp, entries));
      }
      removeProject(entries);
      const ensembleMs = median(ensemble);
      const nodejsFunctionMs = median(baseline);
      return { handlers, ensembleMs, nodejsFunctionMs, ratio: nodejsFunctionMs / ensembleMs };
    });
    const first = rows[0];
    const last = rows[rows.length - 1];
    const added = last.handlers - first.handlers;
    return {
      rows,
      msPerAddedHandler: {
        ensemble: (last.ensembleMs - first.ensembleMs) / added,
        nodejsFunction: (last.nodejsFunctionMs - first.nodejsFunctionMs) / added,
      },
      ratioAtMax: last.ratio,
    };
  });
}

function printResults(results: SynthBenchResults): void {
  const pad = (value: string, width: number) => value.padStart(width);
  console.log(
    `synth time, median of ${RUNS} runs (bundling on, CDK_VALIDATION=false, ${TASKS_PER_CONTEXT} tasks per context)\n`,
  );
  console.log(
    `${pad('N', 4)} ${pad('ensemble ms', 12)} ${pad('NodejsFunction ms', 18)} ${pad('ratio', 7)}`,
  );
  for (const row of results.rows) {
    console.log(
      `${pad(String(row.handlers), 4)} ${pad(row.ensembleMs.toFixed(0), 12)} ` +
        `${pad(row.nodejsFunctionMs.toFixed(0), 18)} ${pad(`${row.ratio.toFixed(1)}x`, 7)}`,
    );
  }
  const { ensemble, nodejsFunction } = results.msPerAddedHandler;
  const [first, last] = [results.rows[0], results.rows[results.rows.length - 1]];
  console.log(
    `\ngrowth N=${first.handlers}→${last.handlers}: ensemble ${ensemble.toFixed(1)} ms/handler, ` +
      `NodejsFunction ${nodejsFunction.toFixed(1)} ms/handler`,
  );
  console.log(
    `synth ratio at ${last.handlers} handlers: ${results.ratioAtMax.toFixed(1)}x (target >= 5x)`,
  );
}

if (require.main === module) {
  runSynthBench().then(printResults, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

// Run: npx tsx bench/figures.ts   (part of npm run bench)
// Bundle size and cold-load time of every handler, and billed state transitions and
// Standard-workflow cost per happy-path execution of every example workflow, for the JSONata
// layout (the default) and the JSONPath one, with events published by the workflows and by the
// handlers (publishFrom: 'handler'). A billed transition is a state entered (retries count too).
// https://aws.amazon.com/step-functions/pricing/
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EcommerceFraudStack } from '../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';
import { LocalRuntime, synthesizeForLocalRun } from '../lib';
import { ecommerceOrder, foodOrder } from './lib/orders';

/** Step Functions Standard: $0.025 per 1,000 state transitions. */
const DOLLARS_PER_TRANSITION = 0.025 / 1000;
const REPO = path.join(__dirname, '..');

/** Who publishes the tasks' events, and the query language of the definitions. */
interface Layout {
  readonly publishFrom: 'workflow' | 'handler';
  readonly queryLanguage: sfn.QueryLanguage;
}
type Build = (app: App, layout: Layout) => Stack;
interface Example {
  readonly name: string;
  readonly build: Build;
  /** Start the happy path; the runtime settles it. */
  readonly start: (runtime: LocalRuntime) => void;
}

const EXAMPLES: Example[] = [
  {
    name: 'food-delivery',
    build: (app, layout) => new FoodDeliveryStack(app, 'FoodDelivery', layout),
    start: (runtime) => runtime.startExecution('orders', foodOrder('bench', 1)),
  },
  {
    name: 'ecommerce-fraud',
    build: (app, layout) => new EcommerceFraudStack(app, 'EcommerceFraud', layout),
    start: (runtime) => runtime.startExecution('orders', ecommerceOrder('bench', 1)),
  },
];

const JSONATA = sfn.QueryLanguage.JSONATA;
const JSON_PATH = sfn.QueryLanguage.JSON_PATH;

/** The layouts compared: the default, then with events from the handlers, each in JSONata and JSONPath. */
const LAYOUTS: [string, Layout][] = [
  ['JSONata', { publishFrom: 'workflow', queryLanguage: JSONATA }],
  ['JSONPath', { publishFrom: 'workflow', queryLanguage: JSON_PATH }],
  ['JSONata, handler', { publishFrom: 'handler', queryLanguage: JSONATA }],
  ['JSONPath, handler', { publishFrom: 'handler', queryLanguage: JSON_PATH }],
];

function synth(example: Example, layout: Layout): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-ensemble-figures-${example.name}-`));
  return synthesizeForLocalRun(dir, (app) => example.build(app, layout));
}

/** Transitions (states entered) of each workflow on the happy path. */
async function transitions(example: Example, layout: Layout): Promise<Map<string, number>> {
  const runtime = LocalRuntime.fromAssembly(synth(example, layout));
  try {
    example.start(runtime);
    await runtime.settle();
    const failed = runtime.record.allExecutions.filter((e) => e.status !== 'SUCCEEDED');
    if (failed.length > 0)
      throw new Error(
        `${example.name}: the happy path did not succeed: ${failed.map((e) => `${e.contextName} ${e.status}`)}`,
      );
    const counts = new Map<string, number>();
    for (const e of runtime.record.allExecutions) {
      const n = e.transitions.filter((t) => t.event === 'entered').length;
      counts.set(
        e.contextName ?? e.stateMachine,
        (counts.get(e.contextName ?? e.stateMachine) ?? 0) + n,
      );
    }
    return counts;
  } finally {
    runtime.dispose();
  }
}

/** Median time to `require` a bundle in a fresh Node.js process (SDK from the project, as Lambda provides it). */
function coldLoadMs(bundle: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const runs = [0, 1, 2].map(() =>
    Number(
      execFileSync(process.execPath, ['-e', script], {
        env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') },
      }).toString(),
    ),
  );
  return runs.sort((a, b) => a - b)[1];
}

function bundles(assembly: string): { name: string; kb: number; loadMs: number }[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly, 'manifest.json'), 'utf8'));
  const stackName = Object.keys(manifest.artifacts).find(
    (k) => manifest.artifacts[k].type === 'aws:cloudformation:stack',
  )!;
  const template = JSON.parse(
    fs.readFileSync(path.join(assembly, `${stackName}.template.json`), 'utf8'),
  );
  return Object.entries<any>(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => {
      const hash = String(r.Properties.Code.S3Key).replace('.zip', '');
      const file = path.join(assembly, `asset.${hash}`, 'index.js');
      return {
        name: id.replace(/[0-9A-F]{8}$/, ''),
        kb: fs.statSync(file).size / 1024,
        loadMs: coldLoadMs(file),
      };
    });
}

export async function runFigures(): Promise<void> {
  for (const example of EXAMPLES) {
    console.log(`\n${example.name}: handler bundles (minified, @aws-sdk/* external)`);
    const list = bundles(synth(example, LAYOUTS[0][1]));
    for (const b of list)
      console.log(
        `  ${b.name.padEnd(44)} ${b.kb.toFixed(1).padStart(6)} KB   cold load ${b.loadMs.toFixed(1).padStart(6)} ms`,
      );
    const largest = Math.max(...list.map((b) => b.kb));
    console.log(`  largest bundle: ${largest.toFixed(1)} KB (target < 50 KB)`);

    const counts: Map<string, number>[] = [];
    for (const [, layout] of LAYOUTS) counts.push(await transitions(example, layout));
    console.log(
      `\n${example.name}: billed state transitions per happy-path execution, cost per million at $0.025 per 1,000`,
    );
    console.log(
      `  ${'workflow'.padEnd(16)} ${LAYOUTS.map(([name]) => name.padStart(20)).join(' ')}`,
    );
    const cell = (n: number) =>
      `${n} · $${(n * DOLLARS_PER_TRANSITION * 1e6).toFixed(0)}`.padStart(20);
    const totals = LAYOUTS.map(() => 0);
    for (const context of counts[0].keys()) {
      const row = counts.map((c, i) => {
        const n = c.get(context) ?? 0;
        totals[i] += n;
        return cell(n);
      });
      console.log(`  ${context.padEnd(16)} ${row.join(' ')}`);
    }
    console.log(`  ${'whole flow'.padEnd(16)} ${totals.map(cell).join(' ')}`);
    console.log(
      `  JSONata saves ${(100 * (1 - totals[0] / totals[1])).toFixed(0)} % of the transitions of a happy-path flow (events from the workflow)`,
    );
  }
}

if (require.main === module) {
  runFigures().catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
}

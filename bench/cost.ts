// Run: npx tsx bench/cost.ts   (part of npm run bench)
// What one happy-path business flow costs on AWS, per example and per layout: billed Step
// Functions transitions per workflow, and the cost per million flows of Step Functions
// (Standard and Express), Lambda, EventBridge and DynamoDB, from what a local run of the flow
// did (states entered, handler invocations, events put, table calls) and the published prices.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EcommerceFraudStack } from '../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';
import { LocalRuntime, synthesizeForLocalRun } from '../lib';
import { ecommerceOrder, foodOrder } from './lib/orders';

/**
 * Prices in us-east-1, as the pricing pages publish them.
 * @see https://aws.amazon.com/step-functions/pricing/ - Standard: $0.025 per 1,000 state
 *   transitions. Express: $1.00 per million requests, and $0.00001667 per GB-second of duration
 *   (first tier), duration rounded up to the next 100 ms, memory billed in 64 MB chunks.
 * @see https://aws.amazon.com/lambda/pricing/ - $0.20 per million requests; $0.0000166667 per
 *   GB-second on x86, $0.0000133334 on Arm.
 * @see https://aws.amazon.com/eventbridge/pricing/ - custom events: $1.00 per million (each
 *   64 KB chunk of an entry counts as one).
 * @see https://aws.amazon.com/dynamodb/pricing/on-demand/ - $0.625 per million write request
 *   units, $0.125 per million read request units.
 */
const PRICE = {
  standardTransition: 0.025 / 1000,
  expressRequest: 1 / 1e6,
  expressGbSecond: 0.00001667,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 } as Record<string, number>,
  event: 1 / 1e6,
  writeUnit: 0.625 / 1e6,
  readUnit: 0.125 / 1e6,
};

/**
 * What a local run cannot tell: how long things take on AWS. A handler of the examples does
 * little (a few ms of work, plus Lambda's own overhead); a service call from a workflow takes
 * tens of ms. Override with BENCH_LAMBDA_MS and BENCH_CALL_MS.
 */
const ASSUMED = {
  /** Billed duration of one handler invocation. */
  lambdaMs: Number(process.env.BENCH_LAMBDA_MS ?? 50),
  /** Time a workflow spends in a Task state: a Lambda invocation or a service call. */
  callMs: Number(process.env.BENCH_CALL_MS ?? 30),
  /** Express bills memory in 64 MB chunks: the examples' workflows fit in the first. */
  expressMemoryMb: 64,
};

/** Transitions of the same food-delivery flow wired by hand in plain aws-cdk-lib. */
const HAND_WIRED_FOOD_TRANSITIONS = 14;

interface Layout {
  readonly name: string;
  readonly props: { express?: boolean; queryLanguage?: sfn.QueryLanguage };
}

interface Example {
  readonly name: string;
  readonly build: (app: App, layout: Layout) => Stack;
  readonly start: (runtime: LocalRuntime) => void;
}

const LAYOUTS: Layout[] = [
  {
    name: 'JSONPath layout (the earlier default)',
    props: { queryLanguage: sfn.QueryLanguage.JSON_PATH },
  },
  { name: 'default', props: {} },
  { name: 'default, Express where allowed', props: { express: true } },
];

const EXAMPLES: Example[] = [
  {
    name: 'food-delivery',
    build: (app, layout) => new FoodDeliveryStack(app, 'FoodDelivery', layout.props),
    start: (runtime) => runtime.startExecution('orders', foodOrder('cost', 1)),
  },
  {
    name: 'ecommerce-fraud',
    build: (app, layout) => new EcommerceFraudStack(app, 'EcommerceFraud', layout.props),
    start: (runtime) => runtime.startExecution('orders', ecommerceOrder('cost', 1)),
  },
];

interface WorkflowFigures {
  readonly context: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  executions: number;
  transitions: number;
  /** Task states entered: each a call that an Express execution's duration waits for. */
  tasks: number;
}

interface FlowFigures {
  readonly workflows: WorkflowFigures[];
  readonly invocations: { memoryMb: number; architecture: string }[];
  readonly events: number;
  readonly reads: number;
  readonly writes: number;
}

async function measure(example: Example, layout: Layout): Promise<FlowFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-ensemble-cost-${example.name}-`));
  const runtime = LocalRuntime.fromAssembly(
    synthesizeForLocalRun(dir, (app) => example.build(app, layout)),
  );
  try {
    example.start(runtime);
    await runtime.settle();
    const executions = runtime.record.allExecutions;
    const failed = executions.filter((e) => e.status !== 'SUCCEEDED');
    if (failed.length > 0)
      throw new Error(
        `${example.name} (${layout.name}): the happy path did not succeed: ${failed.map((e) => `${e.contextName} ${e.status} ${e.error}`).join(', ')}`,
      );
    const byContext = new Map<string, WorkflowFigures>();
    for (const execution of executions) {
      const spec = runtime.app.stateMachines.find((m) => m.logicalId === execution.stateMachine)!;
      const context = execution.contextName ?? execution.stateMachine;
      const figures = byContext.get(context) ?? {
        context,
        type: spec.type,
        executions: 0,
        transitions: 0,
        tasks: 0,
      };
      const entered = execution.transitions.filter((t) => t.event === 'entered');
      figures.executions++;
      figures.transitions += entered.length;
      figures.tasks += entered.filter((t) => t.type === 'Task').length;
      byContext.set(context, figures);
    }
    const functions = new Map(runtime.app.functions.map((f) => [f.logicalId, f]));
    const calls = runtime.record.tableCalls;
    const count = (...actions: string[]) => actions.reduce((n, a) => n + (calls[a] ?? 0), 0);
    return {
      workflows: [...byContext.values()],
      invocations: runtime.record.invocations.map((i) => {
        const fn = functions.get(i.functionId);
        return { memoryMb: fn?.memorySize ?? 128, architecture: fn?.architecture ?? 'x86_64' };
      }),
      events: runtime.record.allEvents.length,
      // Items of the await store are far below 1 KB (a write unit) and 4 KB (a read unit).
      reads: count('GetItem', 'Query'),
      writes: count('PutItem', 'UpdateItem', 'DeleteItem'),
    };
  } finally {
    runtime.dispose();
  }
}

interface Cost {
  readonly standardTransitions: number;
  readonly stepFunctions: number;
  readonly lambda: number;
  readonly eventBridge: number;
  readonly dynamoDb: number;
  readonly total: number;
}

/** Dollars per million flows. */
function cost(figures: FlowFigures): Cost {
  let standardTransitions = 0;
  let stepFunctions = 0;
  for (const w of figures.workflows) {
    if (w.type === 'STANDARD') {
      standardTransitions += w.transitions;
      stepFunctions += w.transitions * PRICE.standardTransition;
    } else {
      const billedMs = Math.ceil((w.tasks * ASSUMED.callMs) / w.executions / 100) * 100;
      const gbSeconds = (ASSUMED.expressMemoryMb / 1024) * (billedMs / 1000);
      stepFunctions += w.executions * (PRICE.expressRequest + gbSeconds * PRICE.expressGbSecond);
    }
  }
  const lambda = figures.invocations.reduce(
    (sum, i) =>
      sum +
      PRICE.lambdaRequest +
      (i.memoryMb / 1024) * (ASSUMED.lambdaMs / 1000) * PRICE.lambdaGbSecond[i.architecture],
    0,
  );
  const eventBridge = figures.events * PRICE.event;
  const dynamoDb = figures.writes * PRICE.writeUnit + figures.reads * PRICE.readUnit;
  const perMillion = (dollars: number) => dollars * 1e6;
  return {
    standardTransitions,
    stepFunctions: perMillion(stepFunctions),
    lambda: perMillion(lambda),
    eventBridge: perMillion(eventBridge),
    dynamoDb: perMillion(dynamoDb),
    total: perMillion(stepFunctions + lambda + eventBridge + dynamoDb),
  };
}

const dollars = (n: number) => `$${n.toFixed(n < 10 ? 2 : 0)}`;

export async function runCostBench(): Promise<void> {
  console.log(
    `cost of one happy-path flow, per million flows (us-east-1 prices; assumed: ${ASSUMED.lambdaMs} ms billed per handler, ${ASSUMED.callMs} ms per task in an Express duration)`,
  );
  for (const example of EXAMPLES) {
    console.log(`\n${example.name}`);
    for (const layout of LAYOUTS) {
      const figures = await measure(example, layout);
      const c = cost(figures);
      const perWorkflow = figures.workflows
        .map((w) =>
          w.type === 'STANDARD'
            ? `${w.context} ${w.transitions}`
            : `${w.context} Express (${w.transitions} states)`,
        )
        .join(', ');
      console.log(`  ${layout.name}`);
      console.log(`    billed transitions: ${c.standardTransitions} (${perWorkflow})`);
      console.log(
        `    Step Functions ${dollars(c.stepFunctions)} · Lambda ${dollars(c.lambda)} (${figures.invocations.length} invocations) · EventBridge ${dollars(c.eventBridge)} (${figures.events} events) · DynamoDB ${dollars(c.dynamoDb)} (${figures.writes} writes, ${figures.reads} reads) · total ${dollars(c.total)}`,
      );
    }
    if (example.name === 'food-delivery')
      console.log(
        `  wired by hand in plain aws-cdk-lib (reference): ${HAND_WIRED_FOOD_TRANSITIONS} transitions, ${dollars(HAND_WIRED_FOOD_TRANSITIONS * PRICE.standardTransition * 1e6)} in Step Functions`,
      );
  }
}

if (require.main === module) {
  runCostBench().catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
}

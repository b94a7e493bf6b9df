// Run: npx tsx bench/engine.ts   (part of npm run bench)
// Executions per second of the Step Functions engine alone running the food-delivery Orders
// definition with stub tasks, against aws-local-stepfunctions running the same definition with
// the same stubs, measured in the same run: as published, and with the JSONPath speed-up the
// local runtime applies to it.
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';
import { foodOrder } from './lib/orders';
import { LocalRuntime, synthesizeForLocalRun } from '../lib';
import { VirtualClock } from '../lib/runtime/clock';
import { resolveStateMachines } from '../lib/runtime/cfn-resolve';
import { StateMachineEngine, TaskRequest } from '../lib/runtime/engine';
import { testApp } from '../test/helpers';

const COUNT = Number(process.env.BENCH_ORDERS ?? 2000);
const BATCH = 25;

const order = (i: number) => foodOrder('bench', i);

// What each integration returns: the handler's new data, a PutEvents result, the awaited event.
function stubResult(name: string, input: any): unknown {
  if (name === 'AwaitAcceptance')
    return { event: 'OrderAccepted', source: 'food.restaurants', data: {} };
  if (name.startsWith('Publish ')) return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
  return input.data;
}

/** The definition without its execution timeout, as the runtime bench gives the baseline. */
function withoutTimeout(definition: object): Record<string, any> {
  return JSON.parse(JSON.stringify(definition), (key, value) =>
    key === 'TimeoutSeconds' ? undefined : value,
  );
}

async function timed(count: number, runOne: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    const runs = [];
    for (let j = i; j < Math.min(count, i + BATCH); j++) runs.push(runOne(j));
    await Promise.all(runs);
  }
  return count / ((performance.now() - started) / 1000);
}

function engineRunner(definition: object): (i: number) => Promise<unknown> {
  const tasks = Object.fromEntries(
    Object.entries(withoutTimeout(definition).States as Record<string, { Type: string }>)
      .filter(([, s]) => s.Type === 'Task')
      .map(([name]) => [
        name,
        (request: TaskRequest) => {
          const result = stubResult(name, request.input);
          // A callback task: the answer comes as SendTaskSuccess, as the resumer sends it.
          if (request.taskToken) engine.sendTaskSuccess(request.taskToken, result);
          return result;
        },
      ]),
  );
  const engine = new StateMachineEngine(withoutTimeout(definition), {
    clock: new VirtualClock(),
    tasks,
  });
  return async (i) => {
    const result = await engine.start(order(i)).done;
    if (result.status !== 'SUCCEEDED') throw new Error(`engine: ${JSON.stringify(result)}`);
  };
}

function awsLocalRunner(definition: object): (i: number) => Promise<unknown> {
  const stub = withoutTimeout(definition);
  const machine = new StateMachine(stub as never, { validationOptions: { noValidate: true } });
  const overrides = {
    taskResourceLocalHandlers: Object.fromEntries(
      Object.entries(stub.States as Record<string, { Type: string }>)
        .filter(([, s]) => s.Type === 'Task')
        .map(([name]) => [name, async (input: any) => stubResult(name, input)]),
    ),
  };
  const context = {
    Task: { Token: 't' },
    State: { EnteredTime: 'now' },
    Execution: { Id: 'e' },
    StateMachine: { Name: 'orders' },
  };
  return (i) =>
    machine.run(order(i) as never, { overrides: overrides as never, context: context as never })
      .result;
}

const ROUNDS = 3;

/** Best of ROUNDS alternating runs of each runner, after a warm-up: the JIT and the load of the machine weigh the same on both. */
async function compare(
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<[number, number]> {
  await timed(500, a);
  await timed(500, b);
  let bestA = 0;
  let bestB = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bestA = Math.max(bestA, await timed(COUNT, a));
    bestB = Math.max(bestB, await timed(COUNT, b));
  }
  return [bestA, bestB];
}

export async function runEngineBench(): Promise<{ engine: number; baseline: number }> {
  const template = Template.fromStack(new FoodDeliveryStack(testApp(), 'FoodDelivery')).toJSON();
  const orders = resolveStateMachines(template).find((m) => m.logicalId.startsWith('Orders'))!;
  const engineRun = engineRunner(orders.definition);
  const [engineFirst, published] = await compare(engineRun, awsLocalRunner(orders.definition));
  // Setting up a local run applies the runtime's JSONPath speed-up to aws-local-stepfunctions.
  const assembly = synthesizeForLocalRun(
    path.join(os.tmpdir(), 'cdk-ensemble-bench-engine'),
    (app) => new FoodDeliveryStack(app, 'FoodDelivery'),
  );
  const runtime = LocalRuntime.fromAssembly(assembly);
  let engineSecond: number;
  let baseline: number;
  try {
    [engineSecond, baseline] = await compare(engineRun, awsLocalRunner(orders.definition));
  } finally {
    runtime.dispose();
  }
  const engine = Math.max(engineFirst, engineSecond);
  console.log(
    `engine alone: the food-delivery Orders definition with stub tasks, best of ${ROUNDS} x ${COUNT} executions`,
  );
  console.log(`  engine:                                      ${engine.toFixed(0)} executions/s`);
  console.log(
    `  aws-local-stepfunctions with the speed-up:   ${baseline.toFixed(0)} executions/s (engine / it: ${(engine / baseline).toFixed(2)})`,
  );
  console.log(
    `  aws-local-stepfunctions as published:        ${published.toFixed(0)} executions/s (engine / it: ${(engine / published).toFixed(2)})`,
  );
  return { engine, baseline };
}

if (require.main === module) {
  runEngineBench().catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
}

// Run: npx tsx bench/runtime.ts   (part of npm run bench)
// Complete food-delivery orders per second through the local runtime, every context included,
// against a baseline measured in the same run: aws-local-stepfunctions alone running the Orders
// definition with stub tasks (no bundles, no bus, no await plumbing).
import * as os from 'node:os';
import * as path from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';
import { foodOrder } from './lib/orders';
import { LocalRuntime, synthesizeForLocalRun } from '../lib';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);
const BATCH = 25;

const order = (i: number) => foodOrder('bench', i);

async function throughput(runtime: LocalRuntime, count: number, offset = 0): Promise<number> {
  const before = runtime.record.events('VoucherIssued').length;
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    for (let j = i; j < Math.min(count, i + BATCH); j++)
      runtime.startExecution('orders', order(offset + j));
    await runtime.settle();
  }
  const seconds = (performance.now() - started) / 1000;
  const completed = runtime.record.events('VoucherIssued').length - before;
  if (completed < count) throw new Error(`only ${completed} of ${count} orders completed`);
  return count / seconds;
}

async function baseline(definition: Record<string, unknown>, count: number): Promise<number> {
  const stub = JSON.parse(JSON.stringify(definition), (key, value) =>
    key === 'TimeoutSeconds' ? undefined : value,
  );
  const machine = new StateMachine(stub, { validationOptions: { noValidate: true } });
  const tasks = Object.entries(stub.States as Record<string, { Type: string }>).filter(
    ([, s]) => s.Type === 'Task',
  );
  const overrides = {
    taskResourceLocalHandlers: Object.fromEntries(
      tasks.map(([name]) => [name, async (input: any) => stubResult(name, input)]),
    ),
  };
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    const runs = [];
    for (let j = i; j < Math.min(count, i + BATCH); j++) {
      runs.push(
        machine.run(order(j) as never, {
          overrides: overrides as never,
          context: {
            Task: { Token: 't' },
            State: { EnteredTime: 'now' },
            Execution: { Id: 'e' },
            StateMachine: { Name: 'orders' },
          } as never,
        }).result,
      );
    }
    await Promise.all(runs);
  }
  return count / ((performance.now() - started) / 1000);
}

// What each integration returns: the handler's new data, a PutEvents result, the awaited event.
function stubResult(name: string, input: any): unknown {
  if (name === 'AwaitAcceptance')
    return { event: 'OrderAccepted', source: 'food.restaurants', data: {} };
  if (name.startsWith('Publish ')) return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
  return input.data;
}

export async function runRuntimeBench(): Promise<{
  ordersPerSecond: number;
  baselinePerSecond: number;
}> {
  const assembly = synthesizeForLocalRun(
    path.join(os.tmpdir(), 'cdk-ensemble-bench-runtime'),
    (app) => new FoodDeliveryStack(app, 'FoodDelivery'),
  );
  const runtime = LocalRuntime.fromAssembly(assembly);
  try {
    await throughput(runtime, 200); // warm-up: loads every bundle, warms the JIT
    const ordersPerSecond = await throughput(runtime, ORDERS, 200);
    const entered = runtime.record.allExecutions.reduce(
      (n, e) => n + e.transitions.filter((t) => t.event === 'entered').length,
      0,
    );
    const statesPerOrder = entered / (ORDERS + 200);
    const orders = runtime.app.stateMachines.find((m) => m.contextName === 'orders')!;
    await baseline(orders.definition, 100);
    const baselinePerSecond = await baseline(orders.definition, ORDERS);
    console.log(
      `local runtime: ${ORDERS} complete food-delivery orders (4 contexts, ${statesPerOrder.toFixed(0)} states entered per order)`,
    );
    console.log(
      `  orders per second:                  ${ordersPerSecond.toFixed(0)} (target >= 1000)`,
    );
    console.log(
      `  baseline, Orders machine alone:     ${baselinePerSecond.toFixed(0)} executions/s (aws-local-stepfunctions with the runtime's JSONPath speed-up, stub tasks)`,
    );
    console.log(
      `  ratio runtime / baseline:           ${(ordersPerSecond / baselinePerSecond).toFixed(2)}`,
    );
    return { ordersPerSecond, baselinePerSecond };
  } finally {
    runtime.dispose();
  }
}

if (require.main === module) {
  runRuntimeBench().catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
}

// Run: npx tsx bench/runtime.ts   (part of npm run bench)
// Complete food-delivery orders per second through the whole local runtime (every context, the
// handlers' real bundles, the bus, the await plumbing), against a baseline measured in the same
// run: the runtime's Step Functions engine alone running the Orders definition with stub tasks.
// Prints the peak memory of the process too.
import * as os from 'node:os';
import * as path from 'node:path';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';
import { foodOrder } from './lib/orders';
import { LocalRuntime, synthesizeForLocalRun } from '../lib';
import { VirtualClock } from '../lib/runtime/clock';
import { StateMachineEngine, TaskRequest } from '../lib/runtime/engine';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 3000);
const BATCH = 25;
const ROUNDS = 3;

const order = (i: number) => foodOrder('bench', i);

async function throughput(runtime: LocalRuntime, count: number, offset: number): Promise<number> {
  const before = runtime.record.summary().events.byType['VoucherIssued'] ?? 0;
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    for (let j = i; j < Math.min(count, i + BATCH); j++)
      runtime.startExecution('orders', order(offset + j));
    await runtime.settle();
  }
  const seconds = (performance.now() - started) / 1000;
  const completed = (runtime.record.summary().events.byType['VoucherIssued'] ?? 0) - before;
  if (completed < count) throw new Error(`only ${completed} of ${count} orders completed`);
  return count / seconds;
}

// What each integration returns: the handler's new data, a PutEvents result, the awaited event.
function stubResult(name: string, input: any): unknown {
  if (name === 'AwaitAcceptance')
    return { event: 'OrderAccepted', source: 'food.restaurants', data: {} };
  if (name.startsWith('Publish ')) return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
  if (input && typeof input === 'object' && 'Payload' in input)
    return { Payload: input.Payload?.data ?? {} };
  return input?.data ?? {};
}

/** The engine alone on the Orders definition, each task a stub answering at once. */
async function engineAlone(definition: object, count: number): Promise<number> {
  const states = (definition as { States: Record<string, { Type: string }> }).States;
  const tasks = Object.fromEntries(
    Object.entries(states)
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
  const engine = new StateMachineEngine(definition, {
    clock: new VirtualClock(),
    tasks,
    keepTransitions: false,
  });
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    const runs = [];
    for (let j = i; j < Math.min(count, i + BATCH); j++) runs.push(engine.start(order(j)).done);
    for (const result of await Promise.all(runs))
      if (result.status !== 'SUCCEEDED') throw new Error(`engine: ${JSON.stringify(result)}`);
  }
  return count / ((performance.now() - started) / 1000);
}

export async function runRuntimeBench(): Promise<{
  ordersPerSecond: number;
  enginePerSecond: number;
}> {
  const assembly = synthesizeForLocalRun(
    path.join(os.tmpdir(), 'cdk-ensemble-bench-runtime'),
    (app) => new FoodDeliveryStack(app, 'FoodDelivery'),
  );
  const runtime = LocalRuntime.fromAssembly(assembly, { record: 'summary' });
  try {
    const orders = runtime.app.stateMachines.find((m) => m.contextName === 'orders')!;
    // Warm-up: loads every bundle and warms the JIT for both.
    await throughput(runtime, 300, 0);
    await engineAlone(orders.definition, 300);
    // Best of alternating rounds: a busy neighbour on the machine weighs the same on both.
    let ordersPerSecond = 0;
    let enginePerSecond = 0;
    for (let round = 0; round < ROUNDS; round++) {
      ordersPerSecond = Math.max(
        ordersPerSecond,
        await throughput(runtime, ORDERS, 300 + round * ORDERS),
      );
      enginePerSecond = Math.max(enginePerSecond, await engineAlone(orders.definition, ORDERS));
    }
    const summary = runtime.record.summary();
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      `local runtime: best of ${ROUNDS} x ${ORDERS} complete food-delivery orders (4 contexts, ${summary.executions.total} executions in all)`,
    );
    console.log(
      `  complete orders per second:         ${ordersPerSecond.toFixed(0)} (target >= 3000)`,
    );
    console.log(
      `  engine alone, Orders machine:       ${enginePerSecond.toFixed(0)} executions/s (stub tasks)`,
    );
    console.log(
      `  ratio orders / engine executions:   ${(ordersPerSecond / enginePerSecond).toFixed(2)} (target >= 0.25)`,
    );
    console.log(`  peak memory (max RSS):              ${peakMiB.toFixed(0)} MiB`);
    return { ordersPerSecond, enginePerSecond };
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

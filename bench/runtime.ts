// Run: npx tsx bench/runtime.ts   (part of npm run bench)
// Complete food-delivery orders per second through the whole local runtime (every context, the
// handlers' real bundles, the bus, the await plumbing), against a baseline measured in the same
// run: the runtime's Step Functions engine alone running the Orders definition with stub tasks.
// Prints the peak memory of the process too.
import * as os from 'node:os';
import * as path from 'node:path';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';
import { foodOrder } from './lib/orders';
import { LocalRuntime, synthesizeForLocalRun } from '../lib';
import { VirtualClock } from '../lib/runtime/clock';
import { StateMachineEngine, TaskRequest } from '../lib/runtime/engine';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 3000);
const BATCH = 25;
const ROUNDS = 3;

const order = (i: number) => foodOrder('bench', i);

/** Rates per second of wall-clock time and per second of this process's CPU time. */
interface Rate {
  readonly wall: number;
  readonly cpu: number;
}

/** Runs `work`; its rate per wall-clock second and per CPU second of this process. */
async function rate(count: number, work: () => Promise<void>): Promise<Rate> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { wall: count / wall, cpu: count / ((used.user + used.system) / 1e6) };
}

async function throughput(runtime: LocalRuntime, count: number, offset: number): Promise<Rate> {
  const before = runtime.record.summary().events.byType['VoucherIssued'] ?? 0;
  const result = await rate(count, async () => {
    for (let i = 0; i < count; i += BATCH) {
      for (let j = i; j < Math.min(count, i + BATCH); j++)
        runtime.startExecution('orders', order(offset + j));
      await runtime.settle();
    }
  });
  const completed = (runtime.record.summary().events.byType['VoucherIssued'] ?? 0) - before;
  if (completed < count) throw new Error(`only ${completed} of ${count} orders completed`);
  return result;
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
async function engineAlone(definition: object, count: number): Promise<Rate> {
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
  return rate(count, async () => {
    for (let i = 0; i < count; i += BATCH) {
      const runs = [];
      for (let j = i; j < Math.min(count, i + BATCH); j++) runs.push(engine.start(order(j)).done);
      for (const result of await Promise.all(runs))
        if (result.status !== 'SUCCEEDED') throw new Error(`engine: ${JSON.stringify(result)}`);
    }
  });
}

const best = (a: Rate, b: Rate): Rate => ({
  wall: Math.max(a.wall, b.wall),
  cpu: Math.max(a.cpu, b.cpu),
});

/** Both layouts of the definitions: the JSONata default, and JSONPath. */
const LAYOUTS: { name: string; queryLanguage?: sfn.QueryLanguage }[] = [
  { name: 'JSONata (default)' },
  { name: 'JSONPath', queryLanguage: sfn.QueryLanguage.JSON_PATH },
];

export async function runRuntimeBench(): Promise<void> {
  for (const layout of LAYOUTS) await benchLayout(layout.name, layout.queryLanguage);
}

async function benchLayout(
  name: string,
  queryLanguage: sfn.QueryLanguage | undefined,
): Promise<{ orders: Rate; engine: Rate }> {
  const assembly = synthesizeForLocalRun(
    path.join(os.tmpdir(), `cdk-ensemble-bench-runtime-${queryLanguage ?? 'default'}`),
    (app) => new FoodDeliveryStack(app, 'FoodDelivery', { queryLanguage }),
  );
  const runtime = LocalRuntime.fromAssembly(assembly, { record: 'summary' });
  try {
    const orders = runtime.app.stateMachines.find((m) => m.contextName === 'orders')!;
    // Warm-up: loads every bundle and warms the JIT for both.
    await throughput(runtime, 300, 0);
    await engineAlone(orders.definition, 300);
    // Best of alternating rounds: a busy neighbour on the machine weighs the same on both.
    let ordersRate: Rate = { wall: 0, cpu: 0 };
    let engineRate: Rate = { wall: 0, cpu: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      ordersRate = best(ordersRate, await throughput(runtime, ORDERS, 300 + round * ORDERS));
      engineRate = best(engineRate, await engineAlone(orders.definition, ORDERS));
    }
    const summary = runtime.record.summary();
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      `local runtime, ${name} definitions: best of ${ROUNDS} x ${ORDERS} complete food-delivery orders (4 contexts, ${summary.executions.total} executions in all)`,
    );
    const line = (label: string, r: Rate, unit: string) =>
      console.log(
        `  ${label.padEnd(34)} ${r.wall.toFixed(0).padStart(6)} ${unit} per second (${r.cpu.toFixed(0)} per CPU second)`,
      );
    line('complete orders:', ordersRate, 'orders');
    line('engine alone, Orders machine:', engineRate, 'executions');
    console.log(
      `  ratio orders / engine executions:  ${(ordersRate.wall / engineRate.wall).toFixed(2)} (${(ordersRate.cpu / engineRate.cpu).toFixed(2)} in CPU time)`,
    );
    console.log(`  peak memory (max RSS):             ${peakMiB.toFixed(0)} MiB`);
    console.log(
      `  (CPU time counts only this process: on a machine shared with other work, it is the steadier figure)`,
    );
    return { orders: ordersRate, engine: engineRate };
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

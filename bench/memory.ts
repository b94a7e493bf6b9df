// Run: npx tsx bench/memory.ts   (part of npm run bench)
// Peak memory of a long simulation: 10,000 food-delivery orders (1 in 100 invalid, so that some
// flows fail) through one local runtime, with the full record and with the bounded record
// ('summary': counts, and only the failed flows in full). Each mode runs in a child process of
// its own, which reports its peak resident set size; the baseline is a child that loads the
// same runtime, runs the same warm-up and no orders.
import { fork } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';
import { foodOrder } from './lib/orders';
import { LocalRuntime, RecordOption, synthesizeForLocalRun } from '../lib';

const ORDERS = Number(process.env.BENCH_MEMORY_ORDERS ?? 10_000);
const BATCH = 25;
const MODES = ['baseline', 'full', 'summary'] as const;
type Mode = (typeof MODES)[number];

interface ChildReport {
  mode: Mode;
  peakMiB: number;
  seconds: number;
  executions: number;
  keptExecutions: number;
  failed: number;
}

/** One order in a hundred has no items, so its flow fails and a bounded record keeps it. */
const order = (i: number) => foodOrder('memory', i, { invalid: i % 100 === 99 });

/** Peak resident set size of this process, in MiB (maxRSS is in KiB). */
function peakMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function child(assembly: string, mode: Mode): Promise<ChildReport> {
  const record: RecordOption = mode === 'summary' ? 'summary' : 'full';
  const runtime = LocalRuntime.fromAssembly(assembly, { record });
  try {
    const count = mode === 'baseline' ? 0 : ORDERS;
    const started = performance.now();
    // Warm-up: every bundle loaded, as in the runs with orders.
    runtime.startExecution('orders', order(-1));
    await runtime.settle();
    for (let i = 0; i < count; i += BATCH) {
      for (let j = i; j < Math.min(count, i + BATCH); j++)
        runtime.startExecution('orders', order(j));
      await runtime.settle();
    }
    const summary = runtime.record.summary();
    if (summary.events.byType.VoucherIssued !== count + 1 - Math.floor(count / 100))
      throw new Error(
        `${mode}: ${summary.events.byType.VoucherIssued} vouchers for ${count} orders`,
      );
    return {
      mode,
      peakMiB: peakMiB(),
      seconds: (performance.now() - started) / 1000,
      executions: summary.executions.total,
      keptExecutions: runtime.record.allExecutions.length,
      failed: summary.executions.FAILED,
    };
  } finally {
    runtime.dispose();
  }
}

/** Run one mode in a child process (the same file, with the same loader) and read its report. */
function measure(assembly: string, mode: Mode): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, [], {
      env: { ...process.env, BENCH_MEMORY_CHILD: mode, BENCH_MEMORY_ASSEMBLY: assembly },
    });
    let report: ChildReport | undefined;
    proc.on('message', (message) => (report = message as ChildReport));
    proc.on('error', reject);
    proc.on('exit', (code) =>
      report ? resolve(report) : reject(new Error(`${mode} run exited with ${code}`)),
    );
  });
}

export async function runMemoryBench(): Promise<Record<Mode, ChildReport>> {
  const assembly = synthesizeForLocalRun(
    path.join(os.tmpdir(), 'cdk-ensemble-bench-memory'),
    (app) => new FoodDeliveryStack(app, 'FoodDelivery'),
  );
  const reports = {} as Record<Mode, ChildReport>;
  // One at a time: the machine's cores are shared, and each peak is the child's own.
  for (const mode of MODES) reports[mode] = await measure(assembly, mode);
  const { baseline, full, summary } = reports;
  const line = (label: string, r: ChildReport) =>
    `  ${label.padEnd(36)}${r.peakMiB.toFixed(0).padStart(5)} MiB peak RSS` +
    (r.mode === 'baseline'
      ? ''
      : `, ${r.seconds.toFixed(1)} s, ${r.executions} executions (${r.failed} failed), ${r.keptExecutions} kept in the record`);
  console.log(
    `local runtime memory: ${ORDERS} food-delivery orders in one runtime (1 in 100 invalid), settled every ${BATCH}`,
  );
  console.log(line('runtime loaded, no orders (baseline):', baseline));
  console.log(line("full record (record: 'full'):", full));
  console.log(line("bounded record (record: 'summary'):", summary));
  console.log(
    `  ratio bounded / full:                 ${(summary.peakMiB / full.peakMiB).toFixed(2)} (target: bounded < 300 MiB)`,
  );
  return reports;
}

if (require.main === module) {
  const mode = process.env.BENCH_MEMORY_CHILD as Mode | undefined;
  const run = mode
    ? child(process.env.BENCH_MEMORY_ASSEMBLY!, mode).then((report) => {
        process.send!(report);
      })
    : runMemoryBench();
  run.catch((error: Error) => {
    console.error(error);
    process.exit(1);
  });
}

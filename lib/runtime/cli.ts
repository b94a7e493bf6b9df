import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { Duration } from 'aws-cdk-lib';
import { PutEventsEntry } from './event-router';
import { LocalRuntime } from './local-runtime';

/** Where the command writes; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `Usage: cdk-ensemble run [--app cdk.out] (--start <context> --input <file.json> | --event <file.json>)
                        [--advance <duration>] [--diagram <file.mmd>] [--json]

Runs a synthesized app locally, offline, with its real handler bundles.
  --app       the cloud assembly directory written by 'cdk synth' (default: cdk.out)
  --start     a bounded context to start (its name, e.g. orders), with --input
  --input     the workflow input: an envelope {"metadata": {"correlationId": ...}, "data": {...}},
              or plain data, which gets a fresh correlationId
  --event     events to put on the bus: one PutEvents entry {"Source", "DetailType", "Detail"}
              or an array of them (Detail may be an object)
  --advance   let virtual time pass after the run settles: 90s, 10m, 2h, 1d (default: 0)
  --diagram   write a Mermaid sequence diagram of the run to this file
  --json      print the run record as JSON instead of a timeline`;

/** Thrown for a bad command line or input file: exit code 2. */
export class UsageError extends Error {}

/** Run the command; returns the exit code (0 ok, 1 the run had failures, 2 bad usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let runtime: LocalRuntime | undefined;
  try {
    const options = parseOptions(argv);
    if (options === 'help') {
      io.out(USAGE);
      return 0;
    }
    runtime = LocalRuntime.fromAssembly(options.app);
    if (options.start)
      runtime.startExecution(options.start, envelope(readJson(options.input!, '--input')));
    if (options.event)
      runtime.putEvents(entries(readJson(options.event, '--event'), options.event));
    await runtime.settle();
    if (options.advance) await runtime.advance(parseDuration(options.advance));
    if (options.diagram) fs.writeFileSync(options.diagram, runtime.record.toMermaid());
    io.out(options.json ? JSON.stringify(summary(runtime), null, 2) : runtime.record.timeline());
    const failed = runtime.record.allExecutions.filter(
      (e) => e.status === 'FAILED' || e.status === 'TIMED_OUT',
    );
    if (!options.json) {
      const running = runtime.record.allExecutions.filter((e) => e.status === 'RUNNING').length;
      io.out(
        `\n${runtime.record.allExecutions.length} executions (${failed.length} failed, ${running} still waiting), ${runtime.record.allEvents.length} events, ${runtime.record.deadLetters.length} dead letters`,
      );
    }
    return failed.length > 0 || runtime.record.deadLetters.length > 0 ? 1 : 0;
  } catch (error) {
    const e = error as Error;
    io.err(`cdk-ensemble: ${e.message}`);
    const usage = e instanceof UsageError || e.name === 'StateMachineDoesNotExist';
    if (usage) io.err(`\n${USAGE}`);
    return usage || e.name === 'AssemblyError' ? 2 : 1;
  } finally {
    runtime?.dispose();
  }
}

interface Options {
  app: string;
  start?: string;
  input?: string;
  event?: string;
  advance?: string;
  diagram?: string;
  json: boolean;
}

function parseOptions(argv: string[]): Options | 'help' {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help')
    return 'help';
  if (command !== 'run') throw new UsageError(`unknown command '${command}'`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        app: { type: 'string', default: 'cdk.out' },
        start: { type: 'string' },
        input: { type: 'string' },
        event: { type: 'string' },
        advance: { type: 'string' },
        diagram: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options = values as unknown as Options;
  if (!options.start && !options.event)
    throw new UsageError('give --start <context> --input <file> or --event <file>');
  if (options.start && !options.input) throw new UsageError('--start needs --input <file.json>');
  if (options.input && !options.start) throw new UsageError('--input goes with --start <context>');
  if (options.advance) parseDuration(options.advance);
  return options;
}

function readJson(file: string, flag: string): unknown {
  if (!fs.existsSync(file)) throw new UsageError(`${flag} ${file}: no such file`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${flag} ${file}: not valid JSON (${(error as Error).message})`);
  }
}

function envelope(input: unknown): unknown {
  const value = input as { metadata?: { correlationId?: unknown } } | null;
  if (value && typeof value === 'object' && value.metadata?.correlationId !== undefined)
    return value;
  return { metadata: { correlationId: randomUUID() }, data: input };
}

function entries(input: unknown, file: string): PutEventsEntry[] {
  const list = Array.isArray(input) ? input : [input];
  return list.map((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const source = e.Source ?? e.source;
    const detailType = e.DetailType ?? e['detail-type'];
    const detail = e.Detail ?? e.detail;
    if (typeof source !== 'string' || typeof detailType !== 'string' || detail === undefined) {
      throw new UsageError(
        `--event ${file}: entry ${i} needs Source, DetailType and Detail (got ${Object.keys(e).join(', ') || 'nothing'})`,
      );
    }
    return {
      Source: source,
      DetailType: detailType,
      Detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
    };
  });
}

/** `90s`, `10m`, `2h`, `1d` as a Duration. */
export function parseDuration(text: string): Duration {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match)
    throw new UsageError(
      `--advance ${text}: use a number and a unit, for example 90s, 10m, 2h or 1d`,
    );
  const n = Number(match[1]);
  return { s: Duration.seconds, m: Duration.minutes, h: Duration.hours, d: Duration.days }[
    match[2] as 's' | 'm' | 'h' | 'd'
  ](n);
}

function summary(runtime: LocalRuntime) {
  const r = runtime.record;
  return {
    executions: r.allExecutions.map(({ transitions: _t, ...e }) => e),
    events: r.allEvents,
    deadLetters: r.deadLetters,
    invocations: r.invocations.map(({ logs: _l, ...i }) => i),
  };
}

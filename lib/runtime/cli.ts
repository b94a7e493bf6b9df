import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Command, CommanderError, Option } from 'commander';
import { addDocsCommands } from '../docs/commands';
import { OpsEnvironment, OpsUsageError, registerOpsCommands } from '../ops/commands';
import { OpsSetupError } from '../ops/errors';
import { PutEventsEntry } from './event-router';
import { LocalRuntime } from './local-runtime';
import { RecordOption } from './record';

/** Where the command writes; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Thrown for a bad command line or input file: exit code 2. */
export class UsageError extends Error {}

const EXIT_CODES = `
Exit codes: 0 when every execution succeeded or still waits, 1 when one failed or an event
went to a dead-letter queue, 2 for bad usage (a missing or broken assembly, an unknown
context, a malformed input file).

Examples:
  cdk-ensemble run --app cdk.out --start orders --input order.json
  cdk-ensemble run --event early-answer.json --start orders --input order.json --advance 10m
  cdk-ensemble run --event order-accepted.json --json --record summary`;

/** A step of a run, in the order given on the command line. */
type Step = { kind: 'start'; context: string; input?: string } | { kind: 'event'; file: string };

interface RunOptions {
  app: string;
  advance?: string;
  diagram?: string;
  json: boolean;
  record: 'full' | 'summary';
}

/**
 * Run the command; returns the exit code (0 ok, 1 the run had failures, 2 bad usage).
 * `ops` fixes what the operations commands (trace, replay, redrive) run against.
 */
export async function runCli(argv: string[], io: CliIo, ops: OpsEnvironment = {}): Promise<number> {
  let exitCode = 0;
  const steps: Step[] = [];
  const inputs: string[] = [];
  // Commander writes help in pieces: it is printed as one block.
  let written = '';
  const program = buildProgram(
    (text) => (written += text),
    steps,
    inputs,
    async (options) => {
      exitCode = await run(options, steps, inputs, io);
    },
  );
  registerOpsCommands(program, io, ops, (code) => (exitCode = code));
  // Usage errors are shown with the help of the command they belong to.
  const command = program.commands.find((c) => c.name() === argv[0]);
  const run_ = program.commands.find((c) => c.name() === 'run')!;
  addDocsCommands(program, { ...io, exit: (code) => (exitCode = code) });
  try {
    // No command at all: show what there is, as --help does.
    await program.parseAsync(argv.length === 0 ? ['--help'] : argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) {
        io.out(written.trimEnd());
        return 0;
      }
      io.err(`cdk-ensemble: ${error.message.replace(/^error: /, '')}`);
      io.err(`\n${(command ?? program).helpInformation().trimEnd()}`);
      return 2;
    }
    const e = error as Error;
    io.err(`cdk-ensemble: ${e.message}`);
    // A missing piece of the deployed app or the environment: one line, exit 2.
    if (e instanceof OpsSetupError) return 2;
    if (e instanceof OpsUsageError) {
      io.err(`\n${command!.helpInformation().trimEnd()}`);
      return 2;
    }
    const usage = e instanceof UsageError || e.name === 'StateMachineDoesNotExist';
    if (usage) io.err(`\n${run_.helpInformation().trimEnd()}`);
    return usage || e.name === 'AssemblyError' ? 2 : 1;
  }
}

function buildProgram(
  write: (text: string) => void,
  steps: Step[],
  inputs: string[],
  action: (options: RunOptions) => Promise<void>,
): Command {
  const version = packageVersion();
  const program = new Command('cdk-ensemble')
    .description(
      'Run a synthesized cdk-ensemble app locally, offline, on a virtual clock; trace, replay and redrive a deployed one.',
    )
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: write,
      writeErr: write,
      // Errors are reported by runCli, with the usage of the command.
      outputError: () => undefined,
    });
  program
    .command('run')
    .description('Run a synthesized app locally, offline, with its real handler bundles.')
    .version(version)
    .option('--app <dir>', "the cloud assembly directory written by 'cdk synth'", 'cdk.out')
    .option(
      '--start <context>',
      'start a bounded context (its name, orders, or its construct id, Orders) with the next --input; repeatable',
      (context: string) => {
        steps.push({ kind: 'start', context });
      },
    )
    .option(
      '--input <file.json>',
      'the input of a --start: an envelope {"metadata": {"correlationId": ...}, "data": {...}}, or plain data, which gets a fresh correlationId',
      (file: string) => {
        inputs.push(file);
      },
    )
    .option(
      '--event <file.json>',
      'put events on the bus: one PutEvents entry {"Source", "DetailType", "Detail"} or an array of them (Detail may be an object); repeatable, applied in order with --start',
      (file: string) => {
        steps.push({ kind: 'event', file });
      },
    )
    .option('--advance <duration>', 'let virtual time pass after the run settles: 90s, 10m, 2h, 1d')
    .option('--diagram <file.mmd>', 'write a Mermaid sequence diagram of the run to this file')
    .option('--json', 'print the run record as JSON instead of a timeline', false)
    .addOption(
      new Option(
        '--record <mode>',
        'full: keep everything; summary: counts, and in full only the flows that failed (long runs)',
      )
        .choices(['full', 'summary'])
        .default('full'),
    )
    .addHelpText('after', EXIT_CODES)
    .action((options: RunOptions) => action(options));
  return program;
}

async function run(options: RunOptions, steps: Step[], inputs: string[], io: CliIo) {
  checkSteps(steps, inputs);
  if (options.advance) parseDuration(options.advance);
  // Every file is read and checked before anything runs.
  const actions = steps.map((step) =>
    step.kind === 'start'
      ? { step, input: envelope(readJson(step.input!, '--input'), step.input!) }
      : { step, entries: entries(readJson(step.file, '--event'), step.file) },
  );
  const record: RecordOption = options.record;
  const runtime = loadRuntime(options.app, record);
  try {
    // Each step settles before the next: an event given first is on the bus before the start.
    for (const action of actions) {
      if (action.step.kind === 'start') runtime.startExecution(action.step.context, action.input);
      else putEvents(runtime, action.entries!, action.step.file);
      await runtime.settle();
    }
    if (options.advance) await runtime.advance(parseDuration(options.advance));
    if (options.diagram) fs.writeFileSync(options.diagram, runtime.record.toMermaid());
    return report(runtime, options.json, io);
  } finally {
    runtime.dispose();
  }
}

function checkSteps(steps: Step[], inputs: string[]): void {
  const starts = steps.filter((s): s is Step & { kind: 'start' } => s.kind === 'start');
  if (steps.length === 0 && inputs.length > 0)
    throw new UsageError('--input goes with --start <context>');
  if (steps.length === 0)
    throw new UsageError('give --start <context> --input <file> or --event <file>');
  if (inputs.length > starts.length) throw new UsageError('--input goes with --start <context>');
  if (inputs.length < starts.length) throw new UsageError('--start needs --input <file.json>');
  // The n-th --input is the input of the n-th --start.
  starts.forEach((start, i) => (start.input = inputs[i]));
}

function loadRuntime(app: string, record: RecordOption): LocalRuntime {
  // A file of the assembly that does not parse is an AssemblyError naming it.
  return LocalRuntime.fromAssembly(app, { record });
}

function readJson(file: string, flag: string): unknown {
  if (!fs.existsSync(file)) throw new UsageError(`${flag} ${file}: no such file`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${flag} ${file}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * The workflow input: an envelope as given, or plain data in a new envelope.
 * An object with `metadata` is an envelope; without a correlationId the
 * workflow would fail at its first publish (after its first side effect),
 * so it is refused here rather than silently wrapped.
 */
function envelope(input: unknown, file: string): unknown {
  const value = input as { metadata?: { correlationId?: unknown } } | null;
  if (value === null || typeof value !== 'object' || !('metadata' in value))
    return { metadata: { correlationId: randomUUID() }, data: input };
  const correlationId = value.metadata?.correlationId;
  if (typeof correlationId !== 'string' || correlationId === '') {
    throw new UsageError(
      `--input ${file}: the envelope has no metadata.correlationId; add one ("metadata": {"correlationId": "order-1"}), or give the plain data alone to get a fresh one`,
    );
  }
  return value;
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
    return { Source: source, DetailType: detailType, Detail: detailText(detail, file, i) };
  });
}

/**
 * PutEvents takes a Detail that is "a valid JSON object"; an entry whose
 * Detail is not would be failed by EventBridge, so it is refused here
 * instead of being dropped.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html
 */
function detailText(detail: unknown, file: string, i: number): string {
  let value = detail;
  if (typeof detail === 'string') {
    try {
      value = JSON.parse(detail);
    } catch (error) {
      throw new UsageError(
        `--event ${file}: entry ${i}: Detail is not valid JSON (${(error as Error).message})`,
      );
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
    throw new UsageError(`--event ${file}: entry ${i}: Detail must be a JSON object, got ${got}`);
  }
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

function putEvents(runtime: LocalRuntime, list: PutEventsEntry[], file: string): void {
  // PutEvents takes at most 10 entries a call; a file may hold more.
  for (let i = 0; i < list.length; i += 10) {
    const result = runtime.putEvents(list.slice(i, i + 10));
    result.Entries.forEach((entry, j) => {
      if (entry.ErrorCode)
        throw new UsageError(
          `--event ${file}: entry ${i + j} refused: ${entry.ErrorCode}: ${entry.ErrorMessage}`,
        );
    });
  }
}

function report(runtime: LocalRuntime, json: boolean, io: CliIo): number {
  const record = runtime.record;
  const counts = record.summary();
  io.out(json ? JSON.stringify(summary(runtime), null, 2) : record.timeline());
  const failed = counts.executions.FAILED + counts.executions.TIMED_OUT;
  if (!json) {
    const warnings = record.warnings.length;
    io.out(
      `\n${counts.executions.total} executions (${failed} failed, ${counts.executions.RUNNING} still waiting), ${counts.events.total} events, ${record.deadLetters.length} dead letters` +
        (warnings > 0 ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''),
    );
  }
  return failed > 0 || record.deadLetters.length > 0 ? 1 : 0;
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
    summary: r.summary(),
    executions: r.allExecutions.map(({ transitions: _t, ...e }) => e),
    events: r.allEvents,
    deadLetters: r.deadLetters,
    warnings: r.warnings,
    invocations: r.invocations.map(({ logs: _l, ...i }) => i),
  };
}

/** This package's version, read from its package.json (two levels up from here, or three once built). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'cdk-ensemble' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

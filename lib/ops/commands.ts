import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { createClients, OpsClientConfig, OpsClients, realSleep, Sleep } from './clients';
import { discoverApp } from './discovery';
import { setupProblem } from './errors';
import { redrive } from './redrive';
import { Progress, replay } from './replay';
import { trace } from './trace';

/** Where the commands write. */
export interface OpsIo {
  out(line: string): void;
  err(line: string): void;
}

/** What the operations commands run against; tests fix every part. */
export interface OpsEnvironment {
  /** Client configuration (region, credentials). @default - the usual AWS environment */
  readonly clientConfig?: OpsClientConfig;
  /** @default real timers */
  readonly sleep?: Sleep;
  /** @default the system clock */
  readonly now?: () => Date;
  /** @default a cli-progress bar on stderr */
  readonly progress?: () => Progress;
  /** Rows per Logs Insights results page. @default 1000 */
  readonly pageSize?: number;
}

/** A bad option value of an operations command: exit code 2, with the command's help. */
export class OpsUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpsUsageError';
  }
}

const STACK_HELP =
  'a deployed stack of the app (its bus, or one of its contexts); repeat it for an app split into a bus stack and stacks per context';

const OPS_HELP = `
Credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, SSO).
Exit codes: 0 done, 1 something failed (or nothing was found), 2 bad usage or a missing
piece (no credentials, not a cdk-ensemble stack, no archive or audit log).`;

/**
 * Add `trace`, `replay` and `redrive` to the program. Each action sets the
 * exit code through `exit`.
 */
export function registerOpsCommands(
  program: Command,
  io: OpsIo,
  env: OpsEnvironment,
  exit: (code: number) => void,
): void {
  const stacks = () =>
    new Option('--stack <name>', STACK_HELP)
      .argParser((value: string, previous: string[] = []) => [...previous, value])
      .makeOptionMandatory();
  program
    .command('trace')
    .description(
      'Show one business flow of a deployed app: its events from the audit log and its executions with their states.',
    )
    .argument('<correlationId>', "the flow's metadata.correlationId")
    .addOption(stacks())
    .option('--since <duration>', 'how far back to look: 90s, 10m, 2h, 1d', '2h')
    .option('--diagram <file.mmd>', 'write a Mermaid sequence diagram of the flow to this file')
    .option('--json', 'print the flow as JSON instead of a timeline', false)
    .addHelpText(
      'after',
      `${OPS_HELP}\n\nExample:\n  cdk-ensemble trace c-1 --stack FoodDelivery --since 1d --diagram c-1.mmd`,
    )
    .action(
      async (
        correlationId: string,
        o: { stack: string[]; since: string; diagram?: string; json: boolean },
      ) => {
        const deps = dependencies(env, io);
        const app = await discover(deps.clients, o.stack);
        exit(
          await guard(() =>
            trace(
              app,
              {
                correlationId,
                sinceMs: durationMs(o.since, '--since'),
                diagram: o.diagram,
                json: o.json,
              },
              { ...deps, pageSize: env.pageSize },
            ),
          ),
        );
      },
    );
  program
    .command('replay')
    .description(
      "Replay the bus's archive between two times, to every rule or to one context's rules, and follow it to the end.",
    )
    .addOption(stacks())
    .requiredOption(
      '--from <time>',
      'start of the events to replay: an ISO time (2026-12-01T08:00:00Z) or a time ago (2h)',
    )
    .option('--to <time>', 'end of the events to replay: an ISO time or a time ago', '0s')
    .option('--context <name>', 'replay only to the rules of this context')
    .option('--event <name>', 'replay only to the rules that receive this event (its detail-type)')
    .option('--yes', 'confirm a replay that starts executions of more than one context', false)
    .addHelpText(
      'after',
      `${OPS_HELP}\n\nA replay into a workflow starts new executions of it.\n\nExample:\n  cdk-ensemble replay --stack FoodDelivery --from 2026-12-01T08:00:00Z --to 2026-12-01T09:00:00Z --context promotions`,
    )
    .action(
      async (o: {
        stack: string[];
        from: string;
        to: string;
        context?: string;
        event?: string;
        yes: boolean;
      }) => {
        const deps = dependencies(env, io);
        const now = deps.now();
        const from = time(o.from, '--from', now);
        const to = time(o.to, '--to', now);
        if (from >= to)
          throw new OpsUsageError(
            `--from ${o.from} is not before --to ${o.to}; give a window that starts before it ends`,
          );
        const app = await discover(deps.clients, o.stack);
        exit(
          await guard(() =>
            replay(
              app,
              { from, to, context: o.context, event: o.event, yes: o.yes },
              { ...deps, progress: env.progress ?? progressBar },
            ),
          ),
        );
      },
    );
  program
    .command('redrive')
    .description(
      "Re-deliver the events in a context's dead-letter queue to the targets they missed; each is deleted only once delivered.",
    )
    .argument('<context>', 'the bounded context whose dead-letter queue to read (its name, orders)')
    .addOption(stacks())
    .option('--dry-run', 'show what is in the queue and what would be done; change nothing', false)
    .addHelpText(
      'after',
      `${OPS_HELP}\n\nExample:\n  cdk-ensemble redrive orders --stack FoodDelivery --dry-run`,
    )
    .action(async (context: string, o: { stack: string[]; dryRun: boolean }) => {
      const deps = dependencies(env, io);
      const app = await discover(deps.clients, o.stack);
      exit(await guard(() => redrive(app, { context, dryRun: o.dryRun }, deps)));
    });
}

function dependencies(env: OpsEnvironment, io: OpsIo) {
  return {
    clients: createClients(env.clientConfig),
    out: (line: string) => io.out(line),
    err: (line: string) => io.err(line),
    sleep: env.sleep ?? realSleep,
    now: env.now ?? (() => new Date()),
  };
}

async function discover(clients: OpsClients, stacks: string[]) {
  return guard(() => discoverApp(clients, stacks));
}

/** Run `work`, turning an SDK error that means "not set up" into a one-line setup error. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw setupProblem(error);
  }
}

/** `90s`, `10m`, `2h`, `1d` in milliseconds. */
export function durationMs(text: string, flag: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match)
    throw new OpsUsageError(
      `${flag} ${text}: use a number and a unit, for example 90s, 10m, 2h or 1d`,
    );
  return (
    Number(match[1]) *
    { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd']
  );
}

/** An ISO time, or a duration meaning that long before now. */
export function time(text: string, flag: string, now: Date): Date {
  if (/^\d+(s|m|h|d)$/.test(text.trim())) return new Date(now.getTime() - durationMs(text, flag));
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime()))
    throw new OpsUsageError(
      `${flag} ${text}: give an ISO time (2026-12-01T08:00:00Z) or a time ago (90s, 10m, 2h, 1d)`,
    );
  return date;
}

function progressBar(): Progress {
  const bar = new SingleBar({
    format: 'replay [{bar}] {percentage}%',
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    update: (percent) => {
      if (!started) bar.start(100, 0);
      started = true;
      bar.update(percent);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

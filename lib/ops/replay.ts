import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { OpsClients, Sleep } from './clients';
import { BusRule, busRules, DeployedApp, requireBus, requireContext } from './discovery';
import { OpsSetupError, setupProblem } from './errors';

/** Options of `cdk-ensemble replay`. */
export interface ReplayOptions {
  readonly from: Date;
  readonly to: Date;
  readonly context?: string;
  readonly event?: string;
  readonly yes: boolean;
}

/** A progress display: the commands give a cli-progress bar, tests a recorder. */
export interface Progress {
  update(percent: number): void;
  stop(): void;
}

/** What `replay` needs besides its options. */
export interface ReplayDeps {
  readonly clients: OpsClients;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly sleep: Sleep;
  readonly now: () => Date;
  readonly progress: () => Progress;
}

const POLL_MS = 5000;

/**
 * Replay states that end a replay.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html
 */
const FINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * Replay the bus's archive between two times, to every rule or only to the
 * rules of one context (and of one event), following it until it ends.
 * Returns the exit code: 0 completed, 1 failed or cancelled.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html
 */
export async function replay(
  app: DeployedApp,
  options: ReplayOptions,
  deps: ReplayDeps,
): Promise<number> {
  const bus = requireBus(app);
  if (!bus.archiveName)
    throw new OpsSetupError(
      `the bus of ${bus.app} (stack ${bus.stack}) has no archive: deploy the DomainEventBus with archiveRetention (the default keeps 30 days), or redeploy it with this version of cdk-ensemble, which adds the archive output`,
    );
  if (options.context) requireContext(app, options.context);
  const archiveArn = await archive(deps.clients, bus.archiveName);
  const rules = await busRules(deps.clients, bus.name, app.contexts);
  const chosen = chooseRules(rules, options);
  const contexts = [...new Set(chosen.flatMap((r) => (r.context ? [r.context] : [])))].sort();
  const what = options.event ? `${options.event} events` : 'every event';
  const to =
    chosen === rules
      ? 'every rule of the bus'
      : `${chosen.length} rule${chosen.length > 1 ? 's' : ''} (${chosen.map((r) => r.name).join(', ')})`;
  deps.out(
    `Replaying ${what} from ${options.from.toISOString()} to ${options.to.toISOString()} into ${to}.`,
  );
  if (contexts.length > 0)
    deps.err(
      `⚠ a replay into a workflow starts new executions: ${contexts.join(', ')} will run again for each replayed event they subscribe to`,
    );
  if (contexts.length > 1 && !options.yes)
    throw new OpsSetupError(
      `the replay targets ${contexts.length} contexts (${contexts.join(', ')}): add --yes to confirm, or narrow it with --context <name>`,
    );
  const name = `ensemble-${deps
    .now()
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}`;
  await deps.clients.events.send(
    new StartReplayCommand({
      ReplayName: name,
      EventSourceArn: archiveArn,
      EventStartTime: options.from,
      EventEndTime: options.to,
      // Without FilterArns every rule of the bus gets the events, the audit rule too.
      Destination: {
        Arn: bus.arn,
        FilterArns: chosen === rules ? undefined : chosen.map((r) => r.arn),
      },
      Description: `cdk-ensemble replay of ${what}${options.context ? ` into ${options.context}` : ''}`,
    }),
  );
  const state = await follow(name, options, deps);
  const took =
    state.ReplayStartTime && state.ReplayEndTime
      ? ` in ${Math.round((state.ReplayEndTime.getTime() - state.ReplayStartTime.getTime()) / 1000)}s`
      : '';
  deps.out(
    `Replay ${name} ${state.State}${took}: events from ${options.from.toISOString()} to ${(state.EventLastReplayedTime ?? options.to).toISOString()} replayed into ${to}${state.StateReason ? ` (${state.StateReason})` : ''}.`,
  );
  return state.State === 'COMPLETED' ? 0 : 1;
}

/**
 * The rules a replay goes to. A replay has no filter on the event: it is
 * narrowed by the rules it is sent to, and each rule still applies its own
 * pattern, so `--event` picks the rules whose pattern names that detail-type.
 */
export function chooseRules(
  rules: BusRule[],
  options: Pick<ReplayOptions, 'context' | 'event'>,
): BusRule[] {
  if (!options.context && !options.event) return rules;
  const chosen = rules.filter(
    (r) =>
      (!options.context || r.context === options.context) &&
      (!options.event || detailTypes(r).includes(options.event)),
  );
  if (chosen.length === 0)
    throw new OpsSetupError(
      `no rule of the bus receives ${options.event ?? 'any event'}${options.context ? ` in context ${options.context}` : ''}: check --context and --event (the rules are listed by aws events list-rules)`,
    );
  return chosen;
}

function detailTypes(rule: BusRule): string[] {
  try {
    const pattern = JSON.parse(rule.eventPattern ?? '{}') as { 'detail-type'?: unknown[] };
    return (pattern['detail-type'] ?? []).filter((t): t is string => typeof t === 'string');
  } catch {
    return [];
  }
}

async function archive(clients: OpsClients, archiveName: string): Promise<string> {
  try {
    const answer = await clients.events.send(
      new DescribeArchiveCommand({ ArchiveName: archiveName }),
    );
    return answer.ArchiveArn!;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException')
      throw new OpsSetupError(
        `the archive ${archiveName} does not exist: redeploy the bus stack (it was deleted, or the stack is not deployed in this region)`,
      );
    throw setupProblem(error);
  }
}

/**
 * Poll DescribeReplay until the replay ends. EventBridge replays minute by
 * minute of event time; EventLastReplayedTime says how far it got, which is
 * the progress shown.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html
 */
async function follow(name: string, options: ReplayOptions, deps: ReplayDeps) {
  const bar = deps.progress();
  const span = Math.max(1, options.to.getTime() - options.from.getTime());
  try {
    for (;;) {
      const state = await deps.clients.events.send(new DescribeReplayCommand({ ReplayName: name }));
      const last = state.EventLastReplayedTime?.getTime() ?? options.from.getTime();
      bar.update(
        Math.min(100, Math.max(0, Math.round(((last - options.from.getTime()) / span) * 100))),
      );
      if (FINAL_STATES.has(state.State ?? '')) {
        if (state.State === 'COMPLETED') bar.update(100);
        return state;
      }
      await deps.sleep(POLL_MS);
    }
  } finally {
    bar.stop();
  }
}

import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import {
  ARCHIVE,
  AWAIT_RULE,
  BUS_ARN,
  cli,
  deployedApp,
  mocks,
  PLACED_RULE,
  REGION,
  ACCOUNT,
  ruleArn,
} from './fixtures';

const ARCHIVE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:archive/${ARCHIVE}`;
const FROM = '2026-12-01T08:00:00Z';
const TO = '2026-12-01T08:20:00Z';

/** DescribeReplay answers (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html). */
function replayGoes(...states: { State: string; last?: string; reason?: string }[]) {
  mocks.events.on(DescribeArchiveCommand, { ArchiveName: ARCHIVE }).resolves({
    ArchiveArn: ARCHIVE_ARN,
    ArchiveName: ARCHIVE,
    EventSourceArn: BUS_ARN,
    State: 'ENABLED',
    RetentionDays: 30,
    EventCount: 1200,
  });
  mocks.events.on(StartReplayCommand).resolves({
    ReplayArn: `arn:aws:events:${REGION}:${ACCOUNT}:replay/ensemble-20261201090000`,
    State: 'STARTING',
    ReplayStartTime: new Date('2026-12-01T09:00:00Z'),
  });
  let poll = 0;
  mocks.events.on(DescribeReplayCommand).callsFake(() => {
    const s = states[Math.min(poll++, states.length - 1)];
    return {
      ReplayName: 'ensemble-20261201090000',
      State: s.State,
      StateReason: s.reason,
      EventSourceArn: ARCHIVE_ARN,
      EventStartTime: new Date(FROM),
      EventEndTime: new Date(TO),
      EventLastReplayedTime: s.last ? new Date(s.last) : undefined,
      ReplayStartTime: new Date('2026-12-01T09:00:00Z'),
      ReplayEndTime: ['COMPLETED', 'FAILED', 'CANCELLED'].includes(s.State)
        ? new Date('2026-12-01T09:00:42Z')
        : undefined,
    };
  });
}

describe('cdk-ensemble replay', () => {
  beforeEach(() => deployedApp());

  it("replays to one context's rules and follows the replay to COMPLETED with a progress bar", async () => {
    replayGoes(
      { State: 'STARTING' },
      { State: 'RUNNING', last: '2026-12-01T08:05:00Z' },
      { State: 'RUNNING', last: '2026-12-01T08:15:00Z' },
      { State: 'COMPLETED', last: '2026-12-01T08:20:00Z' },
    );
    const { code, out, err, progress, sleeps } = await cli([
      'replay',
      '--stack',
      'FoodDelivery',
      '--from',
      FROM,
      '--to',
      TO,
      '--context',
      'restaurants',
    ]);
    expect(code).toBe(0);
    expect(mocks.events.commandCalls(StartReplayCommand)[0].args[0].input).toMatchObject({
      ReplayName: 'ensemble-20261201090000',
      EventSourceArn: ARCHIVE_ARN,
      EventStartTime: new Date(FROM),
      EventEndTime: new Date(TO),
      Destination: { Arn: BUS_ARN, FilterArns: [ruleArn(PLACED_RULE)] },
    });
    expect(err).toContain('⚠ a replay into a workflow starts new executions: restaurants');
    expect(progress).toEqual([0, 25, 75, 100, 100, -1]);
    expect(sleeps).toEqual([5000, 5000, 5000]);
    expect(out).toContain(
      `Replay ensemble-20261201090000 COMPLETED in 42s: events from 2026-12-01T08:00:00.000Z to 2026-12-01T08:20:00.000Z replayed into 1 rule (${PLACED_RULE}).`,
    );
  });

  it('narrows a replay to the rules that receive one event with --event', async () => {
    replayGoes({ State: 'COMPLETED', last: TO });
    const { code } = await cli([
      'replay',
      '--stack',
      'FoodDelivery',
      '--from',
      FROM,
      '--to',
      TO,
      '--event',
      'OrderAccepted',
    ]);
    expect(code).toBe(0);
    expect(mocks.events.commandCalls(StartReplayCommand)[0].args[0].input.Destination).toEqual({
      Arn: BUS_ARN,
      FilterArns: [ruleArn(AWAIT_RULE)],
    });
  });

  it('requires --yes when more than one context is targeted, and starts nothing without it', async () => {
    replayGoes({ State: 'COMPLETED', last: TO });
    const refused = await cli(['replay', '--stack', 'FoodDelivery', '--from', FROM, '--to', TO]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(
      'cdk-ensemble: the replay targets 2 contexts (orders, restaurants): add --yes to confirm, or narrow it with --context <name>',
    );
    expect(mocks.events.commandCalls(StartReplayCommand)).toHaveLength(0);

    const confirmed = await cli(['replay', '--stack', 'FoodDelivery', '--from', '1h', '--yes']);
    expect(confirmed.code).toBe(0);
    const input = mocks.events.commandCalls(StartReplayCommand)[0].args[0].input;
    // Every rule, the audit rule too: no FilterArns.
    expect(input.Destination).toEqual({ Arn: BUS_ARN });
    expect(input.EventStartTime).toEqual(new Date('2026-12-01T08:00:00Z'));
    expect(input.EventEndTime).toEqual(new Date('2026-12-01T09:00:00Z'));
    expect(confirmed.out).toContain('into every rule of the bus');
  });

  it('exits 1 with the reason when the replay fails', async () => {
    replayGoes({ State: 'RUNNING' }, { State: 'FAILED', reason: 'Destination rule was deleted' });
    const { code, out } = await cli([
      'replay',
      '--stack',
      'FoodDelivery',
      '--from',
      FROM,
      '--to',
      TO,
      '--context',
      'orders',
    ]);
    expect(code).toBe(1);
    expect(out).toContain('FAILED in 42s');
    expect(out).toContain('(Destination rule was deleted)');
  });

  it('fails when no rule receives the event', async () => {
    replayGoes({ State: 'COMPLETED' });
    const { code, err } = await cli([
      'replay',
      '--stack',
      'FoodDelivery',
      '--from',
      FROM,
      '--context',
      'orders',
      '--event',
      'OrderPlaced',
    ]);
    expect(code).toBe(2);
    expect(err).toBe(
      'cdk-ensemble: no rule of the bus receives OrderPlaced in context orders: check --context and --event (the rules are listed by aws events list-rules)',
    );
  });

  it('fails when the window is empty or a time is not a time', async () => {
    const reversed = await cli(['replay', '--stack', 'FoodDelivery', '--from', TO, '--to', FROM]);
    expect(reversed.code).toBe(2);
    expect(reversed.err).toContain(`--from ${TO} is not before --to ${FROM}`);
    const bad = await cli(['replay', '--stack', 'FoodDelivery', '--from', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      '--from yesterday: give an ISO time (2026-12-01T08:00:00Z) or a time ago',
    );
    expect(bad.err).toContain('Usage: cdk-ensemble replay');
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { parseDuration, runCli, UsageError } from '../../lib/runtime/cli';
import { synthesizeForLocalRun } from '../../lib/runtime/synth';

/**
 * The `cdk-ensemble run` command, driven in-process through `runCli` against
 * the food-delivery example, synthesized once with its real handler bundles.
 */

const INPUTS = path.join(__dirname, '..', '..', 'examples', 'food-delivery', 'inputs');
const ORDER = path.join(INPUTS, 'order.json');
const ACCEPTED_EVENT = path.join(INPUTS, 'order-accepted-event.json');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SUMMARY =
  /^\n?\d+ executions \((\d+) failed, (\d+) still waiting\), \d+ events, (\d+) dead letters$/;

let tmp: string;
let assemblyDir: string;

interface CliResult {
  code: number;
  out: string[];
  err: string[];
  /** Everything written to out, joined. */
  text: string;
}

/** Run the command line as given, capturing what it writes. */
async function cli(argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err, text: out.join('\n') };
}

/** `cdk-ensemble run --app <the synthesized example> ...args` */
function run(...args: string[]): Promise<CliResult> {
  return cli(['run', '--app', assemblyDir, ...args]);
}

/** Write a JSON (or raw text) input file into the temp dir. */
function inputFile(name: string, content: unknown): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The summary line's (failed, still waiting, dead letters) counts. */
function summaryOf(result: CliResult): { failed: number; waiting: number; deadLetters: number } {
  const line = result.out.at(-1) ?? '';
  const match = SUMMARY.exec(line);
  expect(match).not.toBeNull();
  return { failed: Number(match![1]), waiting: Number(match![2]), deadLetters: Number(match![3]) };
}

function parseJson(result: CliResult): {
  executions: Record<string, any>[];
  events: Record<string, any>[];
  deadLetters: unknown[];
  invocations: Record<string, any>[];
} {
  expect(result.out).toHaveLength(1); // no summary line in --json mode
  return JSON.parse(result.out[0]);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ensemble-cli-'));
  assemblyDir = synthesizeForLocalRun(
    path.join(tmp, 'cdk.out'),
    (app) => new FoodDeliveryStack(app, 'FoodDelivery'),
  );
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('cdk-ensemble run', () => {
  it('runs an order through the four contexts and prints the timeline and a summary', async () => {
    const result = await run('--start', 'orders', '--input', ORDER);

    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.text).toContain('orders workflow started (direct)');
    expect(result.text).toContain('food.orders OrderPlaced');
    expect(result.text).toContain('food.promotions VoucherIssued');
    expect(result.text.indexOf('food.orders OrderPlaced')).toBeLessThan(
      result.text.indexOf('VoucherIssued'),
    );
    expect(result.out.at(-1)).toContain('executions (0 failed, 0 still waiting)');
    expect(summaryOf(result)).toEqual({ failed: 0, waiting: 0, deadLetters: 0 });
  });

  it('gives plain data input a fresh correlationId and prints valid JSON with --json', async () => {
    const result = await run('--start', 'orders', '--input', ORDER, '--json');

    expect(result.code).toBe(0);
    const record = parseJson(result);
    const orders = record.executions.filter((e) => e.contextName === 'orders');
    expect(orders).toHaveLength(1);
    expect(orders[0].status).toBe('SUCCEEDED');
    const correlationId = orders[0].input.metadata.correlationId;
    expect(correlationId).toMatch(UUID);
    expect(orders[0].input.data).toEqual(JSON.parse(fs.readFileSync(ORDER, 'utf8')));
    // The whole flow carries it.
    expect(record.events.length).toBeGreaterThan(0);
    for (const event of record.events)
      expect(event.detail.metadata.correlationId).toBe(correlationId);
    expect(record.events.map((e) => e.detailType)).toContain('VoucherIssued');
    // Transitions and handler logs are left out of the JSON record.
    expect(orders[0]).not.toHaveProperty('transitions');
    expect(record.invocations.length).toBeGreaterThan(0);
    for (const invocation of record.invocations) expect(invocation).not.toHaveProperty('logs');
    expect(record.deadLetters).toEqual([]);
  });

  it('draws a fresh correlationId per run', async () => {
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const record = parseJson(await run('--start', 'orders', '--input', ORDER, '--json'));
      ids.push(
        record.executions.find((e) => e.contextName === 'orders')!.input.metadata.correlationId,
      );
    }
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('keeps the correlationId of an input that is already an envelope', async () => {
    const envelope = {
      metadata: { correlationId: 'cli-envelope-1' },
      data: { orderId: 'cli-envelope-1', ...JSON.parse(fs.readFileSync(ORDER, 'utf8')) },
    };
    const result = await run(
      '--start',
      'orders',
      '--input',
      inputFile('envelope.json', envelope),
      '--json',
    );

    expect(result.code).toBe(0);
    const orders = parseJson(result).executions.filter((e) => e.contextName === 'orders');
    expect(orders.map((e) => e.input)).toEqual([envelope]);
    expect(orders[0].status).toBe('SUCCEEDED');
  });

  it('puts an event on the bus with --event; nothing waits for that order', async () => {
    const result = await run('--event', ACCEPTED_EVENT, '--json');

    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    const record = parseJson(result);
    const [accepted, ...rest] = record.events;
    expect(accepted).toMatchObject({
      source: 'food.restaurants',
      detailType: 'OrderAccepted',
      publishedBy: 'test',
      detail: {
        metadata: { eventId: 'evt-1', correlationId: 'corr-1' },
        data: { orderId: 'order-nobody-waits-for', etaMinutes: 20 },
      },
    });
    // The await rule feeds it to the Orders resumer, which keeps it: no Orders execution.
    expect(accepted.matchedRules).toContainEqual(expect.stringMatching(/^OrdersAwaits/));
    expect(record.executions.filter((e) => e.contextName === 'orders')).toEqual([]);
    const resumer = record.invocations.filter((i) =>
      i.functionId.startsWith('OrdersAwaitsResumer'),
    );
    expect(resumer).toHaveLength(1);
    expect(resumer[0].error).toBeUndefined();
    // Only Notifications reacts to OrderAccepted on its own.
    expect(record.executions.map((e) => [e.contextName, e.status])).toEqual([
      ['notifications', 'SUCCEEDED'],
    ]);
    expect(rest.every((e) => e.source === 'food.notifications')).toBe(true);
    expect(record.deadLetters).toEqual([]);
  });

  it('prints the event in the timeline when run with --event and no --json', async () => {
    const result = await run('--event', ACCEPTED_EVENT);

    expect(result.code).toBe(0);
    expect(result.text).toContain('food.restaurants OrderAccepted');
    expect(result.text).not.toContain('orders workflow started');
    expect(summaryOf(result)).toEqual({ failed: 0, waiting: 0, deadLetters: 0 });
  });

  it('accepts an array of entries with lowercase keys and a string Detail', async () => {
    const detail = (orderId: string) =>
      JSON.stringify({
        metadata: { eventId: `evt-${orderId}`, correlationId: orderId },
        data: { orderId, etaMinutes: 5 },
      });
    const file = inputFile('events.json', [
      { Source: 'food.restaurants', DetailType: 'OrderAccepted', Detail: detail('arr-1') },
      { source: 'food.restaurants', 'detail-type': 'OrderAccepted', detail: detail('arr-2') },
    ]);
    const record = parseJson(await run('--event', file, '--json'));

    const accepted = record.events.filter((e) => e.detailType === 'OrderAccepted');
    expect(accepted.map((e) => [e.source, e.detail.data.orderId])).toEqual([
      ['food.restaurants', 'arr-1'],
      ['food.restaurants', 'arr-2'],
    ]);
  });

  describe('--event and --start in one run', () => {
    const answer = (id: string) =>
      inputFile(`answer-${id}.json`, {
        Source: 'food.restaurants',
        DetailType: 'OrderAccepted',
        Detail: {
          metadata: { eventId: `evt-${id}`, correlationId: id },
          data: { orderId: id, etaMinutes: 15 },
        },
      });
    // sushi-zen never answers on its own: only the event given on the command line accepts the order.
    const silentOrder = (id: string) =>
      inputFile(`order-${id}.json`, {
        metadata: { correlationId: id },
        data: {
          orderId: id,
          customerId: 'c',
          restaurantId: 'sushi-zen',
          items: [{ name: 'maki', quantity: 1, unitPrice: 6 }],
        },
      });

    it.each([
      [
        'an early answer, then the order',
        (id: string) => ['--event', answer(id), '--start', 'orders', '--input', silentOrder(id)],
        true,
      ],
      [
        'the order, then its answer',
        (id: string) => ['--start', 'orders', '--input', silentOrder(id), '--event', answer(id)],
        false,
      ],
    ])('applies them in the order given: %s', async (_, args, eventFirst) => {
      const id = `cli-both-${eventFirst ? 'early' : 'late'}`;
      const result = await run(...args(id), '--json');

      expect(result.err).toEqual([]);
      expect(result.code).toBe(0);
      const record = parseJson(result);
      const orders = record.executions.filter((e) => e.contextName === 'orders');
      expect(orders.map((e) => e.status)).toEqual(['SUCCEEDED']);
      const answered = record.events.find((e) => e.publishedBy === 'test')!;
      expect(answered.detailType).toBe('OrderAccepted');
      expect(answered.order < orders[0].startOrder).toBe(eventFirst);
      expect(record.events.map((e) => e.detailType)).toContain('OrderCompleted');
    });
  });

  it('shows a warning for an event its context does not declare, in the timeline and the JSON', async () => {
    const file = inputFile('typo-event.json', {
      Source: 'food.restaurants',
      DetailType: 'OrderAccepteed',
      Detail: { metadata: { correlationId: 'typo-1' }, data: { orderId: 'typo-1' } },
    });
    const result = await run('--event', file);

    expect(result.code).toBe(0);
    expect(result.text).toContain(
      "⚠ PutEvents by test: food.restaurants does not declare 'OrderAccepteed'. Did you mean 'OrderAccepted'?",
    );
    expect(result.out.at(-1)).toMatch(/, 0 dead letters, 1 warning$/);
    const record = parseJson(await run('--event', file, '--json')) as { warnings?: unknown[] };
    expect(record.warnings).toEqual([
      expect.objectContaining({ message: expect.stringContaining("'OrderAccepteed'") }),
    ]);
  });

  describe('--record summary', () => {
    it('keeps only the counts of an order that completed', async () => {
      const result = await run(
        '--start',
        'orders',
        '--input',
        ORDER,
        '--record',
        'summary',
        '--json',
      );

      expect(result.code).toBe(0);
      const record = parseJson(result) as ReturnType<typeof parseJson> & { summary: any };
      expect(record.executions).toEqual([]);
      expect(record.events).toEqual([]);
      expect(record.summary.executions).toMatchObject({ total: 4, SUCCEEDED: 4 });
      expect(record.summary.events.byType.VoucherIssued).toBe(1);
      expect(record.summary.flows).toEqual({ kept: 0, dropped: 1 });
    });

    it('keeps a failed order in full and still exits 1', async () => {
      const failing = inputFile('summary-empty-order.json', {
        customerId: 'c',
        restaurantId: 'luigis-pizza',
        items: [],
      });
      const result = await run('--start', 'orders', '--input', failing, '--record', 'summary');

      expect(result.code).toBe(1);
      expect(result.text).toMatch(/orders workflow FAILED InvalidOrder/);
      expect(summaryOf(result)).toEqual({ failed: 1, waiting: 0, deadLetters: 0 });
    });

    it('refuses another mode: exit 2', async () => {
      const result = await run('--start', 'orders', '--input', ORDER, '--record', 'some');

      expect(result.code).toBe(2);
      expect(result.err[0]).toMatch(
        /--record <mode>' argument 'some' is invalid\. Allowed choices are full, summary/,
      );
    });
  });

  describe('a cloud assembly file that is not JSON', () => {
    function brokenAssembly(name: string, file: (dir: string) => string): string {
      const dir = path.join(tmp, name);
      fs.cpSync(assemblyDir, dir, { recursive: true });
      fs.writeFileSync(path.join(dir, file(dir)), '{ "truncated": ');
      return dir;
    }

    it.each([
      ['manifest.json', () => 'manifest.json'],
      ['FoodDelivery.template.json', () => 'FoodDelivery.template.json'],
    ])('is named: %s, exit 2', async (name, file) => {
      const dir = brokenAssembly(`broken-${name}`, file);
      const result = await cli(['run', '--app', dir, '--start', 'orders', '--input', ORDER]);

      expect(result.code).toBe(2);
      expect(result.out).toEqual([]);
      expect(result.err[0]).toContain(`cdk-ensemble: ${path.join(dir, name)} is not valid JSON (`);
      expect(result.err[0]).toContain("run 'npx cdk synth' again");
    });
  });

  describe('a restaurant that never answers', () => {
    let silentOrder: string;
    beforeAll(() => {
      silentOrder = inputFile('silent-order.json', {
        customerId: 'customer-2',
        restaurantId: 'sushi-zen',
        items: [{ name: 'maki', quantity: 3, unitPrice: 6 }],
      });
    });

    it('leaves the order waiting without --advance', async () => {
      const result = await run('--start', 'orders', '--input', silentOrder);

      expect(result.code).toBe(0);
      expect(result.out.at(-1)).toContain('executions (0 failed, 1 still waiting)');
      expect(summaryOf(result).waiting).toBe(1);
      expect(result.text).toContain('food.restaurants RestaurantNotified');
      expect(result.text).not.toContain('OrderTimedOut');
    });

    it('times the order out with --advance 11m', async () => {
      const result = await run('--start', 'orders', '--input', silentOrder, '--advance', '11m');

      expect(result.err).toEqual([]);
      expect(result.code).toBe(0);
      expect(result.text).toContain('food.orders OrderTimedOut');
      expect(result.text).toContain('food.orders OrderCancelled');
      expect(result.out.at(-1)).toContain('executions (0 failed, 0 still waiting)');
      // The timeout fires ten minutes after the start.
      expect(result.text).toMatch(/12:10:00\.000 {2}\s*◆ food\.orders OrderTimedOut/);
    });

    it('still waits after --advance 9m', async () => {
      const result = await run('--start', 'orders', '--input', silentOrder, '--advance', '9m');

      expect(result.code).toBe(0);
      expect(result.text).not.toContain('OrderTimedOut');
      expect(summaryOf(result).waiting).toBe(1);
    });
  });

  it('writes a Mermaid sequence diagram with --diagram', async () => {
    const diagram = path.join(tmp, 'run.mmd');
    const result = await run('--start', 'orders', '--input', ORDER, '--diagram', diagram);

    expect(result.code).toBe(0);
    const mermaid = fs.readFileSync(diagram, 'utf8');
    expect(mermaid.startsWith('sequenceDiagram\n')).toBe(true);
    expect(mermaid).toContain('orders->>Bus: OrderPlaced');
    expect(mermaid).toContain('Bus-->>promotions: OrderCompleted');
  });

  it('exits 1 when an execution fails, and shows FAILED in the timeline', async () => {
    const result = await run(
      '--start',
      'orders',
      '--input',
      inputFile('empty-order.json', { customerId: 'c', restaurantId: 'luigis-pizza', items: [] }),
    );

    expect(result.code).toBe(1);
    expect(result.text).toMatch(/orders workflow FAILED InvalidOrder/);
    expect(result.text).not.toContain('OrderPlaced');
    expect(summaryOf(result)).toEqual({ failed: 1, waiting: 0, deadLetters: 0 });
    expect(result.err).toEqual([]);
  });

  it('exits 1 with --json too when an execution fails', async () => {
    const result = await run(
      '--start',
      'orders',
      '--input',
      inputFile('empty-order-json.json', { customerId: 'c', restaurantId: 'x', items: [] }),
      '--json',
    );

    expect(result.code).toBe(1);
    const orders = parseJson(result).executions.filter((e) => e.contextName === 'orders');
    expect(orders.map((e) => [e.status, e.error])).toEqual([['FAILED', 'InvalidOrder']]);
  });

  it('names the known contexts when --start names none of them', async () => {
    const result = await run('--start', 'nope', '--input', ORDER);

    // A usage error: exit code 2, and the usage follows.
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err[0]).toMatch(/^cdk-ensemble: no state machine 'nope' in the app/);
    expect(result.err[1]).toMatch(/Usage: cdk-ensemble run/);
    for (const context of ['orders', 'restaurants', 'promotions', 'notifications'])
      expect(result.err[0]).toContain(`FoodDelivery/${context}`);
  });

  describe('fails when', () => {
    it('the assembly directory is missing, pointing at cdk synth', async () => {
      const result = await cli([
        'run',
        '--app',
        path.join(tmp, 'no-such-cdk.out'),
        '--start',
        'orders',
        '--input',
        ORDER,
      ]);

      expect(result.code).toBe(2);
      expect(result.out).toEqual([]);
      expect(result.err[0]).toMatch(/^cdk-ensemble: no cloud assembly at .*no-such-cdk\.out/);
      expect(result.err[0]).toContain('cdk synth');
    });

    it.each<[string, () => string[], RegExp]>([
      ['the command is unknown', () => ['deploy'], /unknown command 'deploy'/],
      [
        'an option is unknown',
        () => ['run', '--app', assemblyDir, '--start', 'orders', '--input', ORDER, '--bogus'],
        /bogus/,
      ],
      [
        'neither --start nor --event is given',
        () => ['run', '--app', assemblyDir],
        /give --start <context> --input <file> or --event <file>/,
      ],
      [
        '--start is given without --input',
        () => ['run', '--app', assemblyDir, '--start', 'orders'],
        /--start needs --input/,
      ],
      [
        'the input file is missing',
        () => [
          'run',
          '--app',
          assemblyDir,
          '--start',
          'orders',
          '--input',
          path.join(tmp, 'nope.json'),
        ],
        /--input .*nope\.json: no such file/,
      ],
      [
        'the input file is not JSON',
        () => [
          'run',
          '--app',
          assemblyDir,
          '--start',
          'orders',
          '--input',
          inputFile('bad.json', '{ not json'),
        ],
        /--input .*bad\.json: not valid JSON/,
      ],
      [
        'the event file is missing',
        () => ['run', '--app', assemblyDir, '--event', path.join(tmp, 'no-event.json')],
        /--event .*no-event\.json: no such file/,
      ],
      [
        'an event entry has no Source, DetailType or Detail',
        () => ['run', '--app', assemblyDir, '--event', inputFile('no-source.json', { Detail: {} })],
        /--event .*no-source\.json: entry 0 needs Source, DetailType and Detail \(got Detail\)/,
      ],
      [
        'a later event entry lacks its Detail',
        () => [
          'run',
          '--app',
          assemblyDir,
          '--event',
          inputFile('second-bad.json', [
            { Source: 's', DetailType: 'd', Detail: {} },
            { Source: 's', DetailType: 'd' },
          ]),
        ],
        /entry 1 needs Source, DetailType and Detail \(got Source, DetailType\)/,
      ],
      [
        'an event entry is null',
        () => ['run', '--app', assemblyDir, '--event', inputFile('null-event.json', 'null')],
        /entry 0 needs Source, DetailType and Detail \(got nothing\)/,
      ],
      [
        'the input is an envelope without a correlationId',
        () => [
          'run',
          '--app',
          assemblyDir,
          '--start',
          'orders',
          '--input',
          inputFile('no-correlation.json', {
            metadata: { eventId: 'e-1' },
            data: JSON.parse(fs.readFileSync(ORDER, 'utf8')),
          }),
        ],
        /--input .*no-correlation\.json: the envelope has no metadata\.correlationId; add one \("metadata": \{"correlationId": "order-1"\}\)/,
      ],
      [
        'an --input comes without --start',
        () => ['run', '--app', assemblyDir, '--event', ACCEPTED_EVENT, '--input', ORDER],
        /--input goes with --start <context>/,
      ],
      [
        "an event's Detail is not valid JSON",
        () => [
          'run',
          '--app',
          assemblyDir,
          '--event',
          inputFile('bad-detail.json', [
            { Source: 'food.restaurants', DetailType: 'OrderAccepted', Detail: '{}' },
            { Source: 'food.restaurants', DetailType: 'OrderAccepted', Detail: '{ not json' },
          ]),
        ],
        /--event .*bad-detail\.json: entry 1: Detail is not valid JSON/,
      ],
      [
        "an event's Detail is not a JSON object",
        () => [
          'run',
          '--app',
          assemblyDir,
          '--event',
          inputFile('array-detail.json', {
            Source: 'food.restaurants',
            DetailType: 'OrderAccepted',
            Detail: '[1, 2]',
          }),
        ],
        /--event .*array-detail\.json: entry 0: Detail must be a JSON object, got an array/,
      ],
      [
        '--advance is not a duration',
        () => [
          'run',
          '--app',
          assemblyDir,
          '--start',
          'orders',
          '--input',
          ORDER,
          '--advance',
          '10 minutes',
        ],
        /--advance 10 minutes: use a number and a unit/,
      ],
    ])('%s: exit 2 and the usage', async (_, argv, message) => {
      const result = await cli(argv());

      expect(result.code).toBe(2);
      expect(result.out).toEqual([]);
      expect(result.err[0]).toMatch(/^cdk-ensemble: /);
      expect(result.err[0]).toMatch(message);
      // The usage of run, or of the whole program for an unknown command.
      expect(result.err[1]).toMatch(
        argv()[0] === 'run' ? /Usage: cdk-ensemble run / : /Usage: cdk-ensemble /,
      );
    });

    it('checks --advance before loading the assembly', async () => {
      const result = await cli([
        'run',
        '--app',
        path.join(tmp, 'no-such-cdk.out'),
        '--event',
        ACCEPTED_EVENT,
        '--advance',
        '10 minutes',
      ]);

      expect(result.code).toBe(2);
      expect(result.err[0]).toMatch(/^cdk-ensemble: --advance 10 minutes/);
    });
  });

  describe('help and version', () => {
    const VERSION = (require('../../package.json') as { version: string }).version;
    const RUN_FLAGS = [
      '--app',
      '--start',
      '--input',
      '--event',
      '--advance',
      '--diagram',
      '--json',
    ];

    it.each([[[]], [['help']], [['--help']], [['-h']]])(
      'prints the commands for %j and exits 0',
      async (argv) => {
        const result = await cli(argv);

        expect(result.code).toBe(0);
        expect(result.err).toEqual([]);
        expect(result.out).toHaveLength(1);
        expect(result.out[0]).toMatch(/^Usage: cdk-ensemble \[options\] \[command\]/);
        expect(result.out[0]).toMatch(/\n {2}run \[options\] +Run a synthesized app locally/);
        expect(result.out[0]).toContain('--version');
      },
    );

    it.each([[['run', '--help']], [['run', '-h']], [['help', 'run']]])(
      'prints the options of run for %j and exits 0',
      async (argv) => {
        const result = await cli(argv);

        expect(result.code).toBe(0);
        expect(result.err).toEqual([]);
        expect(result.out).toHaveLength(1);
        expect(result.out[0]).toMatch(/^Usage: cdk-ensemble run \[options\]/);
        for (const flag of [...RUN_FLAGS, '--help', '--version'])
          expect(result.out[0]).toContain(flag);
        expect(result.out[0]).toContain('Exit codes: 0');
      },
    );

    it.each([[['--version']], [['-V']], [['run', '--version']]])(
      'prints the version for %j and exits 0',
      async (argv) => {
        const result = await cli(argv);

        expect(result).toMatchObject({ code: 0, out: [VERSION], err: [] });
      },
    );
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['0s', 0],
    [' 11m ', 660_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text).toMilliseconds()).toBe(ms);
  });

  it.each(['10 minutes', '10', 'm', '', '1.5h', '-5m', '10M', '10ms', '1w'])(
    'rejects %j with a UsageError',
    (text) => {
      expect(() => parseDuration(text)).toThrow(UsageError);
      expect(() => parseDuration(text)).toThrow(/use a number and a unit, for example 90s/);
    },
  );
});

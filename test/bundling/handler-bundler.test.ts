import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import { BoundedContext, bundleEntries, DomainEventBus } from '../../lib';
import { fixtureHandler, testApp } from '../helpers';

// esbuild's CommonJS exports are non-configurable getters, so jest.spyOn cannot
// wrap them: replace the module with one that delegates to the real build.
jest.mock('esbuild', () => {
  const actual = jest.requireActual<typeof import('esbuild')>('esbuild');
  return { ...actual, buildSync: jest.fn(actual.buildSync) };
});
const buildCalls = jest.mocked(buildSync);

const RUNTIME = path.resolve(__dirname, '..', '..', 'lambda', 'runtime');

const tempDirs: string[] = [];
function tempDir(): string {
  tempDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'ensemble-bundler-test-')));
  return tempDirs[tempDirs.length - 1];
}
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Write `source` as `<name>` in a fresh temp dir and return its path. */
function tempEntry(name: string, source: string): string {
  const dir = tempDir();
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

const chargeEntry = tempEntry(
  'charge.ts',
  `import { taskHandler } from ${JSON.stringify(RUNTIME)};\n` +
    `export const handler = taskHandler((data: Record<string, unknown>) => ({ ...data, charged: true }));\n`,
);

interface Synthesized {
  app: App;
  directory: string;
  /** S3Key of each function's code, by task (from the function's description). */
  keys: Record<string, string>;
}

/** Three handlers across two contexts (Orders: Echo → Sdk, Billing: Charge), synthesized. */
function synthTwoContexts(bundle: boolean, chargeSource = chargeEntry): Synthesized {
  const app = testApp({ bundle });
  const stack = new Stack(app, 'Test');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'test' });
  const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
  orders.workflow(
    orders
      .task('Echo', { entry: fixtureHandler('echo.ts'), emits: 'OrderPlaced' })
      .next(orders.task('Sdk', { entry: fixtureHandler('uses-sdk.ts') })),
  );
  const billing = new BoundedContext(stack, 'Billing', { bus, events: [] });
  billing.workflow(billing.task('Charge', { entry: chargeSource }));
  billing.on(orders.event('OrderPlaced'));

  const assembly = app.synth();
  const template = assembly.getStackByName('Test').template as {
    Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
  };
  const keys: Record<string, string> = {};
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function' || !r.Properties.Description) continue;
    keys[(r.Properties.Description as string).split(' ')[1]] = r.Properties.Code.S3Key;
  }
  return { app, directory: assembly.directory, keys };
}

/** The staged directory of an asset, from its `<hash>.zip` S3 key. */
function assetDir(s: Synthesized, task: string): string {
  return path.join(s.directory, `asset.${s.keys[task].replace(/\.zip$/, '')}`);
}

beforeEach(() => buildCalls.mockClear());

describe('HandlerBundler', () => {
  describe('with bundling on', () => {
    let s: Synthesized;
    let builds: number;
    beforeAll(() => {
      buildCalls.mockClear();
      s = synthTwoContexts(true);
      builds = buildCalls.mock.calls.length;
    });

    it('bundles every handler of the stack in one esbuild build', () => {
      expect(builds).toBe(1);
    });

    it('points each function at its own asset, staged in the assembly', () => {
      expect(Object.keys(s.keys).sort()).toEqual(['Charge', 'Echo', 'Sdk']);
      expect(new Set(Object.values(s.keys)).size).toBe(3);
      for (const task of Object.keys(s.keys)) {
        expect(fs.existsSync(path.join(assetDir(s, task), 'index.js'))).toBe(true);
        expect(fs.existsSync(path.join(assetDir(s, task), 'index.js.map'))).toBe(true);
      }
    });

    it('writes a CommonJS bundle whose handler runs a task', async () => {
      const previous = process.env.POWERTOOLS_LOG_LEVEL;
      process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
      try {
        const { handler } = require(path.join(assetDir(s, 'Echo'), 'index.js')) as {
          handler: (event: unknown) => Promise<unknown>;
        };
        await expect(
          handler({ metadata: { correlationId: 'c-1' }, data: { a: 1 }, task: 'T' }),
        ).resolves.toEqual({ a: 1 });
      } finally {
        if (previous === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
        else process.env.POWERTOOLS_LOG_LEVEL = previous;
      }
    });

    it('leaves the AWS SDK out of the bundle', () => {
      const code = fs.readFileSync(path.join(assetDir(s, 'Sdk'), 'index.js'), 'utf8');
      expect(code).toContain('require("@aws-sdk/client-eventbridge")');
      expect(Buffer.byteLength(code)).toBeLessThan(60 * 1024);
    });

    it('keeps a minimal handler small', () => {
      const code = fs.readFileSync(path.join(assetDir(s, 'Echo'), 'index.js'));
      expect(code.length).toBeLessThan(50 * 1024);
    });
  });

  describe('with bundling off', () => {
    let s: Synthesized;
    beforeAll(() => {
      buildCalls.mockClear();
      s = synthTwoContexts(false);
    });

    it('does not run esbuild', () => {
      expect(buildCalls).not.toHaveBeenCalled();
    });

    it('stages a placeholder with a distinct hash for each handler', () => {
      expect(new Set(Object.values(s.keys)).size).toBe(3);
      for (const task of Object.keys(s.keys)) {
        const code = fs.readFileSync(path.join(assetDir(s, task), 'index.js'), 'utf8');
        expect(code).toContain('bundling skipped');
      }
    });
  });

  describe('fails when', () => {
    it('an entry has a syntax error, naming the file', () => {
      const broken = tempEntry('broken.ts', 'export const handler = (;\n');
      expect(() => synthTwoContexts(true, broken)).toThrow(/broken\.ts/);
    });
  });
});

describe('bundleEntries', () => {
  it('builds entries with the same externals together', () => {
    const dir = tempDir();
    const metafiles = bundleEntries(
      [
        { key: 'a', entry: fixtureHandler('echo.ts'), options: { externalModules: ['x', 'y'] } },
        { key: 'b', entry: chargeEntry, options: { externalModules: ['y', 'x'] } },
      ],
      dir,
    );
    expect(metafiles).toHaveLength(1);
    // Metafile paths are relative to the working directory.
    const outputs = Object.keys(metafiles[0].outputs).map((o) =>
      path.relative(dir, path.resolve(o)),
    );
    expect(outputs).toEqual(expect.arrayContaining(['a/index.js', 'b/index.js']));
    expect(buildCalls).toHaveBeenCalledTimes(1);
  });

  it('runs one build per distinct set of externals', () => {
    const dir = tempDir();
    const metafiles = bundleEntries(
      [
        { key: 'a', entry: fixtureHandler('echo.ts') },
        {
          key: 'b',
          entry: fixtureHandler('echo.ts'),
          options: { externalModules: ['@aws-lambda-powertools/*'] },
        },
      ],
      dir,
    );
    expect(metafiles).toHaveLength(2);
    expect(fs.readFileSync(path.join(dir, 'b', 'index.js'), 'utf8')).toContain(
      'require("@aws-lambda-powertools/logger")',
    );
    expect(fs.readFileSync(path.join(dir, 'a', 'index.js'), 'utf8')).not.toContain(
      'require("@aws-lambda-powertools/logger")',
    );
  });
});

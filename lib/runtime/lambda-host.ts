import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { LocalFunctionSpec } from './assembly';
import { VirtualClock } from './clock';
import { FaultInjector } from './faults';
import { RecordedInvocation, RunRecord } from './record';

/** What runs inside an invocation, for log attribution. */
export interface InvocationScope {
  readonly invocationId: string;
  /** What the handler wrote, as written; parsed when the record is read. */
  readonly output: string[];
}

/**
 * The invocation running now. Invocations run one at a time (see
 * {@link LambdaHost.invoke}), so whatever a handler writes or calls between
 * its start and its end belongs to it; no async-context tracking is needed.
 */
class CurrentInvocation {
  private scope?: InvocationScope;

  /** The running invocation, if any. */
  public getStore(): InvocationScope | undefined {
    return this.scope;
  }

  /** Run `fn` as `scope`'s invocation. */
  public async run<T>(scope: InvocationScope, fn: () => Promise<T>): Promise<T> {
    this.scope = scope;
    try {
      return await fn();
    } finally {
      this.scope = undefined;
    }
  }
}

/** The invocation running now. */
export const currentInvocation = new CurrentInvocation();

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * Runs the app's real Lambda bundles in this process, with each function's
 * environment and a Lambda context object, capturing their logs.
 */
export class LambdaHost {
  private readonly handlers = new Map<string, Handler>();
  private readonly byArn = new Map<string, LocalFunctionSpec>();
  private lastEnvironment?: LocalFunctionSpec;
  private appliedKeys = new Set<string>();
  private applied: Record<string, string> = {};
  /** The process's environment before any function's: what a variable returns to. */
  private readonly baseline: NodeJS.ProcessEnv = { ...mainProcess.env };
  private queue: Promise<void> = Promise.resolve();
  private readonly date: DateConstructor;

  constructor(
    functions: LocalFunctionSpec[],
    private readonly clock: VirtualClock,
    private readonly faults: FaultInjector,
    private readonly record: RunRecord,
    private readonly region: string,
    private readonly beforeLoad: () => void,
  ) {
    this.date = virtualDate(clock);
    for (const fn of functions) {
      this.byArn.set(fn.arn, fn);
      this.byArn.set(fn.name, fn);
      this.byArn.set(fn.logicalId, fn);
    }
  }

  /** The function known by ARN, name or logical id. */
  public find(ref: string): LocalFunctionSpec | undefined {
    return this.byArn.get(ref) ?? this.byArn.get(ref.split(':').pop() ?? '');
  }

  /**
   * Invoke a function and return its result; its error is rethrown with the same name.
   *
   * Invocations run one at a time, as each runs alone in its Lambda execution
   * environment: handlers keep state in their module (the Powertools logger's
   * keys) and read environment variables, which are process-wide here, at any
   * point of an invocation, so interleaved invocations would mix them up.
   */
  public invoke(ref: string, event: unknown, cause?: string): Promise<unknown> {
    const run = this.queue.then(
      () => this.invokeNow(ref, event, cause),
      () => this.invokeNow(ref, event, cause),
    );
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async invokeNow(ref: string, event: unknown, cause?: string): Promise<unknown> {
    const fn = this.find(ref);
    if (!fn)
      throw Object.assign(new Error(`no Lambda function '${ref}' in the app`), {
        name: 'Lambda.ResourceNotFoundException',
      });
    const scope: InvocationScope = { invocationId: randomUUID(), output: [] };
    const entry = this.record.addInvocation(
      withParsedLogs(
        {
          functionId: fn.logicalId,
          constructPath: fn.constructPath,
          task: fn.environment.ENSEMBLE_TASK,
          at: this.clock.iso(),
          input: event,
          cause,
        },
        scope.output,
      ),
    );
    try {
      this.faults.check([
        fn.environment.ENSEMBLE_TASK,
        fn.logicalId,
        fn.constructPath,
        fn.constructPath?.replace(/\/Resource$/, ''),
      ]);
      const handler = this.load(fn);
      // Lambda hands a function its event as JSON and takes its result as JSON: the handler gets
      // a copy, so what it changes in its event (or in its result, later) changes nothing else.
      // @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
      const payload = jsonCopy(event);
      const output = await currentInvocation.run(scope, () => {
        this.applyEnvironment(fn);
        return handler(payload, this.lambdaContext(fn, scope.invocationId));
      });
      entry.output = output;
      return jsonCopy(output);
    } catch (error) {
      entry.error = { name: (error as Error).name, message: (error as Error).message };
      throw error;
    }
  }

  private load(fn: LocalFunctionSpec): Handler {
    const existing = this.handlers.get(fn.logicalId);
    if (existing) return existing;
    const [file, exportName] = splitHandler(fn.handler);
    this.applyEnvironment(fn);
    const mod = loadBundle(path.join(fn.codeDir, file), this.date);
    this.beforeLoad();
    const handler = mod[exportName];
    if (typeof handler !== 'function') {
      throw new Error(`${fn.logicalId}: ${fn.handler} is not a function in ${fn.codeDir}`);
    }
    this.handlers.set(fn.logicalId, handler as Handler);
    return handler as Handler;
  }

  /**
   * Set the function's environment. One process serves every function, so
   * variables are set before each invocation; handlers that read them at load
   * time or at the start of an invocation see their own.
   */
  private applyEnvironment(fn: LocalFunctionSpec): void {
    if (this.lastEnvironment === fn) return;
    this.lastEnvironment = fn;
    const environment: Record<string, string> = {
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      ...fn.environment,
    };
    // Reading or writing process.env crosses into C++: compare with what was last written
    // (a mirror kept here) and touch only the variables that change.
    const changes: [string, string | undefined][] = [];
    for (const key of this.appliedKeys) {
      if (!(key in environment)) changes.push([key, this.baseline[key]]);
    }
    for (const [key, value] of Object.entries(environment)) {
      if (this.applied[key] !== value) changes.push([key, value]);
    }
    for (const env of new Set([mainProcess.env, process.env])) {
      for (const [key, value] of changes) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
    }
    this.applied = environment;
    this.appliedKeys = new Set(Object.keys(environment));
  }

  /** Put back every variable the functions set, as the process had them. */
  public restoreEnvironment(): void {
    for (const env of new Set([mainProcess.env, process.env])) {
      for (const key of this.appliedKeys) {
        if (key in this.baseline) env[key] = this.baseline[key];
        else delete env[key];
      }
    }
    this.appliedKeys = new Set();
    this.applied = {};
    this.lastEnvironment = undefined;
  }

  private lambdaContext(fn: LocalFunctionSpec, requestId: string) {
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    return {
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: String(fn.memorySize),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `local/${requestId}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}

/**
 * The process object of Node's main realm. Bundles run there (they are
 * compiled like any module), even when this library itself runs inside a
 * test framework's sandbox (jest), whose `process.env` is a separate copy.
 */
const mainProcess = vm.runInThisContext('process') as NodeJS.Process;

/**
 * A `Date` whose "now" is the virtual clock, given to the bundles so that the
 * time handlers compute (TTLs, timestamps in logs) agrees with the runtime.
 */
export function virtualDate(clock: VirtualClock): DateConstructor {
  const RealDate = vm.runInThisContext('Date') as DateConstructor;
  class LocalDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string]));
    }
    static now(): number {
      return clock.now();
    }
  }
  return LocalDate as unknown as DateConstructor;
}

/**
 * Load a bundle as Lambda would, with two differences: `Date` is the virtual
 * clock's, and modules the bundle leaves external (`@aws-sdk/*`, which the
 * Lambda runtime provides) are also looked up from the working directory and
 * from this library, so that an assembly written anywhere (a temp folder in
 * tests) runs with the project's SDK.
 */
function loadBundle(file: string, date: DateConstructor): Record<string, unknown> {
  const wrapper = vm.compileFunction(
    fs.readFileSync(file, 'utf8'),
    ['exports', 'require', 'module', '__filename', '__dirname', 'Date'],
    { filename: file },
  );
  const mod = { exports: {} as Record<string, unknown> };
  wrapper.call(
    mod.exports,
    mod.exports,
    fallbackRequire(file),
    mod,
    file,
    path.dirname(file),
    date,
  );
  return mod.exports;
}

function fallbackRequire(file: string): NodeJS.Require {
  const own = Module.createRequire(file);
  const fallbacks = [path.join(process.cwd(), 'package.json'), __filename].map((f) =>
    Module.createRequire(f),
  );
  const require = ((id: string) => {
    try {
      return own(id);
    } catch (error) {
      if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      for (const fallback of fallbacks) {
        try {
          return fallback(id);
        } catch {
          // try the next place
        }
      }
      throw error;
    }
  }) as NodeJS.Require;
  return Object.assign(require, {
    resolve: own.resolve,
    cache: own.cache,
    main: own.main,
    extensions: own.extensions,
  });
}

/**
 * An invocation record whose `logs` are parsed from the written lines on first
 * read: most runs never look at them, and parsing every line is not free.
 */
function withParsedLogs(
  entry: Omit<RecordedInvocation, 'logs'>,
  output: string[],
): RecordedInvocation {
  let parsed: unknown[] | undefined;
  return Object.defineProperty(entry, 'logs', {
    enumerable: true,
    get: () => {
      if (!parsed || parsed.length !== output.length) parsed = output.map(parseLine);
      return parsed;
    },
  }) as RecordedInvocation;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  return [`${handler.slice(0, dot)}.js`, handler.slice(dot + 1)];
}

/** A value as it comes out of its JSON text (undefined stays undefined). */
function jsonCopy<T>(value: T): T {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value)) as T;
}

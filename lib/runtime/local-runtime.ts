import { Duration, Stage } from 'aws-cdk-lib';
import { contextNameFromId } from '../events/domain-event';
import { Activity, StalledError } from './activity';
import { busName, loadAssembly, LocalAppSpec, LocalRuleSpec, LocalRuleTarget } from './assembly';
import { VirtualClock } from './clock';
import { LocalDynamoDbTable } from './dynamodb-table';
import { contractChecker, ContractMode, LocalContractViolation } from './contract-check';
import { EventRouter, PutEventsEntry } from './event-router';
import { StateMachineExecutor, statesError } from './executor';
import { FaultInjector, FaultSpec, seededRandom } from './faults';
import { currentInvocation, LambdaHost } from './lambda-host';
import { AppNames, appNames, suggestion } from './names';
import { RecordedExecution, RecordOption, RunRecord } from './record';
import { activate } from './process-hooks';
import { SdkCall, UnsupportedCallError } from './sdk-interceptor';

/** Options of a {@link LocalRuntime}. */
export interface LocalRuntimeOptions {
  /** @default '123456789012' */
  readonly account?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Where the virtual clock starts. @default 2026-01-01T12:00:00Z */
  readonly startTime?: Date;
  /** Print the handlers' log lines as they are written. @default false - logs are kept in the record only */
  readonly echoLogs?: boolean;
  /**
   * Seed of the runtime's random generators: fault injection's probabilities,
   * and the workflows' retry jitter (`JitterStrategy: FULL`), `States.MathRandom`,
   * `$random()` and `$uuid()`, so that a run repeats.
   * @default 42
   */
  readonly seed?: number;
  /**
   * How much the record keeps. `'summary'` bounds the memory of long
   * simulations: counts of everything (`record.summary()`) and, in full,
   * only the flows that failed; see {@link RecordOption}.
   * @default 'full' - every event, execution, invocation and log line
   */
  readonly record?: RecordOption;
  /**
   * How long `settle()` and `advance()` wait while work is pending but nothing
   * moves (no state entered, no invocation answered, no event delivered)
   * before they fail with `LocalRuntime.Stalled`, naming what is pending.
   *
   * @default Duration.seconds(3)
   */
  readonly stallTimeout?: Duration;
  /**
   * What to do with an event put on the bus whose envelope or data breaks the
   * contract of the context that publishes it (the schemas in the template):
   * `'fail'` makes `settle()` throw `ContractViolation`, `'warn'` records a
   * warning, `'off'` checks nothing.
   *
   * @default 'fail'
   */
  readonly contracts?: ContractMode;
}

/**
 * Runs a synthesized app end to end in this process, offline: the real
 * handler bundles from the cloud assembly, the state machine definitions as
 * deployed, the bus's rules with EventBridge's matching, and the AWS SDK calls
 * of the handlers served locally. Time is virtual.
 *
 * @example
 * const runtime = LocalRuntime.fromAssembly('cdk.out');
 * runtime.startExecution('orders', { metadata: { correlationId: 'c-1' }, data: order });
 * await runtime.settle();
 * runtime.record.events('OrderPlaced');
 */
export class LocalRuntime {
  /** Load a cloud assembly directory (`cdk.out`). */
  public static fromAssembly(dir: string, options: LocalRuntimeOptions = {}): LocalRuntime {
    return new LocalRuntime(loadAssembly(dir), options);
  }

  /**
   * Synthesize an app or stage and load it. Bundling must be on for the
   * stacks to run (it is unless `aws:cdk:bundling-stacks` excludes them).
   */
  public static fromApp(app: Stage, options: LocalRuntimeOptions = {}): LocalRuntime {
    return LocalRuntime.fromAssembly(app.synth().directory, options);
  }

  /** Everything that happened (or, with a bounded record, its counts and the flows it keeps). */
  public readonly record: RunRecord;
  /** The runtime's clock: only {@link advance} moves it. */
  public readonly clock: VirtualClock;
  /** Make handlers fail on purpose. */
  public readonly faults: FaultInjector;
  /** What was loaded from the assembly. */
  public readonly app: LocalAppSpec;

  private readonly names: AppNames;
  private readonly host: LambdaHost;
  private readonly router: EventRouter;
  private readonly executors = new Map<string, StateMachineExecutor>();
  private readonly tables = new Map<string, LocalDynamoDbTable>();
  private readonly hooks: ReturnType<typeof activate>;
  private readonly activity = new Activity();
  private readonly stallMs: number;
  private readonly failures: Error[] = [];

  constructor(app: LocalAppSpec, options: LocalRuntimeOptions = {}) {
    this.app = app;
    this.record = new RunRecord(options.record);
    const account = options.account ?? '123456789012';
    const region = options.region ?? 'us-east-1';
    this.clock = new VirtualClock(options.startTime);
    this.stallMs = (options.stallTimeout ?? Duration.seconds(3)).toMilliseconds();
    this.names = appNames(app);
    this.record.knownEvents = this.names.events;
    this.faults = new FaultInjector(options.seed, {
      targets: this.names.faultTargets,
      tasks: this.names.tasks,
    });
    this.hooks = activate({
      route: (call) => this.serveSdk(call),
      echoLogs: options.echoLogs ?? false,
    });
    this.host = new LambdaHost(app.functions, this.clock, this.faults, this.record, region, () =>
      this.hooks.patchLoaded(),
    );
    this.router = new EventRouter(
      app.rules,
      this.clock,
      this.record,
      (t, i, r) => this.dispatch(t, i, r),
      (w) => this.track(w),
      account,
      region,
      knownBuses(app),
      this.contractInspector(options.contracts ?? 'fail'),
    );
    for (const table of app.tables) {
      this.tables.set(
        table.logicalId,
        new LocalDynamoDbTable(
          table.logicalId,
          table.partitionKey,
          table.ttlAttribute,
          () => this.clock.now(),
          table.sortKey,
        ),
      );
    }
    const services = {
      clock: this.clock,
      record: this.record,
      invokeFunction: (ref: string, payload: unknown, cause: string) =>
        this.host.invoke(ref, payload, cause).finally(() => this.activity.moved()),
      putEvents: (entries: unknown[], by: string) =>
        this.router.put(entries as PutEventsEntry[], by),
      activity: this.activity,
      startExecution: (arn: string, input: unknown, name: string | undefined, by: string) =>
        this.executor(arn).begin(input, by, name),
      random: seededRandom((options.seed ?? 42) + 1),
      dynamoDb: (action: string, input: Record<string, unknown>) => this.tableCall(action, input),
    };
    const contexts = new Map<string, number>();
    for (const machine of app.stateMachines) {
      const executor = new StateMachineExecutor(machine, services);
      this.executors.set(machine.arn, executor);
      this.executors.set(`${machine.stackName}/${machine.logicalId}`, executor);
      if (machine.contextName) {
        this.executors.set(`${machine.stackName}/${machine.contextName}`, executor);
        contexts.set(machine.contextName, (contexts.get(machine.contextName) ?? 0) + 1);
      }
    }
    // A bare context name or logical id is a shorthand only while it is unambiguous.
    for (const machine of app.stateMachines) {
      const executor = this.executors.get(machine.arn)!;
      if (machine.contextName && contexts.get(machine.contextName) === 1)
        this.executors.set(machine.contextName, executor);
      if (!this.executors.has(machine.logicalId)) this.executors.set(machine.logicalId, executor);
    }
    this.recordRuleTargets(app.rules);
  }

  /**
   * Start a workflow directly, as `StartExecution` would.
   *
   * @param stateMachine the context name (`orders`) or its construct id (`Orders`), either
   * after its stack name (`Shop/orders`), the state machine's logical id or its ARN
   */
  public startExecution(stateMachine: string, input: unknown, name?: string): RecordedExecution {
    return this.executor(stateMachine).start(input, 'direct', name);
  }

  /** Put events on a bus, as a client's `PutEvents` would. */
  public putEvents(entries: PutEventsEntry[]): ReturnType<EventRouter['put']> {
    this.warnUndeclared(entries, 'test');
    const bus = this.app.eventBuses[0];
    return this.router.put(
      entries.map((e) => ({ EventBusName: bus, ...e })),
      'test',
    );
  }

  /**
   * Wait until nothing is running: every started execution is finished or
   * waiting (for an event or for time to pass), every event delivered.
   *
   * Throws `LocalRuntime.Stalled` ({@link StalledError}) when work is pending
   * but nothing moves for `stallTimeout`, naming each execution still running
   * and its state, rather than wait forever.
   */
  public async settle(): Promise<void> {
    let progress = this.activity.progress;
    let movedAt = performance.now();
    let stillRounds = 0;
    for (let idleRounds = 0; idleRounds < 3;) {
      await new Promise((resolve) => setImmediate(resolve));
      idleRounds = this.activity.idle ? idleRounds + 1 : 0;
      if (this.activity.progress !== progress) {
        progress = this.activity.progress;
        movedAt = performance.now();
        stillRounds = 0;
      } else if (
        idleRounds === 0 &&
        ++stillRounds >= STALL_ROUNDS &&
        performance.now() - movedAt > this.stallMs
      ) {
        throw new StalledError(
          `the local runtime made no progress for ${this.stallMs} ms and is not idle: ${this.activity.describeBusy()}. A handler may await something that never comes (a promise never settled, a network call); fix the handler, or raise stallTimeout if it is only slow.`,
        );
      }
    }
    this.record.compact();
    this.throwFailures();
  }

  /**
   * Let time pass: timers (Wait states, await and workflow timeouts, TTLs) due
   * in that time fire in order, each followed by the work it starts. Throws
   * `LocalRuntime.Stalled` as {@link settle} does.
   */
  public async advance(duration: Duration | number): Promise<void> {
    const ms = typeof duration === 'number' ? duration : duration.toMilliseconds();
    const until = this.clock.now() + ms;
    await this.settle();
    while (this.clock.fireDue(until) > 0) await this.settle();
  }

  /** Executions of a context (or state machine logical id), oldest first. */
  public executions(contextName?: string): RecordedExecution[] {
    return this.record.executions(contextName);
  }

  /** Make a handler (task name, function logical id or construct path) fail; see {@link FaultSpec}. */
  public injectFault(target: string, spec: FaultSpec): void {
    this.faults.inject(target, spec);
  }

  /**
   * Fail what still waits, and take this runtime's SDK and log hooks off the
   * process. Call when done (tests: in afterEach or afterAll).
   */
  public dispose(): void {
    for (const executor of new Set(this.executors.values())) executor.abandon();
    this.host.restoreEnvironment();
    this.hooks.deactivate();
  }

  private executor(ref: string): StateMachineExecutor {
    const executor =
      this.executors.get(ref) ??
      this.executors.get(ref.split(':').pop() ?? '') ??
      // The construct id (`Orders`, `FoodDelivery/Orders`) names the context it defines.
      this.executors.get(ref.replace(/[^/]+$/, (id) => contextNameFromId(id)));
    if (!executor) {
      const known = this.app.stateMachines
        .map((m) => `${m.stackName}/${m.contextName ?? m.logicalId}`)
        .join(', ');
      const guess = suggestion(
        ref.split('/').pop()!,
        this.app.stateMachines.map((m) => m.contextName ?? m.logicalId),
      );
      throw statesError(
        'StateMachineDoesNotExist',
        `no state machine '${ref}' in the app (name it <stack>/<context> when several stacks have that context); it has ${known}. ${guess}`.trimEnd(),
      );
    }
    return executor;
  }

  /**
   * An event from one of the app's contexts that the context does not
   * declare is delivered, as EventBridge would, but recorded as a warning:
   * it is most often a typo, and no rule of the app reacts to it.
   */
  private warnUndeclared(entries: PutEventsEntry[], by: string): void {
    for (const entry of entries) {
      const declared = entry?.Source ? this.names.declared.get(entry.Source) : undefined;
      if (!declared || typeof entry.DetailType !== 'string' || declared.has(entry.DetailType))
        continue;
      this.record.warn(
        this.clock.iso(),
        `PutEvents by ${by}: ${entry.Source} does not declare '${entry.DetailType}'. ${suggestion(entry.DetailType, declared)}` +
          `It declares ${[...declared].sort().join(', ')}.`,
      );
    }
  }

  private async dispatch(
    target: LocalRuleTarget,
    input: unknown,
    rule: LocalRuleSpec,
  ): Promise<void> {
    const arn = target.Arn;
    if (arn.includes(':states:') && arn.includes(':stateMachine:')) {
      this.executor(arn).start(input, rule.logicalId);
    } else if (arn.includes(':lambda:')) {
      // Asynchronous invocation: Lambda retries twice before its own dead-letter queue.
      await this.host.invoke(arn, input, rule.logicalId);
    } else if (arn.includes(':logs:') || arn.includes(':sqs:')) {
      // Audit log and queues: the record already holds the event.
    } else {
      throw new UnsupportedCallError(`rule targets of type ${arn.split(':')[2]} (${arn})`);
    }
  }

  private async serveSdk(call: SdkCall): Promise<unknown> {
    const by = currentInvocation.getStore() ? 'handler' : 'test';
    const input = call.input as Record<string, any>;
    switch (`${call.service}.${call.action}`) {
      case 'EventBridge.PutEvents':
        this.warnUndeclared(input.Entries ?? [], by);
        return this.router.put(input.Entries ?? [], by);
      case 'SFN.SendTaskSuccess':
        return this.sendTask(input.taskToken, (e, token) =>
          e.sendTaskSuccess(token, JSON.parse(input.output)),
        );
      case 'SFN.SendTaskFailure':
        return this.sendTask(input.taskToken, (e, token) =>
          e.sendTaskFailure(token, input.error ?? 'TaskFailed', input.cause ?? ''),
        );
      case 'SFN.SendTaskHeartbeat':
        return this.sendTask(input.taskToken, (e, token) => e.sendTaskHeartbeat(token));
      case 'SFN.StartExecution': {
        const execution = this.executor(input.stateMachineArn).start(
          parseExecutionInput(input.input),
          by,
          input.name,
        );
        return { executionArn: execution.executionArn, startDate: new Date(execution.startedAt) };
      }
      default:
        if (call.service === 'DynamoDB') return this.tableCall(call.action, input);
        throw new UnsupportedCallError(`${call.service}.${call.action}`);
    }
  }

  /**
   * SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat on the state machine
   * whose task waits on `token`; `TaskTimedOut` for a token that no longer
   * resumes anything (its task timed out, ended or its execution stopped),
   * `InvalidToken` for one the runtime never issued.
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
   */
  private sendTask(
    token: string,
    apply: (executor: StateMachineExecutor, token: string) => void,
  ): Record<string, never> {
    const executor = [...new Set(this.executors.values())].find((e) => e.hasToken(token));
    if (!executor) {
      throw statesError(
        token?.includes('#') ? 'TaskTimedOut' : 'InvalidToken',
        'the task token is not waited on (timed out, finished or unknown)',
      );
    }
    apply(executor, token);
    return {};
  }

  /** A DynamoDB call on one of the app's tables, counted in the record. */
  private tableCall(action: string, input: Record<string, any>): unknown {
    const table = this.table(String(input.TableName));
    this.record.tableCalls[action] = (this.record.tableCalls[action] ?? 0) + 1;
    return table.handle(action, input);
  }

  private table(name: string): LocalDynamoDbTable {
    const table = this.tables.get(name);
    if (!table)
      throw statesError('ResourceNotFoundException', `no DynamoDB table '${name}' in the app`);
    return table;
  }

  /** The check of every event put on the bus against its contract, as `mode` says. */
  private contractInspector(
    mode: ContractMode,
  ): ((event: Record<string, unknown>, by: string) => void) | undefined {
    if (mode === 'off') return undefined;
    const check = contractChecker(
      this.app.stateMachines.flatMap((m) => (m.contract ? [m.contract] : [])),
    );
    return (event, by) => {
      const problem = check(event);
      if (!problem) return;
      const message = `PutEvents by ${by}: ${problem}`;
      this.record.warn(this.clock.iso(), message);
      if (mode === 'fail') this.failures.push(new LocalContractViolation(message));
    };
  }

  private track(work: Promise<unknown>): void {
    const done = this.activity.work();
    work.catch((error: Error) => this.failures.push(error)).finally(done);
  }

  private throwFailures(): void {
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  private recordRuleTargets(rules: LocalRuleSpec[]): void {
    const contextOfArn = new Map<string, string>();
    const resumers = new Set<string>();
    for (const m of this.app.stateMachines)
      if (m.contextName) contextOfArn.set(m.arn, m.contextName);
    for (const f of this.app.functions) {
      if (f.environment.ENSEMBLE_AWAITS !== undefined) resumers.add(f.arn);
      const service = f.environment.POWERTOOLS_SERVICE_NAME;
      if (service) contextOfArn.set(f.arn, service.replace(/-resumer$/, ''));
    }
    for (const rule of rules) {
      const target = rule.targets.find((t) => contextOfArn.has(t.Arn));
      if (!target) continue;
      this.record.ruleTargets.set(rule.logicalId, contextOfArn.get(target.Arn)!);
      if (resumers.has(target.Arn)) this.record.awaitRules.add(rule.logicalId);
    }
  }
}

/**
 * Rounds of the event loop without progress before a stall is declared, on top
 * of the time: one long synchronous step (a large bundle loading) is one round.
 */
const STALL_ROUNDS = 100;

/**
 * The buses events may be put on: the account's default bus, the app's own
 * buses, and the buses it imported (named by its rules, its handlers'
 * environment or its workflows' `events:putEvents` states).
 */
function knownBuses(app: LocalAppSpec): Set<string> {
  const buses = new Set(['default', ...app.eventBuses, ...app.rules.map((r) => r.eventBusName)]);
  for (const fn of app.functions) {
    const bus = fn.environment.ENSEMBLE_EVENT_BUS_NAME;
    if (bus) buses.add(busName(bus));
  }
  for (const machine of app.stateMachines) {
    for (const match of JSON.stringify(machine.definition).matchAll(/"EventBusName":"([^"]+)"/g))
      buses.add(busName(match[1]));
  }
  return buses;
}

/** StartExecution's `input` text as JSON, or AWS's `InvalidExecutionInput`. */
function parseExecutionInput(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '{}');
  } catch (error) {
    throw statesError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
    );
  }
}

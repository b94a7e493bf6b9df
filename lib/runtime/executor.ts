import { createHash, randomUUID } from 'node:crypto';
import { Activity } from './activity';
import { LocalStateMachineSpec } from './assembly';
import { VirtualClock } from './clock';
import { Execution, integrationKey, StateMachineEngine, TaskRequest } from './engine';
import { ExecutionStatus, RecordedExecution, RunRecord } from './record';
import { UnsupportedCallError } from './sdk-interceptor';

/** What the executor needs from the rest of the runtime. */
export interface ExecutorServices {
  readonly clock: VirtualClock;
  readonly record: RunRecord;
  invokeFunction(ref: string, payload: unknown, cause: string): Promise<unknown>;
  putEvents(
    entries: unknown[],
    publishedBy: string,
  ): { FailedEntryCount: number; Entries: unknown[] };
  /** Starts an execution of another state machine of the app (`states:startExecution`). */
  startExecution(
    stateMachineArn: string,
    input: unknown,
    name: string | undefined,
    startedBy: string,
  ): { execution: RecordedExecution; done: Promise<RecordedExecution> };
  /** The generator of retry jitter, `States.MathRandom`, `$random()` and `$uuid()`. */
  readonly random: () => number;
  /** Serves a DynamoDB API call (`GetItem`, `PutItem`, ...) on one of the app's tables. */
  dynamoDb(action: string, input: Record<string, unknown>): unknown;
  /** What runs and what waits: executions are registered there from start to terminal status. */
  readonly activity: Activity;
}

/** An error with a Step Functions error name, so that Retry and Catch match it. */
export function statesError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * Runs a bounded context's state machine on the library's own engine
 * (`lib/runtime/engine`), with every wait, retry interval, timeout and
 * heartbeat on the runtime's virtual clock and native task tokens, and serves
 * the integrations a workflow calls: `lambda:invoke` (and plain function
 * ARNs), `events:putEvents`, `states:startExecution` (request-response,
 * `.sync`, `.sync:2`), DynamoDB `getItem`/`putItem`/`updateItem`/`deleteItem`
 * on the app's tables, SQS `sendMessage` and SNS `publish` (recorded), each
 * with `.waitForTaskToken` too. Any other fails with `LocalRuntime.Unsupported`,
 * naming the service and action.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
 */
export class StateMachineExecutor {
  private readonly engine: StateMachineEngine;
  /** Executions not yet ended, by ARN, with the engine's run of each. */
  private readonly running = new Map<string, { record: RecordedExecution; run?: Execution }>();
  private disposed = false;
  /** Executions started with a name of the caller's, for StartExecution's idempotency. */
  private readonly names = new Map<string, { execution: RecordedExecution; inputText: string }>();
  private readonly label: string;

  constructor(
    public readonly spec: LocalStateMachineSpec,
    private readonly services: ExecutorServices,
  ) {
    this.label = spec.contextName ?? spec.logicalId;
    if (spec.type === 'EXPRESS') refuseExpressPatterns(spec);
    const { activity } = services;
    this.engine = new StateMachineEngine(spec.definition, {
      clock: services.clock,
      stateMachineArn: spec.arn,
      random: services.random,
      // The record keeps them (or, bounded, drops them once the flow is done).
      keepTransitions: false,
      onTransition: (run, transition) => {
        const active = this.running.get(run.executionArn);
        if (!active) return;
        activity.moved();
        active.record.transitions.push(transition);
      },
      onBlocked: (run) => activity.wait(run.executionArn),
      // The execution's ARN first, so a token names what it resumes (and SendTask* can tell a
      // token that timed out from one that never existed).
      taskToken: (run, stateName) => `${run.executionArn}#${stateName}#${randomUUID()}`,
      resources: { '*': (request) => this.task(request) },
    });
  }

  /**
   * Start an execution; returns its record at once, the execution runs in the background.
   *
   * As StartExecution: the input must be JSON (`InvalidExecutionInput`), and a
   * name already used on this state machine returns the running execution
   * when the input is the same, or fails with `ExecutionAlreadyExists`.
   */
  public start(input: unknown, startedBy: string, name?: string): RecordedExecution {
    return this.begin(input, startedBy, name).execution;
  }

  /** As {@link start}, with a promise of the execution's end. */
  public begin(
    input: unknown,
    startedBy: string,
    name?: string,
  ): { execution: RecordedExecution; done: Promise<RecordedExecution> } {
    const inputText = executionInput(input);
    const express = this.spec.type === 'EXPRESS';
    // An Express workflow does not manage idempotency: the same name starts another execution.
    if (name !== undefined && !express) {
      const same = this.reusedName(name, inputText);
      if (same) return { execution: same, done: this.ended(same) };
    }
    const executionName = name ?? randomUUID();
    // An Express execution's ARN names the state machine, the execution and its own id.
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/express-at-least-once-execution.html
    const executionArn = express
      ? `${this.spec.arn.replace(':stateMachine:', ':express:')}:${executionName}:${randomUUID()}`
      : `${this.spec.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const execution: RecordedExecution = {
      executionArn,
      stateMachine: this.spec.logicalId,
      contextName: this.spec.contextName,
      input,
      startedAt: this.services.clock.iso(),
      startOrder: this.services.record.nextOrder(),
      startedBy,
      status: 'RUNNING',
      transitions: [],
    };
    if (name !== undefined && !express) this.names.set(name, { execution, inputText });
    this.services.record.allExecutions.push(execution);
    this.services.activity.started(execution);
    const active: { record: RecordedExecution; run?: Execution } = { record: execution };
    this.running.set(executionArn, active);
    // The engine gets the input as StartExecution does: a copy parsed from its JSON text.
    const run = this.engine.start(JSON.parse(inputText), { name: executionName, executionArn });
    active.run = run;
    const done = run.done.then((result) => {
      this.finish(execution, result.status, result.output, result.error, result.cause);
      return execution;
    });
    this.waiters.set(execution, done);
    return { execution, done };
  }

  /** Promises of the end of running executions, for `.sync` callers. */
  private readonly waiters = new WeakMap<RecordedExecution, Promise<RecordedExecution>>();

  private ended(execution: RecordedExecution): Promise<RecordedExecution> {
    return this.waiters.get(execution) ?? Promise.resolve(execution);
  }

  /**
   * The execution already started under `name`, when StartExecution would return it.
   *
   * StartExecution is idempotent for Standard workflows: the same name and
   * input as a running execution return that execution; a closed execution or
   * another input fail with `ExecutionAlreadyExists`, until 90 days after the
   * execution closed. (The runtime treats every workflow as Standard, the
   * library's default and the only type that can await.)
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
   */
  private reusedName(name: string, inputText: string): RecordedExecution | undefined {
    const used = this.names.get(name);
    if (!used) return undefined;
    const { execution } = used;
    if (execution.status === 'RUNNING' && used.inputText === inputText) return execution;
    const reusableAt =
      execution.stoppedAt === undefined
        ? Infinity
        : Date.parse(execution.stoppedAt) + NAME_REUSE_DAYS * 86_400_000;
    if (this.services.clock.now() >= reusableAt) return undefined;
    // The message AWS returns, checked against AWS by LocalStack's aws_verified tests.
    throw statesError(
      'ExecutionAlreadyExists',
      `Execution Already Exists: '${execution.executionArn}'`,
    );
  }

  private finish(
    execution: RecordedExecution,
    status: ExecutionStatus,
    output?: unknown,
    error?: string,
    cause?: string,
  ): void {
    // The one terminal transition: whatever ends an execution first (its end, its timeout,
    // dispose) decides, and the runtime stops counting it exactly once.
    if (execution.status !== 'RUNNING') return;
    execution.status = status;
    execution.output = output;
    execution.error = error;
    execution.cause = cause;
    execution.stoppedAt = this.services.clock.iso();
    execution.stopOrder = this.services.record.nextOrder();
    this.running.delete(execution.executionArn);
    this.services.activity.stopped(execution.executionArn);
  }

  /** Whether a task of this state machine waits on `token`. */
  public hasToken(token: string): boolean {
    return this.engine.hasToken(token);
  }

  /** SendTaskSuccess: the task waiting on `token` ends with `output`. */
  public sendTaskSuccess(token: string, output: unknown): void {
    this.engine.sendTaskSuccess(token, output);
  }

  /** SendTaskFailure: the task waiting on `token` fails with `error` and `cause`. */
  public sendTaskFailure(token: string, error: string, cause: string): void {
    this.engine.sendTaskFailure(token, error, cause);
  }

  /** SendTaskHeartbeat: the task waiting on `token` is alive; its HeartbeatSeconds start again. */
  public sendTaskHeartbeat(token: string): void {
    this.engine.sendTaskHeartbeat(token);
  }

  /** Runs one Task state's work: the integration its Resource names. */
  private async task(request: TaskRequest): Promise<unknown> {
    if (this.disposed) throw disposedError();
    const { resource, stateName } = request;
    const input = (request.input ?? {}) as Record<string, any>;
    const cause = `${this.label}/${stateName}`;
    const integration = integrationKey(resource);
    const sync = /\.sync(:2)?$/.exec(resource)?.[0];
    if (sync && integration !== 'states:startExecution')
      throw this.unsupported(resource, stateName);
    switch (integration) {
      case 'lambda:invoke':
        // A plain function ARN returns the function's result; the optimized integration
        // returns the Invoke response, the result in Payload.
        // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
        if (!resource.startsWith('arn:aws:states:'))
          return this.services.invokeFunction(resource, request.input, cause);
        return {
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          Payload: await this.services.invokeFunction(input.FunctionName, input.Payload, cause),
        };
      case 'events:putEvents': {
        const result = this.services.putEvents(input.Entries ?? [], cause);
        if (result.FailedEntryCount > 0)
          throw statesError('EventBridge.FailedEntry', JSON.stringify(result.Entries));
        return result;
      }
      case 'states:startExecution':
        return this.startChild(request, input, sync, cause);
      case 'dynamodb:getItem':
      case 'dynamodb:putItem':
      case 'dynamodb:updateItem':
      case 'dynamodb:deleteItem':
      case 'aws-sdk:dynamodb:getItem':
      case 'aws-sdk:dynamodb:putItem':
      case 'aws-sdk:dynamodb:updateItem':
      case 'aws-sdk:dynamodb:deleteItem': {
        const action = integration.split(':').pop()!;
        try {
          return this.services.dynamoDb(action[0].toUpperCase() + action.slice(1), input);
        } catch (error) {
          // A service's error reaches the workflow as `ServiceName.ErrorName`: `DynamoDb.` for
          // the AWS SDK integration (the service name in PascalCase), `DynamoDB.` for the
          // optimized one, as in the examples of its page.
          // @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
          // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
          const prefix = integration.startsWith('aws-sdk:') ? 'DynamoDb' : 'DynamoDB';
          const e = error as Error;
          throw statesError(`${prefix}.${e.name}`, e.message);
        }
      }
      case 'sqs:sendMessage':
      case 'aws-sdk:sqs:sendMessage': {
        // A JSON MessageBody is sent as its text; the answer carries the MD5 of the body.
        // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html
        // @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
        const body = messageText(input.MessageBody);
        return {
          ...this.message('sqs', input.QueueUrl, body, cause, input.MessageAttributes),
          MD5OfMessageBody: createHash('md5').update(body).digest('hex'),
        };
      }
      case 'sns:publish':
      case 'aws-sdk:sns:publish':
        // @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html
        return this.message(
          'sns',
          input.TopicArn ?? input.TargetArn ?? input.PhoneNumber,
          messageText(input.Message),
          cause,
          input.MessageAttributes,
          input.Subject,
        );
      default:
        throw this.unsupported(resource, stateName);
    }
  }

  /**
   * `states:startExecution`: request-response returns StartExecution's answer;
   * `.sync` and `.sync:2` wait for the child and return DescribeExecution's
   * (its output a JSON string, or with `:2` the JSON itself), and fail with
   * `States.TaskFailed` when the child does not succeed.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync
   */
  private async startChild(
    request: TaskRequest,
    input: Record<string, any>,
    sync: string | undefined,
    cause: string,
  ): Promise<unknown> {
    const childInput =
      typeof input.Input === 'string' ? parseChildInput(input.Input) : (input.Input ?? {});
    const { execution, done } = this.services.startExecution(
      String(input.StateMachineArn),
      childInput,
      input.Name,
      cause,
    );
    const started = { ExecutionArn: execution.executionArn, StartDate: execution.startedAt };
    if (!sync) return started;
    // The parent waits on the child, which runs on its own: a blocked parent, not a busy one.
    const resume = this.services.activity.wait(request.executionArn);
    const child = await done.finally(resume);
    const described = {
      ...started,
      StateMachineArn: String(input.StateMachineArn),
      Name: execution.executionArn.split(':').pop(),
      Status: child.status,
      StopDate: child.stoppedAt,
      Input: sync === '.sync:2' ? childInput : JSON.stringify(childInput),
      Output:
        child.output === undefined
          ? undefined
          : sync === '.sync:2'
            ? child.output
            : JSON.stringify(child.output),
      ...(child.error === undefined ? {} : { Error: child.error, Cause: child.cause }),
    };
    if (child.status !== 'SUCCEEDED')
      throw statesError('States.TaskFailed', JSON.stringify(described));
    return described;
  }

  /** SQS SendMessage or SNS Publish: recorded, as nothing of the app consumes them locally. */
  private message(
    service: 'sqs' | 'sns',
    target: unknown,
    body: string,
    sentBy: string,
    attributes?: unknown,
    subject?: unknown,
  ): { MessageId: string } {
    const messageId = randomUUID();
    this.services.record.messages.push({
      order: this.services.record.nextOrder(),
      at: this.services.clock.iso(),
      service,
      target: String(target),
      body,
      ...(attributes === undefined ? {} : { attributes }),
      ...(subject === undefined ? {} : { subject: String(subject) }),
      sentBy,
      messageId,
    });
    return { MessageId: messageId };
  }

  private unsupported(resource: string, stateName: string): Error {
    const integration = integrationKey(resource).replace(/^aws-sdk:/, '');
    const [service, action] = integration.split(':');
    const pattern = /\.(sync(:2)?|waitForTaskToken)$/.exec(resource)?.[0] ?? '';
    return new UnsupportedCallError(
      `${service}.${action ?? '?'}${pattern} (state '${stateName}' of ${this.label})`,
    );
  }

  /**
   * Abort every running execution (status ABORTED, as StopExecution would):
   * their waits, timers and tasks in flight end at once, and no Catch path runs.
   */
  public abandon(): void {
    this.disposed = true;
    for (const { record, run } of [...this.running.values()]) {
      this.finish(record, 'ABORTED', undefined, 'States.Aborted', 'the local runtime was disposed');
      run?.stop('States.Aborted', 'the local runtime was disposed');
    }
    this.running.clear();
  }
}

/** Days after an execution closes before its name can start another execution. */
const NAME_REUSE_DAYS = 90;

/**
 * The input as StartExecution receives it, JSON text, or `InvalidExecutionInput`
 * for what JSON cannot hold (a circular object, a BigInt).
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
function executionInput(input: unknown): string {
  try {
    return JSON.stringify(input) ?? '{}';
  } catch (error) {
    throw statesError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message.split('\n')[0]}'`,
    );
  }
}

/**
 * Refuses what Step Functions refuses when an Express state machine is
 * created: a task that waits for a callback (`.waitForTaskToken`) or for a job
 * (`.sync`). Express workflows support request-response integrations only.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-supported-services.html
 */
function refuseExpressPatterns(spec: LocalStateMachineSpec): void {
  const visit = (graph: { States?: Record<string, Record<string, any>> }): void => {
    for (const [name, state] of Object.entries(graph.States ?? {})) {
      const pattern = /\.(waitForTaskToken|sync(:2)?)$/.exec(String(state.Resource ?? ''))?.[0];
      if (pattern)
        throw new Error(
          `The Express state machine ${spec.stackName}/${spec.contextName ?? spec.logicalId} has the state '${name}' with the ${pattern} pattern (${String(state.Resource)}), which Express workflows do not support: Step Functions refuses to create it. Use a Standard workflow, or a request-response task.`,
        );
      for (const branch of state.Branches ?? []) visit(branch);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) visit(processor);
    }
  };
  visit(spec.definition as { States?: Record<string, Record<string, any>> });
}

/** A child execution's `Input` given as text: it must be JSON, as StartExecution requires. */
function parseChildInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw statesError(
      'StepFunctions.InvalidExecutionInputException',
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
    );
  }
}

/** A message body as the service receives it: text, a JSON value given in the definition as its JSON text. */
function messageText(body: unknown): string {
  return typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
}

function disposedError(): Error {
  return statesError('LocalRuntime.Disposed', 'the local runtime was disposed');
}

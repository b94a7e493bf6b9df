import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HandlerBundler } from '../../bundling/handler-bundler';
import type { IDomainEventBus } from '../../bus/domain-event-bus';
import { acknowledge, XRAY_ACKNOWLEDGEMENT } from '../../checks/acknowledge';
import { ValidationError } from '../../checks/validation-error';

/** What every Lambda function of a context shares. */
export interface FunctionDefaults {
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly architecture?: lambda.Architecture;
  readonly logLevel?: string;
  readonly logRetention?: logs.RetentionDays;
}

/** One handler function. */
export interface HandlerFunctionProps {
  readonly entry: string;
  readonly bundleKey: string;
  readonly serviceName: string;
  readonly description: string;
  readonly handlerExport?: string;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  readonly externalModules?: string[];
  readonly defaults: FunctionDefaults;
}

/** Resolve an entry path and check that the file exists. */
export function resolveEntry(constructPath: string, entry: string): string {
  const resolved = path.resolve(entry);
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
    throw new ValidationError(
      constructPath,
      'entry',
      entry,
      `No file at ${resolved}. Give the path of the handler's entry file, relative to the directory cdk runs in.`,
    );
  }
  return resolved;
}

/**
 * A Lambda function for one handler: Node.js 22 on arm64, bundled with the
 * rest of the stack's handlers, JSON logs to a log group with retention,
 * X-Ray tracing, Powertools configured for its context.
 */
export function handlerFunction(
  scope: Construct,
  id: string,
  props: HandlerFunctionProps,
): lambda.Function {
  const { defaults } = props;
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: defaults.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // A role of its own that may write to its own log group only, instead of the
  // managed AWSLambdaBasicExecutionRole (logs:* on every log group).
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `${props.description}: its own log group, tracing, and what the library grants`,
  });
  logGroup.grantWrite(role);
  const fn = new lambda.Function(scope, id, {
    runtime: LAMBDA_RUNTIME,
    architecture: defaults.architecture ?? lambda.Architecture.ARM_64,
    code: HandlerBundler.of(scope).addHandler(props.bundleKey, props.entry, {
      externalModules: props.externalModules,
    }),
    handler: `index.${props.handlerExport ?? 'handler'}`,
    memorySize: props.memorySize ?? defaults.memorySize ?? 256,
    timeout: props.timeout ?? defaults.timeout ?? Duration.seconds(10),
    tracing: lambda.Tracing.ACTIVE,
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup,
    role,
    description: props.description,
    environment: {
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      POWERTOOLS_LOG_LEVEL: defaults.logLevel ?? 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    },
  });
  acknowledge(role.node.findChild('DefaultPolicy'), [XRAY_ACKNOWLEDGEMENT]);
  return fn;
}

/** The Lambda runtime of every handler: the newest Node.js Lambda offers. */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The path of a handler shipped with this library (`lambda/runtime/...`), as .ts in the repo or .js when published. */
export function libraryHandlerEntry(relative: string): string {
  const base = path.join(__dirname, '..', '..', '..', 'lambda', 'runtime', relative);
  for (const ext of ['.ts', '.js']) if (fs.existsSync(base + ext)) return base + ext;
  throw new Error(
    `cdk-ensemble is missing its handler lambda/runtime/${relative}: reinstall the package`,
  );
}

/** The context a task handler belongs to. */
export interface HandlerOwner extends Construct {
  readonly contextName: string;
  readonly source: string;
  readonly bus: IDomainEventBus;
}

/** The options of a task's (or a compensation's) handler. */
export interface ContextHandlerOptions {
  readonly entry: string;
  readonly handlerExport?: string;
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly externalModules?: string[];
  readonly defaults: FunctionDefaults;
}

/**
 * The handler of one task of `context` (`<id>Handler`), configured to publish
 * on its bus with its source (`ENSEMBLE_*` variables).
 */
export function contextHandler(
  context: HandlerOwner,
  id: string,
  taskName: string,
  options: ContextHandlerOptions,
): lambda.Function {
  const entry = resolveEntry(`${context.node.path}/${id}`, options.entry);
  const fn = handlerFunction(context, `${id}Handler`, {
    entry,
    bundleKey: `${context.node.path}/${id}`,
    serviceName: context.contextName,
    description: `${context.source} ${taskName}`,
    handlerExport: options.handlerExport,
    memorySize: options.memorySize,
    timeout: options.timeout,
    externalModules: options.externalModules,
    defaults: options.defaults,
    environment: {
      ENSEMBLE_EVENT_BUS_NAME: context.bus.eventBus.eventBusName,
      ENSEMBLE_EVENT_SOURCE: context.source,
      ENSEMBLE_TASK: taskName,
      ...options.environment,
    },
  });
  acknowledge(fn, [
    {
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by its workflow, which retries and catches failures; a DLQ only serves asynchronous invocations.',
    },
  ]);
  return fn;
}

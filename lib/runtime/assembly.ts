import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContextContract, contractsOfTemplates } from '../events/contract';
import {
  CfnTemplate,
  CrossStackValues,
  FakeEnvironment,
  fakeIdentity,
  locate,
  resolveIntrinsics,
  resolveStateMachines,
  UnresolvedReferenceError,
} from './cfn-resolve';

/** A Lambda function of the app, mapped to its bundle in the assembly. */
export interface LocalFunctionSpec {
  readonly logicalId: string;
  readonly stackName: string;
  readonly arn: string;
  readonly name: string;
  /** The folder of the bundle (`cdk.out/asset.<hash>`). */
  readonly codeDir: string;
  /** `index.handler` */
  readonly handler: string;
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** `x86_64` (Lambda's default) or `arm64`. */
  readonly architecture: string;
  /** `aws:cdk:path`, when the assembly has path metadata. */
  readonly constructPath?: string;
}

/** A state machine of the app, its definition resolved to plain JSON. */
export interface LocalStateMachineSpec {
  readonly logicalId: string;
  readonly stackName: string;
  readonly arn: string;
  readonly name: string;
  readonly definition: Record<string, unknown>;
  /**
   * `STANDARD`, or `EXPRESS`: at-least-once and not idempotent (a name used
   * again starts another execution), request-response integrations only.
   */
  readonly type: 'STANDARD' | 'EXPRESS';
  /** The bounded context it belongs to, read from the sources it publishes (`orders`). */
  readonly contextName?: string;
  /** The contract its context wrote in the state machine's metadata, if any. */
  readonly contract?: ContextContract;
}

/** A target of an EventBridge rule. */
export interface LocalRuleTarget {
  readonly Arn: string;
  readonly Id: string;
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  readonly DeadLetterConfig?: { Arn: string };
  readonly RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
}

/** An EventBridge rule of the app. */
export interface LocalRuleSpec {
  readonly logicalId: string;
  readonly stackName: string;
  /** The bus name (its logical id when the bus is defined in the app). */
  readonly eventBusName: string;
  readonly eventPattern: Record<string, unknown>;
  readonly targets: LocalRuleTarget[];
  readonly description?: string;
}

/** A DynamoDB table of the app. */
export interface LocalTableSpec {
  readonly logicalId: string;
  readonly partitionKey: string;
  /** The sort key, when the table has one. */
  readonly sortKey?: string;
  readonly ttlAttribute?: string;
}

/** Everything the local runtime reads from a cloud assembly. */
export interface LocalAppSpec {
  readonly tables: LocalTableSpec[];
  readonly functions: LocalFunctionSpec[];
  readonly stateMachines: LocalStateMachineSpec[];
  readonly rules: LocalRuleSpec[];
  /** Bus names (the bus's `Name`, or its logical id when it has none). */
  readonly eventBuses: string[];
}

/** Thrown when a directory is not a usable cloud assembly. */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

type MutableSpec = { -readonly [K in keyof LocalAppSpec]: LocalAppSpec[K] };

interface Manifest {
  artifacts?: Record<
    string,
    {
      type: string;
      properties?: { templateFile?: string; stackName?: string; directoryName?: string };
      displayName?: string;
    }
  >;
}

type StackTemplate = CfnTemplate & {
  Resources?: Record<string, { Metadata?: Record<string, unknown> }>;
};

/** One stack of the assembly, wherever it is nested. */
interface AssemblyStack {
  /** The directory of the (nested) assembly that holds it. */
  readonly dir: string;
  readonly artifactId: string;
  /** The stack's name in CloudFormation (`Prod-Orders` inside stage `Prod`). */
  readonly stackName: string;
  readonly template: StackTemplate;
}

interface AssetManifest {
  files?: Record<string, { source: { path: string; packaging?: string } }>;
}

/** Read a cloud assembly directory (`cdk.out`) into what the local runtime runs. */
export function loadAssembly(dir: string): LocalAppSpec {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new AssemblyError(
      `no cloud assembly at ${path.resolve(dir)} (manifest.json is missing). Run 'npx cdk synth' first, or pass the directory it wrote with --app.`,
    );
  }
  const stacks = collectStacks(dir);
  const crossStack = crossStackValues(stacks);
  const spec: MutableSpec = {
    tables: [],
    functions: [],
    stateMachines: [],
    rules: [],
    eventBuses: [],
  };
  for (const stack of stacks) {
    const env: FakeEnvironment = { stackName: stack.stackName, crossStack };
    try {
      readStack(stack, readAssetManifest(stack.dir, stack.artifactId), spec, env);
    } catch (error) {
      if (!(error instanceof UnresolvedReferenceError)) throw error;
      throw new AssemblyError(
        `stack '${stack.stackName}', resource '${error.at?.resource ?? '?'}', property '${error.at?.property ?? '?'}' refers to ${error.message}`,
      );
    }
  }
  if (spec.stateMachines.length === 0 && spec.functions.length === 0) {
    throw new AssemblyError(
      `the cloud assembly at ${path.resolve(dir)} has no state machine and no Lambda function to run`,
    );
  }
  checkUniqueIds(spec);
  return spec;
}

/** Every stack of the assembly, including those of stages (nested cloud assemblies). */
function collectStacks(dir: string): AssemblyStack[] {
  const manifest = readJson<Manifest>(path.join(dir, 'manifest.json'));
  const stacks: AssemblyStack[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const props = artifact.properties ?? {};
    if (artifact.type === 'cdk:cloud-assembly' && props.directoryName) {
      stacks.push(...collectStacks(path.join(dir, props.directoryName)));
    } else if (artifact.type === 'aws:cloudformation:stack' && props.templateFile) {
      stacks.push({
        dir,
        artifactId,
        stackName: props.stackName ?? artifactId,
        template: readJson<StackTemplate>(path.join(dir, props.templateFile)),
      });
    }
  }
  return stacks;
}

/**
 * The exports and outputs of every stack, resolved on demand in their own
 * stack, so that `Fn::ImportValue` and `Fn::GetStackOutput` read what the
 * other stack would give once deployed.
 */
function crossStackValues(stacks: AssemblyStack[]): CrossStackValues {
  const byName = new Map(stacks.map((s) => [s.stackName, s]));
  const exports = new Map<string, { stack: AssemblyStack; output: string }>();
  const values: CrossStackValues = {
    exportValue: (name) => {
      const found = exports.get(name);
      return found && outputValue(found.stack, found.output);
    },
    stackOutput: (stackName, output) => {
      const stack = byName.get(stackName);
      return stack?.template.Outputs?.[output] && outputValue(stack, output);
    },
  };
  const envOf = (stack: AssemblyStack): FakeEnvironment => ({
    stackName: stack.stackName,
    crossStack: values,
  });
  // An unresolved reference inside another stack's output is reported on the
  // resource that reads the output: that is where the chain starts.
  const outputValue = (stack: AssemblyStack, output: string) =>
    resolveIntrinsics(stack.template.Outputs![output].Value, stack.template, envOf(stack));
  for (const stack of stacks) {
    for (const [output, { Export }] of Object.entries(stack.template.Outputs ?? {})) {
      if (Export?.Name === undefined) continue;
      const name = String(resolveIntrinsics(Export.Name, stack.template, envOf(stack)));
      exports.set(name, { stack, output });
    }
  }
  return values;
}

/**
 * The local runtime finds functions and state machines by logical id; two
 * copies of one stack (the same stack in stages `Dev` and `Prod`) would be
 * mixed up.
 */
function checkUniqueIds(spec: LocalAppSpec): void {
  const seen = new Map<string, string>();
  for (const { logicalId, stackName } of [...spec.functions, ...spec.stateMachines]) {
    const other = seen.get(logicalId);
    if (other !== undefined && other !== stackName) {
      throw new AssemblyError(
        `stacks '${other}' and '${stackName}' both define resource '${logicalId}' (the same stack in two stages?). The local runtime runs one copy of each: load one stage, with LocalRuntime.fromApp(stage) or LocalRuntime.fromAssembly('cdk.out/assembly-<stage>').`,
      );
    }
    seen.set(logicalId, stackName);
  }
}

function readStack(
  stack: AssemblyStack,
  assets: AssetManifest,
  spec: MutableSpec,
  env: FakeEnvironment,
): void {
  const { dir, stackName, template } = stack;
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const props = (resource.Properties ?? {}) as Record<string, any>;
    const metadata = (resource as { Metadata?: Record<string, unknown> }).Metadata;
    const resolve = (value: unknown, property: string) =>
      locate(logicalId, property, () => resolveIntrinsics(value, template, env));
    if (resource.Type === 'AWS::Lambda::Function' && props.Code?.S3Key) {
      const codeDir = codeDirOf(dir, assets, String(resolve(props.Code.S3Key, 'Code.S3Key')));
      if (!codeDir) continue;
      const identity = fakeIdentity(logicalId, resource.Type, env, props);
      spec.functions.push({
        logicalId,
        stackName,
        arn: identity.arn,
        name: identity.ref,
        codeDir,
        handler: props.Handler ?? 'index.handler',
        environment: stringValues(
          resolve(props.Environment?.Variables ?? {}, 'Environment.Variables') as Record<
            string,
            unknown
          >,
        ),
        timeoutSeconds: props.Timeout ?? 3,
        memorySize: props.MemorySize ?? 128,
        architecture: (props.Architectures as string[] | undefined)?.[0] ?? 'x86_64',
        constructPath: metadata?.['aws:cdk:path'] as string | undefined,
      });
    } else if (resource.Type === 'AWS::Events::Rule' && props.EventPattern) {
      spec.rules.push({
        logicalId,
        stackName,
        eventBusName: busName(resolve(props.EventBusName ?? 'default', 'EventBusName')),
        eventPattern: resolve(props.EventPattern, 'EventPattern') as Record<string, unknown>,
        targets: resolve(props.Targets ?? [], 'Targets') as LocalRuleTarget[],
        description: props.Description,
      });
    } else if (
      resource.Type === 'AWS::DynamoDB::Table' ||
      resource.Type === 'AWS::DynamoDB::GlobalTable'
    ) {
      // A TableV2 synthesizes a GlobalTable (one replica in the stack's region): the same API.
      // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html
      const schema = props.KeySchema as { AttributeName: string; KeyType: string }[];
      const hash = schema.find((k) => k.KeyType === 'HASH');
      const range = schema.find((k) => k.KeyType === 'RANGE');
      spec.tables.push({
        logicalId,
        partitionKey: hash?.AttributeName ?? 'pk',
        sortKey: range?.AttributeName,
        ttlAttribute: props.TimeToLiveSpecification?.Enabled
          ? props.TimeToLiveSpecification.AttributeName
          : undefined,
      });
    } else if (resource.Type === 'AWS::Events::EventBus') {
      spec.eventBuses.push(fakeIdentity(logicalId, resource.Type, env, props).ref);
    }
  }
  for (const machine of resolveStateMachines(template, env)) {
    spec.stateMachines.push({
      ...machine,
      stackName,
      name: machine.logicalId,
      contextName: contextOf(machine.definition),
      contract: contractsOfTemplates([
        { Resources: { [machine.logicalId]: template.Resources![machine.logicalId] } },
      ])[0],
    });
  }
}

/** The bus name from a name or an ARN. */
export function busName(value: unknown): string {
  const text = String(value);
  const i = text.indexOf(':event-bus/');
  return i >= 0 ? text.slice(i + ':event-bus/'.length) : text;
}

function codeDirOf(dir: string, assets: AssetManifest, s3Key: string): string | undefined {
  const hash = s3Key.replace(/\.zip$/, '');
  const source = assets.files?.[hash]?.source;
  if (!source) return undefined;
  const codeDir = path.resolve(dir, source.path);
  return fs.existsSync(codeDir) ? codeDir : undefined;
}

function readAssetManifest(dir: string, stackName: string): AssetManifest {
  const file = path.join(dir, `${stackName}.assets.json`);
  return fs.existsSync(file) ? readJson<AssetManifest>(file) : {};
}

function contextOf(definition: Record<string, unknown>): string | undefined {
  const text = JSON.stringify(definition);
  const match = /"Source":"[a-z0-9-]+\.([a-z0-9-]+)"/.exec(text);
  return match?.[1];
}

function stringValues(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

function readJson<T>(file: string): T {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new AssemblyError(
      `${file} is not valid JSON (${(error as Error).message}); run 'npx cdk synth' again`,
    );
  }
}

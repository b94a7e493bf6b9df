/**
 * Resolution of the CloudFormation intrinsics that CDK writes into templates,
 * with a fake but stable ARN per logical id, so that a synthesized template
 * can be read (and run) without deploying it.
 *
 * Handles `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`, the pseudo parameters, and the references between stacks of one
 * assembly (`Fn::ImportValue`, `Fn::GetStackOutput`) when the environment
 * says where to find them; anything else throws, naming it.
 */

/** A CloudFormation template, as far as the resolver reads it. */
export interface CfnTemplate {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/**
 * The values that the other stacks of an assembly offer: what
 * `Fn::ImportValue` and `Fn::GetStackOutput` read. Each returns `undefined`
 * when the assembly has no such export or output.
 */
export interface CrossStackValues {
  /** The value of the output exported under `exportName`. */
  exportValue(exportName: string): unknown;
  /** The value of output `outputName` of the stack named `stackName`. */
  stackOutput(stackName: string, outputName: string): unknown;
}

/** Thrown when a reference to another stack names nothing the assembly holds. */
export class UnresolvedReferenceError extends Error {
  /** The resource and property that hold the reference, when known. */
  public at?: { readonly resource: string; readonly property: string };

  constructor(
    /** `export 'X'` or `output 'O' of stack 'S'`. */
    public readonly reference: string,
    /** Why, and what to do. */
    public readonly fix: string,
  ) {
    super(`${reference}: ${fix}`);
    this.name = 'UnresolvedReferenceError';
  }
}

/** The account and region that fake ARNs use. */
export interface FakeEnvironment {
  /** @default '123456789012' */
  readonly account?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** What `AWS::StackName` gives. @default 'LocalStack' */
  readonly stackName?: string;
  /** Where references to other stacks are read. @default - they cannot be resolved */
  readonly crossStack?: CrossStackValues;
}

/** The ARN, name and URL a resource gets when resolved offline. */
export interface FakeIdentity {
  readonly ref: string;
  readonly arn: string;
}

/** The fake identity of a resource: what `Ref` and `Fn::GetAtt [id, Arn]` give. */
export function fakeIdentity(
  logicalId: string,
  type: string,
  env: FakeEnvironment = {},
  properties: Record<string, unknown> = {},
): FakeIdentity {
  const account = env.account ?? '123456789012';
  const region = env.region ?? 'us-east-1';
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${region}:${account}:${resource}`;
  switch (type) {
    case 'AWS::Lambda::Function':
      return { ref: logicalId, arn: arn('lambda', `function:${logicalId}`) };
    case 'AWS::StepFunctions::StateMachine': {
      const a = arn('states', `stateMachine:${logicalId}`);
      return { ref: a, arn: a };
    }
    case 'AWS::Events::EventBus': {
      // A bus is known by its name, so that a stack that imports it by ARN
      // (`DomainEventBus.fromEventBusArn`) reaches the same bus locally.
      const name = typeof properties.Name === 'string' ? properties.Name : logicalId;
      return { ref: name, arn: arn('events', `event-bus/${name}`) };
    }
    case 'AWS::Events::Rule':
      return { ref: logicalId, arn: arn('events', `rule/${logicalId}`) };
    case 'AWS::SQS::Queue':
      return {
        ref: `https://sqs.${region}.amazonaws.com/${account}/${logicalId}`,
        arn: arn('sqs', logicalId),
      };
    case 'AWS::DynamoDB::Table':
      return { ref: logicalId, arn: arn('dynamodb', `table/${logicalId}`) };
    case 'AWS::Logs::LogGroup':
      return { ref: logicalId, arn: arn('logs', `log-group:${logicalId}:*`) };
    case 'AWS::IAM::Role':
      return { ref: logicalId, arn: `arn:aws:iam::${account}:role/${logicalId}` };
    case 'AWS::SNS::Topic': {
      const a = arn('sns', logicalId);
      return { ref: a, arn: a };
    }
    default:
      return {
        ref: logicalId,
        arn: arn(type.split('::')[1]?.toLowerCase() ?? 'unknown', logicalId),
      };
  }
}

/** Resolve every intrinsic in `value` against `template`. */
export function resolveIntrinsics(
  value: unknown,
  template: CfnTemplate,
  env: FakeEnvironment = {},
): unknown {
  return new Resolver(template, env).resolve(value);
}

class Resolver {
  private readonly pseudo: Record<string, string>;

  constructor(
    private readonly template: CfnTemplate,
    private readonly env: FakeEnvironment,
  ) {
    this.pseudo = {
      'AWS::AccountId': env.account ?? '123456789012',
      'AWS::Region': env.region ?? 'us-east-1',
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': env.stackName ?? 'LocalStack',
      'AWS::NoValue': '',
    };
  }

  public resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref') return this.ref(arg as string);
      if (key.startsWith('Fn::')) return this.intrinsic(key, arg);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Fn::GetAtt': {
        const text = String(arg);
        const dot = text.indexOf('.');
        const [id, attr] = Array.isArray(arg) ? arg : [text.slice(0, dot), text.slice(dot + 1)];
        return this.getAtt(id as string, this.resolve(attr) as string);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [sep, str] = arg as [string, unknown];
        return String(this.resolve(str)).split(sep);
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::ImportValue':
        return this.importValue(String(this.resolve(arg)));
      case 'Fn::GetStackOutput':
        return this.stackOutput(arg as Record<string, unknown>);
      default:
        throw new Error(`cannot resolve ${name} offline`);
    }
  }

  private sub(arg: unknown): string {
    const [text, vars] = Array.isArray(arg)
      ? (arg as [string, Record<string, unknown>])
      : [arg as string, {}];
    return text
      .replace(/\$\{([^}!][^}]*)\}/g, (_m, expr: string) => {
        if (Object.hasOwn(vars, expr)) return String(this.resolve(vars[expr]));
        const dot = expr.indexOf('.');
        if (dot > 0 && !expr.startsWith('AWS::'))
          return String(this.getAtt(expr.slice(0, dot), expr.slice(dot + 1)));
        return String(this.ref(expr));
      })
      .replace(/\$\{!/g, '${');
  }

  /** @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html */
  private importValue(exportName: string): unknown {
    const value = this.env.crossStack?.exportValue(exportName);
    if (value !== undefined) return value;
    throw new UnresolvedReferenceError(
      `export '${exportName}'`,
      'no stack of the assembly exports it. Fix: synthesize the stack that exports it in the same app (or stage), or give this stack the value as a plain string instead of importing it',
    );
  }

  /** @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html */
  private stackOutput(arg: Record<string, unknown>): unknown {
    const stackName = String(this.resolve(arg.StackName));
    const outputName = String(this.resolve(arg.OutputName));
    const value = this.env.crossStack?.stackOutput(stackName, outputName);
    if (value !== undefined) return value;
    throw new UnresolvedReferenceError(
      `output '${outputName}' of stack '${stackName}'`,
      'the assembly has no such stack output. Fix: synthesize that stack in the same app (or stage), or give this stack the value as a plain string',
    );
  }

  private ref(id: string): unknown {
    if (id in this.pseudo) return this.pseudo[id];
    const param = this.template.Parameters?.[id];
    if (param) return param.Default ?? `${id}-parameter`;
    return this.identity(id).ref;
  }

  private getAtt(id: string, attr: string): unknown {
    const identity = this.identity(id);
    if (attr === 'Arn') return identity.arn;
    if (attr === 'Name') return identity.ref.startsWith('arn:') ? id : identity.ref;
    if (attr === 'QueueUrl') return identity.ref;
    if (attr === 'QueueName' || attr === 'TopicName') return id;
    return `${identity.ref}.${attr}`;
  }

  private identity(id: string): FakeIdentity {
    const resource = this.template.Resources?.[id];
    if (!resource) throw new Error(`the template has no resource or parameter '${id}'`);
    return fakeIdentity(id, resource.Type, this.env, resource.Properties);
  }
}

/** A state machine of a template, its definition resolved to plain ASL JSON. */
export interface ResolvedStateMachine {
  readonly logicalId: string;
  readonly arn: string;
  readonly definition: Record<string, unknown>;
  /** `STANDARD` unless the template says `EXPRESS`. */
  readonly type: 'STANDARD' | 'EXPRESS';
}

/** Every state machine of `template`, with its definition as plain JSON. */
export function resolveStateMachines(
  template: CfnTemplate,
  env: FakeEnvironment = {},
): ResolvedStateMachine[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, r]) => {
      const props = r.Properties ?? {};
      const resolve = (property: string) =>
        locate(logicalId, property, () => resolveIntrinsics(props[property], template, env));
      let text =
        props.Definition !== undefined
          ? JSON.stringify(resolve('Definition'))
          : String(resolve('DefinitionString'));
      const substitutions = (
        props.DefinitionSubstitutions === undefined ? {} : resolve('DefinitionSubstitutions')
      ) as Record<string, unknown>;
      for (const [key, value] of Object.entries(substitutions))
        text = text.split(`\${${key}}`).join(String(value));
      return {
        logicalId,
        arn: fakeIdentity(logicalId, r.Type, env, props).arn,
        definition: JSON.parse(text) as Record<string, unknown>,
        type: props.StateMachineType === 'EXPRESS' ? ('EXPRESS' as const) : ('STANDARD' as const),
      };
    });
}

/** Run `resolve`, and say which resource and property an unresolved reference is in. */
export function locate<T>(resource: string, property: string, resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof UnresolvedReferenceError && !error.at) error.at = { resource, property };
    throw error;
  }
}

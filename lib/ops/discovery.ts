import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListRulesCommand, ListTargetsByRuleCommand, Target } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { STACK_OUTPUT_DESCRIPTIONS, StackOutputKind } from '../context/private/stack-outputs';
import { OpsClients } from './clients';
import { OpsSetupError, setupProblem } from './errors';

/** The domain event bus of a deployed app, as its stack outputs name it. */
export interface DeployedBus {
  readonly app: string;
  readonly stack: string;
  readonly name?: string;
  readonly arn?: string;
  readonly archiveName?: string;
  readonly auditLogGroupName?: string;
}

/** A bounded context of a deployed app, as its stack outputs name it. */
export interface DeployedContext {
  readonly name: string;
  readonly stack: string;
  readonly stateMachineArn: string;
  readonly deadLetterQueueUrl?: string;
}

/** What the given stacks of a cdk-ensemble app hold. */
export interface DeployedApp {
  readonly stacks: string[];
  readonly bus?: DeployedBus;
  readonly contexts: DeployedContext[];
}

/** A rule of the bus with its targets. */
export interface BusRule {
  readonly name: string;
  readonly arn: string;
  readonly eventPattern?: string;
  readonly targets: Target[];
  /** The context whose workflow or await the rule feeds, if any. */
  context?: string;
  /** True when the rule feeds an await's resumer rather than starting a workflow. */
  await?: boolean;
}

const KINDS = Object.entries(STACK_OUTPUT_DESCRIPTIONS) as [StackOutputKind, string][];

/**
 * Read the outputs of each stack (DescribeStacks) and recognise the bus and
 * the contexts by the descriptions cdk-ensemble writes. A split app is given
 * as several `--stack`s: the bus stack and the stacks of the contexts.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
 */
export async function discoverApp(clients: OpsClients, stacks: string[]): Promise<DeployedApp> {
  const buses: DeployedBus[] = [];
  const contexts: DeployedContext[] = [];
  for (const stack of stacks) {
    const found = parseOutputs(stack, await stackOutputs(clients, stack));
    if (found.bus) buses.push(found.bus);
    contexts.push(...found.contexts);
    if (!found.bus && found.contexts.length === 0)
      throw new OpsSetupError(
        `stack ${stack} is not a cdk-ensemble app: none of its outputs is a domain event bus or a bounded context; give the stack that holds the DomainEventBus or a BoundedContext (and deploy it with this version of cdk-ensemble)`,
      );
  }
  if (buses.length > 1)
    throw new OpsSetupError(
      `the stacks ${buses.map((b) => b.stack).join(', ')} hold ${buses.length} domain event buses (${buses.map((b) => b.app).join(', ')}); give the stacks of one app at a time`,
    );
  return { stacks, bus: buses[0], contexts };
}

async function stackOutputs(clients: OpsClients, stack: string) {
  try {
    const answer = await clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: stack }),
    );
    return answer.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    // CloudFormation answers ValidationError "Stack with id X does not exist".
    if (
      (error as Error).name === 'ValidationError' &&
      /does not exist/.test((error as Error).message)
    )
      throw new OpsSetupError(
        `stack ${stack} does not exist in this account and region; check --stack and AWS_REGION (aws cloudformation list-stacks)`,
      );
    throw setupProblem(error);
  }
}

/** Bus and contexts among a stack's outputs, recognised by their descriptions. */
export function parseOutputs(
  stack: string,
  outputs: { Description?: string; OutputValue?: string }[],
): { bus?: DeployedBus; contexts: DeployedContext[] } {
  const bus: Record<string, string> = {};
  const contexts = new Map<string, Record<string, string>>();
  for (const output of outputs) {
    const text = output.Description ?? '';
    const kind = KINDS.find(([, description]) => text.endsWith(`: ${description}`));
    if (!kind || output.OutputValue === undefined) continue;
    const owner = text.slice(0, text.length - kind[1].length - 2);
    if (kind[0] === 'workflowArn' || kind[0] === 'deadLetterQueueUrl') {
      const context = contexts.get(owner) ?? {};
      context[kind[0]] = output.OutputValue;
      contexts.set(owner, context);
    } else {
      bus.app = owner;
      bus[kind[0]] = output.OutputValue;
    }
  }
  return {
    bus: bus.app
      ? {
          app: bus.app,
          stack,
          name: bus.busName,
          arn: bus.busArn,
          archiveName: bus.archiveName,
          auditLogGroupName: bus.auditLogGroupName,
        }
      : undefined,
    contexts: [...contexts]
      .filter(([, c]) => c.workflowArn)
      .map(([name, c]) => ({
        name,
        stack,
        stateMachineArn: c.workflowArn,
        deadLetterQueueUrl: c.deadLetterQueueUrl,
      })),
  };
}

/** The bus of the app, or a one-line setup error saying which stack to add. */
export function requireBus(app: DeployedApp): DeployedBus & { name: string; arn: string } {
  const bus = app.bus;
  if (!bus?.name || !bus.arn)
    throw new OpsSetupError(
      `no domain event bus among the stacks ${app.stacks.join(', ')}: add --stack <the stack that holds the DomainEventBus>`,
    );
  return bus as DeployedBus & { name: string; arn: string };
}

/** The context called `name`, or a one-line setup error listing those found. */
export function requireContext(app: DeployedApp, name: string): DeployedContext {
  const context = app.contexts.find((c) => c.name === name);
  if (!context)
    throw new OpsSetupError(
      `no context ${name} in the stacks ${app.stacks.join(', ')} (contexts found: ${app.contexts.map((c) => c.name).join(', ') || 'none'}); check the name, or add --stack <the stack of ${name}>`,
    );
  return context;
}

/**
 * Every rule of the bus with its targets (ListRules and ListTargetsByRule,
 * both paged with NextToken), each tagged with the context it feeds: a rule
 * that starts a context's state machine, or whose target sends undeliverable
 * events to that context's dead-letter queue (an await's rule).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListTargetsByRule.html
 */
export async function busRules(
  clients: OpsClients,
  busName: string,
  contexts: DeployedContext[],
): Promise<BusRule[]> {
  const rules: BusRule[] = [];
  let token: string | undefined;
  do {
    const page = await clients.events.send(
      new ListRulesCommand({ EventBusName: busName, NextToken: token }),
    );
    for (const rule of page.Rules ?? [])
      rules.push({
        name: rule.Name!,
        arn: rule.Arn!,
        eventPattern: rule.EventPattern,
        targets: await ruleTargets(clients, busName, rule.Name!),
      });
    token = page.NextToken;
  } while (token);
  const queues = await queueArns(clients, contexts);
  for (const rule of rules) {
    for (const context of contexts) {
      const starts = rule.targets.some((t) => t.Arn === context.stateMachineArn);
      const dlq = queues.get(context.name);
      const feeds = rule.targets.some((t) => dlq && t.DeadLetterConfig?.Arn === dlq);
      if (starts || feeds) {
        rule.context = context.name;
        rule.await = !starts;
      }
    }
  }
  return rules;
}

/** The targets of one rule (ListTargetsByRule, paged); `busName` undefined is the default bus. */
export async function ruleTargets(
  clients: OpsClients,
  busName: string | undefined,
  rule: string,
): Promise<Target[]> {
  const targets: Target[] = [];
  let token: string | undefined;
  do {
    const page = await clients.events.send(
      new ListTargetsByRuleCommand({ Rule: rule, EventBusName: busName, NextToken: token }),
    );
    targets.push(...(page.Targets ?? []));
    token = page.NextToken;
  } while (token);
  return targets;
}

/**
 * The ARN of each context's dead-letter queue (GetQueueAttributes), which
 * its rules' targets name in their DeadLetterConfig.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 */
async function queueArns(
  clients: OpsClients,
  contexts: DeployedContext[],
): Promise<Map<string, string>> {
  const arns = new Map<string, string>();
  for (const context of contexts) {
    if (!context.deadLetterQueueUrl) continue;
    const answer = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: context.deadLetterQueueUrl,
        AttributeNames: ['QueueArn'],
      }),
    );
    const arn = answer.Attributes?.QueueArn;
    if (arn) arns.set(context.name, arn);
  }
  return arns;
}

/** The name of a rule from its ARN: `arn:aws:events:<region>:<account>:rule/<bus>/<rule>`. */
export function ruleNameOf(ruleArn: string): { bus?: string; rule: string } {
  const path = ruleArn.split(':rule/')[1] ?? ruleArn;
  const parts = path.split('/');
  return parts.length > 1 ? { bus: parts[0], rule: parts[parts.length - 1] } : { rule: parts[0] };
}

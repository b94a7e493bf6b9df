import { Target } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { targetInput } from '../runtime/input-transformer';
import { OpsClients } from './clients';
import { BusRule, DeployedApp, requireContext, ruleNameOf, ruleTargets } from './discovery';
import { OpsSetupError } from './errors';
import { DeliveredEvent } from './event';

/** Options of `cdk-ensemble redrive`. */
export interface RedriveOptions {
  readonly context: string;
  readonly dryRun: boolean;
}

/** What `redrive` needs besides its options. */
export interface RedriveDeps {
  readonly clients: OpsClients;
  readonly out: (line: string) => void;
}

/** One dead letter, whichever way it reached the queue. */
export interface DeadLetterMessage {
  /** The event as EventBridge delivered it. */
  readonly event: DeliveredEvent;
  readonly rule?: string;
  readonly target: string;
  readonly error: string;
  readonly attempts?: string;
  /** Where it came from: a rule target (EventBridge) or the resumer's on-failure destination (Lambda). */
  readonly via: 'eventbridge' | 'lambda';
}

/**
 * How long a received message stays hidden from other readers while this
 * command handles it. A message that fails its re-delivery reappears after it.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */
const VISIBILITY_SECONDS = 120;

/**
 * Read a context's dead-letter queue, show each message, re-deliver its event
 * to the target it missed, and delete it only once that succeeded.
 * Returns the exit code: 0 when every message was redriven (or, with
 * `--dry-run`, read), 1 when one failed or could not be read.
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export async function redrive(
  app: DeployedApp,
  options: RedriveOptions,
  deps: RedriveDeps,
): Promise<number> {
  const context = requireContext(app, options.context);
  if (!context.deadLetterQueueUrl)
    throw new OpsSetupError(
      `context ${context.name} (stack ${context.stack}) has no dead-letter queue output: redeploy it with this version of cdk-ensemble, which adds the output`,
    );
  const queueUrl = context.deadLetterQueueUrl;
  // The targets of the rules that dead-lettered, read once each: the bus is named in
  // each RULE_ARN, so the context's stack alone is enough.
  const rules: BusRule[] = [];
  const counts = { read: 0, redriven: 0, failed: 0, unreadable: 0 };
  const seen = new Set<string>();
  const held: Message[] = [];
  for (;;) {
    // At most 10 messages a call; an empty answer means the queue has nothing visible left.
    const batch = await deps.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: VISIBILITY_SECONDS,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    const messages = (batch.Messages ?? []).filter((m) => !seen.has(m.MessageId!));
    if (messages.length === 0) break;
    for (const message of messages) {
      seen.add(message.MessageId!);
      counts.read++;
      const letter = parseDeadLetter(message);
      if (!letter) {
        counts.unreadable++;
        deps.out(
          `✖ message ${message.MessageId}: neither an EventBridge dead letter nor a Lambda invocation record; left in the queue`,
        );
        held.push(message);
        continue;
      }
      deps.out(describe(letter));
      if (options.dryRun) {
        held.push(message);
        try {
          await loadRule(deps.clients, letter, rules);
          deps.out(`    would ${deliveryText(letter, rules)}`);
        } catch (error) {
          deps.out(`    ✖ would fail: ${(error as Error).message}`);
        }
        continue;
      }
      try {
        await loadRule(deps.clients, letter, rules);
        const result = await redeliver(deps.clients, letter, rules);
        await deps.clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        counts.redriven++;
        deps.out(`    ✔ ${result}; deleted from the queue`);
      } catch (error) {
        counts.failed++;
        deps.out(`    ✖ ${(error as Error).name}: ${(error as Error).message}; kept in the queue`);
        held.push(message);
      }
    }
  }
  // What was only read (dry run) or kept is made visible again at once, as it was.
  for (const message of held)
    await deps.clients.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  deps.out(summary(context.name, counts, options.dryRun));
  return counts.failed + counts.unreadable > 0 ? 1 : 0;
}

/**
 * A dead letter from either of the two writers of a context's queue:
 * - a rule target's DLQ: the body is the event, the message attributes
 *   RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, RETRY_ATTEMPTS say why
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html);
 * - the resumer's on-failure destination: the body is an invocation record
 *   `{ requestContext: { functionArn, condition, approximateInvokeCount },
 *   requestPayload, responsePayload: { errorType, errorMessage } }`
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
export function parseDeadLetter(message: Message): DeadLetterMessage | undefined {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a queue body of either of two shapes, checked field by field below
  let body: any;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    return undefined;
  }
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  if (attribute('RULE_ARN') && attribute('TARGET_ARN')) {
    const code = attribute('ERROR_CODE');
    const text = attribute('ERROR_MESSAGE');
    return {
      event: body,
      rule: attribute('RULE_ARN'),
      target: attribute('TARGET_ARN')!,
      error: [code, text].filter(Boolean).join(': ') || 'no error given',
      attempts: attribute('RETRY_ATTEMPTS'),
      via: 'eventbridge',
    };
  }
  if (body?.requestContext?.functionArn && body.requestPayload !== undefined) {
    const response = body.responsePayload ?? {};
    const error = response.errorType
      ? `${response.errorType}: ${response.errorMessage ?? ''}`
      : (body.requestContext.condition ?? 'failed');
    return {
      event: body.requestPayload,
      target: body.requestContext.functionArn,
      error,
      attempts: body.requestContext.approximateInvokeCount?.toString(),
      via: 'lambda',
    };
  }
  return undefined;
}

function describe(letter: DeadLetterMessage): string {
  const e = letter.event;
  const flow = e?.detail?.metadata?.correlationId;
  const attempts = letter.attempts ? `, ${letter.attempts} attempts` : '';
  const how = letter.rule
    ? `rule ${ruleNameOf(letter.rule).rule} → ${shortArn(letter.target)}`
    : `asynchronous invocation of ${shortArn(letter.target)}`;
  return (
    `✉ ${e?.source ?? '?'} ${e?.['detail-type'] ?? '?'}${flow ? ` (flow ${flow})` : ''}${e?.id ? ` event ${e.id}` : ''}\n` +
    `    ${how}: ${letter.error}${attempts}`
  );
}

function deliveryText(letter: DeadLetterMessage, rules: BusRule[]): string {
  if (isStateMachine(letter.target))
    return `start ${shortArn(letter.target)} with ${JSON.stringify(workflowInput(letter, rules))}`;
  return `invoke ${shortArn(letter.target)} asynchronously with the event`;
}

/**
 * Deliver the event to the target it missed, as EventBridge would have:
 * - a state machine: StartExecution with the input the rule's target
 *   computes (its InputTransformer, read with ListTargetsByRule), named after
 *   the event so that a second redrive of the same letter cannot start a
 *   second execution (a closed execution of that name answers
 *   ExecutionAlreadyExists, taken as already redriven);
 * - a function (the await resumer): an asynchronous Invoke with the event,
 *   which is what a rule's Lambda target does.
 * Re-putting the event on the bus instead would deliver it again to every
 * other rule that matched it the first time.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
async function redeliver(
  clients: OpsClients,
  letter: DeadLetterMessage,
  rules: BusRule[],
): Promise<string> {
  if (isStateMachine(letter.target)) {
    const name = executionName(letter);
    try {
      const started = await clients.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: letter.target,
          name,
          input: JSON.stringify(workflowInput(letter, rules)),
        }),
      );
      return `started ${started.executionArn}`;
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists')
        return `already redriven (execution ${name} exists)`;
      throw error;
    }
  }
  if (letter.target.includes(':lambda:')) {
    const answer = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: letter.target,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(letter.event)),
      }),
    );
    // An asynchronous invocation is accepted with 202.
    if (answer.StatusCode !== 202) throw new Error(`Invoke answered ${answer.StatusCode}`);
    return `invoked ${shortArn(letter.target)}`;
  }
  throw Object.assign(new Error(`no redrive for the target ${letter.target}`), {
    name: 'UnsupportedTarget',
  });
}

/** Read the targets of the letter's rule, once per rule. */
async function loadRule(
  clients: OpsClients,
  letter: DeadLetterMessage,
  rules: BusRule[],
): Promise<void> {
  if (!letter.rule || rules.some((r) => r.arn === letter.rule)) return;
  const { bus, rule } = ruleNameOf(letter.rule);
  rules.push({ name: rule, arn: letter.rule, targets: await ruleTargets(clients, bus, rule) });
}

/** The input the rule's target gives the workflow, computed from the target's own configuration. */
function workflowInput(letter: DeadLetterMessage, rules: BusRule[]): unknown {
  const target = findTarget(letter, rules);
  if (!target)
    throw Object.assign(
      new Error(
        `the rule ${letter.rule ?? '?'} has no target ${letter.target} any more; the event cannot be turned into its workflow input`,
      ),
      { name: 'TargetNotFound' },
    );
  return targetInput(
    {
      Input: target.Input,
      InputPath: target.InputPath,
      InputTransformer: target.InputTransformer as {
        InputPathsMap?: Record<string, string>;
        InputTemplate: string;
      },
    },
    letter.event,
  );
}

function findTarget(letter: DeadLetterMessage, rules: BusRule[]): Target | undefined {
  const name = letter.rule ? ruleNameOf(letter.rule).rule : undefined;
  const rule = rules.find((r) => r.arn === letter.rule || r.name === name);
  return rule?.targets.find((t) => t.Arn === letter.target);
}

/** `redrive-<event id>`: up to 80 characters of letters, digits, `-` and `_`, as StartExecution allows. */
function executionName(letter: DeadLetterMessage): string | undefined {
  const id = letter.event?.id;
  if (typeof id !== 'string') return undefined;
  return `redrive-${id}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
}

function isStateMachine(arn: string): boolean {
  return arn.includes(':states:') && arn.includes(':stateMachine:');
}

function shortArn(arn: string): string {
  const parts = arn.split(':');
  return parts.length > 6 ? parts.slice(6).join(':') : arn;
}

function summary(
  context: string,
  c: { read: number; redriven: number; failed: number; unreadable: number },
  dryRun: boolean,
): string {
  if (c.read === 0) return `\nThe dead-letter queue of ${context} is empty.`;
  const messages = `${c.read} message${c.read === 1 ? '' : 's'}`;
  if (dryRun)
    return `\n${messages} in the dead-letter queue of ${context} (${c.unreadable} unreadable); dry run: nothing was delivered or deleted.`;
  return `\n${messages}: ${c.redriven} redriven and deleted, ${c.failed} failed, ${c.unreadable} unreadable (kept in the queue).`;
}

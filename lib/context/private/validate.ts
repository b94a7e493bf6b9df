import { Duration, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwaitEvent, AwaitOptions } from '../../await/await-event';
import { ValidationError } from '../../checks/validation-error';
import { BoundedContextProps, TaskOptions } from '../bounded-context-props';
import {
  camelCase,
  DomainEvent,
  LIFECYCLE_EVENTS,
  sourceSegmentProblems,
} from '../../events/domain-event';
import { declaredNames } from '../../events/event-schema';
import { fieldNames, fieldSchema, filterSchemaProblems } from '../../events/schema-checks';
import { SubscriptionOptions } from '../../routing/subscription';
import { businessErrorProblem } from '../../workflow/error-names';

const LOG_LEVELS = new Set(['DEBUG', 'INFO', 'WARN', 'ERROR']);

/** Check a context's name, declared events and handler defaults. */
export function validateContextProps(
  path: string,
  contextName: string,
  props: BoundedContextProps,
): void {
  const nameProblems = sourceSegmentProblems('contextName', contextName);
  if (nameProblems.length > 0) {
    throw new ValidationError(path, 'contextName', contextName, `${nameProblems.join('; ')}.`);
  }
  const seen = new Set<string>();
  for (const name of declaredNames(props.events)) {
    if ((LIFECYCLE_EVENTS as readonly string[]).includes(name)) {
      throw new ValidationError(
        path,
        'events',
        name,
        `'${name}' is a lifecycle event that every context publishes on its own; remove it from events.`,
      );
    }
    if (seen.has(name)) {
      throw new ValidationError(
        path,
        'events',
        name,
        'The event is declared twice; declare it once.',
      );
    }
    seen.add(name);
  }
  const timeout = props.workflowTimeout;
  if (timeout !== undefined && timeout.toMilliseconds() < 1000) {
    throw new ValidationError(
      path,
      'workflowTimeout',
      timeout.toHumanString(),
      'An execution would time out at once (Step Functions takes TimeoutSeconds as a positive integer). Give at least 1 second, or leave it out for the default of 1 day.',
    );
  }
  const level = props.handlerDefaults?.logLevel;
  if (level !== undefined && !LOG_LEVELS.has(level)) {
    throw new ValidationError(
      path,
      'handlerDefaults.logLevel',
      level,
      `Use one of ${[...LOG_LEVELS].join(', ')}.`,
    );
  }
}

/**
 * Check an await's options; `isOwnEvent` tells whether an event is published
 * by the awaiting context itself.
 */
export function validateAwaitOptions(
  path: string,
  contextName: string,
  options: AwaitOptions,
  isOwnEvent: (event: DomainEvent) => boolean,
): void {
  if (!options.timeout) {
    throw new ValidationError(
      path,
      'timeout',
      options.timeout,
      'An await needs a timeout: without one an execution can wait for a year and never trip an alarm. Give timeout: Duration.minutes(...).',
    );
  }
  if (options.timeout.toSeconds() < 1 || options.timeout.toSeconds() > 365 * 24 * 3600) {
    throw new ValidationError(
      path,
      'timeout',
      options.timeout.toHumanString(),
      'Use a duration from 1 second to 1 year.',
    );
  }
  if (!options.events || options.events.length === 0) {
    throw new ValidationError(
      path,
      'events',
      options.events,
      "Name at least one event to wait for: [otherContext.event('...')].",
    );
  }
  const own = options.events.find(isOwnEvent);
  if (own) {
    throw new ValidationError(
      path,
      'events',
      own.name,
      `${own.name} is published by ${contextName} itself; an await waits for another context. Continue the workflow directly instead.`,
    );
  }
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(options.correlateBy ?? '')) {
    throw new ValidationError(
      path,
      'correlateBy',
      options.correlateBy,
      "Give the dotted path of a field present in both the workflow's data and the events' data, for example 'orderId'.",
    );
  }
  if (options.resultKey !== undefined && !/^[A-Za-z_$][\w$]*$/.test(options.resultKey)) {
    throw new ValidationError(
      path,
      'resultKey',
      options.resultKey,
      'Use a plain field name, for example awaited.',
    );
  }
  validateKeptFields(path, options.keep?.data);
}

/** The fields an await keeps of its event's data: dotted paths, each once. */
function validateKeptFields(path: string, fields: readonly string[] | undefined): void {
  if (fields === undefined) return;
  const seen = new Set<string>();
  for (const field of fields) {
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(field ?? '')) {
      throw new ValidationError(
        path,
        'keep.data',
        field,
        "Give dotted paths of fields of the awaited event's data, for example 'reason' or 'shipment.trackingNumber'.",
      );
    }
    if (seen.has(field)) {
      throw new ValidationError(
        path,
        'keep.data',
        field,
        'The field is listed twice; list it once.',
      );
    }
    seen.add(field);
  }
}

/**
 * How long an Express workflow may run.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
 */
export const EXPRESS_MAX_DURATION = Duration.minutes(5);

/** A workflow's timeout unless given: one day for Standard, five minutes (the most) for Express. */
export function defaultWorkflowTimeout(workflowType: sfn.StateMachineType | undefined): Duration {
  return workflowType === sfn.StateMachineType.EXPRESS ? EXPRESS_MAX_DURATION : Duration.days(1);
}

/** Check that a context can get its workflow: only one, no await in an Express workflow, every branch given. */
export function validateWorkflowShape(
  path: string,
  contextName: string,
  hasWorkflow: boolean,
  workflowType: sfn.StateMachineType | undefined,
  awaits: AwaitEvent[],
  workflowTimeout: Duration = defaultWorkflowTimeout(workflowType),
): void {
  if (hasWorkflow) {
    throw new ValidationError(
      path,
      'workflow',
      contextName,
      'A bounded context has one workflow. Put the steps in one definition, branching with Choice if needed.',
    );
  }
  if (awaits.length > 0 && workflowType === sfn.StateMachineType.EXPRESS) {
    throw new ValidationError(
      path,
      'workflowType',
      'EXPRESS',
      `Express workflows cannot wait for a task token, and ${contextName} awaits ${awaits[0].wait.stateId}. Use the default Standard type.`,
    );
  }
  if (
    workflowType === sfn.StateMachineType.EXPRESS &&
    workflowTimeout.toMilliseconds() > EXPRESS_MAX_DURATION.toMilliseconds()
  ) {
    throw new ValidationError(
      path,
      'workflowTimeout',
      workflowTimeout.toHumanString(),
      `An Express workflow runs ${EXPRESS_MAX_DURATION.toHumanString()} at most. Give workflowTimeout ${EXPRESS_MAX_DURATION.toHumanString()} or less (the default for Express), or use the Standard type.`,
    );
  }
  validateAwaitsFitWorkflowTimeout(path, awaits, workflowTimeout);
  for (const awaiting of awaits) {
    const missing = awaiting.unbranchedEvents;
    if (missing.length > 0) {
      throw new ValidationError(
        `${path}/${awaiting.wait.stateId}`,
        'when',
        missing.map((e) => e.name).join(', '),
        'Once an await branches with when(), every awaited event needs a branch. Add when() for each.',
      );
    }
  }
}

/**
 * The execution's own timeout must come after every await's: an execution
 * that times out ends at once, so the await's timeout path (its onTimeout
 * event, the compensations, WorkflowFailed) would never run.
 */
function validateAwaitsFitWorkflowTimeout(
  path: string,
  awaits: AwaitEvent[],
  workflowTimeout: Duration,
): void {
  const limit = workflowTimeout.toMilliseconds();
  for (const awaiting of awaits) {
    const seconds = (awaiting.wait.toStateJson() as { TimeoutSeconds?: unknown }).TimeoutSeconds;
    if (typeof seconds !== 'number' || Token.isUnresolved(seconds)) continue;
    if (seconds * 1000 >= limit) {
      throw new ValidationError(
        path,
        'workflowTimeout',
        workflowTimeout.toHumanString(),
        `The await ${awaiting.wait.stateId} waits up to ${Duration.seconds(seconds).toHumanString()}, so the execution would time out first: its timeout event, the compensations and WorkflowFailed would never be published. Give workflowTimeout more than the longest await's timeout plus the steps before it, or shorten the await's timeout.`,
      );
    }
  }
}

/**
 * Limits of a Step Functions retrier, from "Handling errors in Step Functions
 * workflows" (Retrying after an error): MaxAttempts is a non-negative integer
 * (0: never retried), IntervalSeconds an integer number of seconds before the
 * first retry, BackoffRate the multiplier of the interval at each attempt.
 * The bounds (99999999 for MaxAttempts and IntervalSeconds, BackoffRate at
 * least 1.0, MaxDelaySeconds below 31622401) are those of the page's current
 * version; its archived source (awsdocs/aws-step-functions-developer-guide,
 * concepts-error-handling.md) predates them and MaxDelaySeconds.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error
 */
export const RETRIER_LIMITS = {
  maxAttempts: 99999999,
  intervalSeconds: 99999999,
  minBackoffRate: 1,
  maxDelaySeconds: 31622400,
} as const;

/** Check a task's entry files and retry policy before anything is built. */
export function validateTaskOptions(path: string, options: TaskOptions): void {
  validateEntry(path, 'entry', options.entry);
  if (options.compensate) validateEntry(path, 'compensate.entry', options.compensate.entry);
  const retry = options.retry ?? {};
  const { maxAttempts, backoffRate } = retry;
  if (maxAttempts !== undefined && !wholeIn(maxAttempts, 0, RETRIER_LIMITS.maxAttempts)) {
    throw new ValidationError(
      path,
      'retry.maxAttempts',
      maxAttempts,
      `Use a whole number from 0 to ${RETRIER_LIMITS.maxAttempts}: the retries after the first attempt (0 never retries).`,
    );
  }
  validateRetryDuration(path, 'retry.interval', retry.interval, RETRIER_LIMITS.intervalSeconds);
  if (
    backoffRate !== undefined &&
    !Token.isUnresolved(backoffRate) &&
    !(backoffRate >= RETRIER_LIMITS.minBackoffRate && Number.isFinite(backoffRate))
  ) {
    throw new ValidationError(
      path,
      'retry.backoffRate',
      backoffRate,
      'Use a number of at least 1.0: the factor by which each retry interval grows.',
    );
  }
  validateRetryDuration(path, 'retry.maxDelay', retry.maxDelay, RETRIER_LIMITS.maxDelaySeconds);
}

function validateEntry(path: string, property: string, entry: unknown): void {
  if (typeof entry !== 'string' || entry.trim() === '') {
    throw new ValidationError(
      path,
      property,
      entry,
      "Give the path of the handler's entry file, relative to the directory cdk runs in or absolute (for example 'lambda/orders/place-order.ts').",
    );
  }
}

function validateRetryDuration(
  path: string,
  property: string,
  value: Duration | undefined,
  maxSeconds: number,
): void {
  if (value === undefined) return;
  if (!wholeIn(value.toMilliseconds() / 1000, 1, maxSeconds)) {
    throw new ValidationError(
      path,
      property,
      value.toHumanString(),
      `Use a whole number of seconds from 1 to ${maxSeconds}.`,
    );
  }
}

function wholeIn(value: number, min: number, max: number): boolean {
  return Token.isUnresolved(value) || (Number.isInteger(value) && value >= min && value <= max);
}

/**
 * Names of states the library builds around the user's, fixed or by pattern;
 * a user state may not take one, or it would collide with them (at the end of
 * the build, or when the workflow grows).
 *
 * Fixed: `Check envelope`, `Default causationId`, `Default causationId (keep
 * metadata)` and `InvalidEnvelope` (the envelope check), `Failed` (the end of
 * the failure path), `Which failure event?` (the choice of the failure event
 * by error name). Patterns: `Publish <Event>` and `Publish <Event> (<state>)`
 * (every publish), `Compensate <task>` and `Compensate <task> (<compensate
 * state>)`, `<await> timed out`, `<await>: which event?`, `<await>: unexpected event`.
 */
export const LIBRARY_STATE_NAMES = {
  fixed: [
    'Check envelope',
    'Default causationId',
    'Default causationId (keep metadata)',
    'InvalidEnvelope',
    'Failed',
    'Which failure event?',
  ],
  prefixes: ['Publish ', 'Compensate '],
  suffixes: [' timed out', ': which event?', ': unexpected event'],
} as const;

/** Whether the library could give one of its own states this name. */
export function isLibraryStateName(name: string): boolean {
  return (
    (LIBRARY_STATE_NAMES.fixed as readonly string[]).includes(name) ||
    LIBRARY_STATE_NAMES.prefixes.some((p) => name.startsWith(p)) ||
    LIBRARY_STATE_NAMES.suffixes.some((s) => name.endsWith(s))
  );
}

/** Refuse a user state name that the library could give one of its own states. */
export function validateUserStateName(path: string, property: string, name: string): void {
  if (!isLibraryStateName(name)) return;
  const { fixed, prefixes, suffixes } = LIBRARY_STATE_NAMES;
  throw new ValidationError(
    path,
    property,
    name,
    `The library names its own states so: ${fixed.join(', ')}, names starting with ${prefixes.map((p) => `'${p}'`).join(' or ')}, and names ending with ${suffixes.map((s) => `'${s}'`).join(' or ')}. Choose another name.`,
  );
}

/**
 * An await's `correlateBy` must be a field of every awaited event that has a
 * schema: an event without it is never matched to the waiting execution.
 */
export function validateCorrelation(path: string, options: AwaitOptions): void {
  for (const event of options.events ?? []) {
    if (!event.dataSchema) continue;
    if (fieldSchema(event.dataSchema, options.correlateBy.split('.'))) continue;
    const known = fieldNames(event.dataSchema);
    throw new ValidationError(
      path,
      'correlateBy',
      options.correlateBy,
      `${event.name} (declared by ${event.contextName}) has no field '${options.correlateBy}' in its schema${known.length > 0 ? ` (its fields: ${known.join(', ')})` : ''}, so it could never be matched to the waiting execution. Correlate by a field every awaited event has, or add it to ${event.name}'s schema.`,
    );
  }
}

/**
 * Check a subscription: not to the context's own event (an unbounded loop),
 * not twice to one event, and its filter against the event's schema.
 */
export function validateSubscription(
  path: string,
  contextName: string,
  event: DomainEvent,
  options: SubscriptionOptions,
  found: { readonly own: boolean; readonly twice: boolean },
): void {
  const value = `${event.source} ${event.name}`;
  if (found.own) {
    throw new ValidationError(
      path,
      'event',
      value,
      `${contextName} would start its own workflow with every ${event.name} it publishes: an unbounded loop of billed executions. Continue inside the workflow (a Choice, or a state that leads back to an earlier one), or react from another context.`,
    );
  }
  if (found.twice) {
    throw new ValidationError(
      path,
      'event',
      value,
      `${contextName} already subscribes to this event. Put both reactions in one workflow, or filter one subscription with options.filter.`,
    );
  }
  const problems =
    event.dataSchema && options.filter
      ? filterSchemaProblems(options.filter, event.dataSchema)
      : [];
  if (problems.length > 0) {
    throw new ValidationError(
      path,
      'filter',
      options.filter,
      `${problems.join('; ')}. Filter on the fields of ${event.name} as ${event.contextName} declares them, with operators that fit their types, or add the field to its schema.`,
    );
  }
}

/**
 * The error of a fail() or compensate() state is a business reason; a
 * compensate() state needs the state to go on with.
 */
export function validateReason(
  path: string,
  options: { readonly error: string; readonly then?: unknown },
  compensateOf?: string,
): void {
  if (businessErrorProblem(options.error)) {
    throw new ValidationError(
      path,
      'error',
      options.error,
      "Name the error after the business rule (for example 'FraudSuspected'); names that begin with 'States.' are Step Functions' own.",
    );
  }
  if (compensateOf !== undefined && !options.then) {
    throw new ValidationError(
      path,
      'then',
      options.then,
      `Give the state to go on with once the compensations ran, for example ${camelCase(compensateOf)}.emit('...').`,
    );
  }
}

import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwaitEvent, AwaitOptions } from '../../await/await-event';
import { ValidationError } from '../../checks/validation-error';
import { BoundedContextProps } from '../bounded-context-props';
import { DomainEvent, LIFECYCLE_EVENTS, sourceSegmentProblems } from '../domain-event';

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
  for (const name of props.events) {
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
}

/** Check that a context can get its workflow: only one, no await in an Express workflow, every branch given. */
export function validateWorkflowShape(
  path: string,
  contextName: string,
  hasWorkflow: boolean,
  workflowType: sfn.StateMachineType | undefined,
  awaits: AwaitEvent[],
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

import type { JsonSchema } from './event-schema';

/**
 * Names of the domain events that every bounded context publishes on its own,
 * whatever its workflow looks like.
 *
 * - `WorkflowStarted`: the workflow accepted its input envelope.
 * - `WorkflowSucceeded`: the workflow reached its end.
 * - `TaskFailed`: a task failed for good (after its retries); `metadata.state` names it.
 * - `WorkflowFailed`: the workflow is about to fail.
 */
export const LIFECYCLE_EVENTS = [
  'WorkflowStarted',
  'WorkflowSucceeded',
  'TaskFailed',
  'WorkflowFailed',
] as const;

/** One of the {@link LIFECYCLE_EVENTS}. */
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** Version of the event envelope (`detail.metadata.schemaVersion`). */
export const ENVELOPE_SCHEMA_VERSION = '1';

/**
 * A domain event, referenced through the bounded context that publishes it.
 *
 * Obtain one with `context.event('OrderPlaced')`; there is no public way to
 * build one from free strings, so a subscription cannot name an event that its
 * owner does not declare.
 */
export interface DomainEvent {
  /** The event name, used as the EventBridge `detail-type` (`OrderPlaced`). */
  readonly name: string;
  /** The EventBridge `source` of the event: `<app>.<context>` (`food.orders`). */
  readonly source: string;
  /** The name of the bounded context that publishes it (`orders`). */
  readonly contextName: string;
  /** Construct path of the publishing context, for error messages. */
  readonly contextPath: string;
  /**
   * The JSON Schema (Draft 4) of the event's `data`, written from the Zod
   * schema its context declared.
   *
   * @default - declared by name only: the data is not described
   */
  readonly dataSchema?: JsonSchema;
}

const EVENT_NAME = /^[A-Z][A-Za-z0-9]{0,127}$/;
const CONTEXT_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Problems with an event name, or an empty list.
 *
 * Event names become `detail-type`; PascalCase past-tense facts keep them
 * readable in patterns, logs and diagrams.
 */
export function eventNameProblems(name: string): string[] {
  if (!EVENT_NAME.test(name)) {
    return [
      `event name '${name}' must be PascalCase letters and digits, 1-128 characters, starting with a capital letter (for example 'OrderPlaced')`,
    ];
  }
  return [];
}

/** Problems with an app or context name (a segment of the event `source`), or an empty list. */
export function sourceSegmentProblems(kind: 'appName' | 'contextName', value: string): string[] {
  if (!CONTEXT_NAME.test(value)) {
    return [
      `${kind} '${value}' must be lowercase letters, digits and dashes, 1-63 characters, starting with a letter (for example 'food')`,
    ];
  }
  if (kind === 'appName' && value === 'aws') {
    return [
      `appName 'aws' would make every event source start with 'aws.', which EventBridge reserves for AWS services; choose another appName`,
    ];
  }
  return [];
}

/** The EventBridge `source` of a context's events: `<app>.<context>`. */
export function eventSource(appName: string, contextName: string): string {
  return `${appName}.${contextName}`;
}

/** The default context name for a construct id: `OrderTaking` → `order-taking`. */
export function contextNameFromId(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

/** `order-taking` → `OrderTaking`: construct ids built from context names. */
export function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

/** `order-taking` → `orderTaking`: how error messages name a context's variable. */
export function camelCase(kebab: string): string {
  const p = pascalCase(kebab);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

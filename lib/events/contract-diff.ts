import { ContextContract } from './contract';
import { JsonSchema } from './event-schema';
import { schemaTypes } from './schema-checks';

/**
 * The contracts of an app as a file to commit (`cdk-ensemble contracts >
 * contracts.json`): every context's contract, sorted by source.
 */
export interface ContractsFile {
  readonly formatVersion: 1;
  readonly contexts: readonly ContextContract[];
}

/** One difference between two versions of the contracts. */
export interface ContractChange {
  /** Whether consumers (or publishers) written against the old contract may break. */
  readonly breaking: boolean;
  /** `food.orders OrderPlaced` */
  readonly event: string;
  /** What changed and, when it breaks, why. */
  readonly message: string;
}

/** The contracts file of a set of context contracts. */
export function contractsFile(contexts: readonly ContextContract[]): ContractsFile {
  return {
    formatVersion: 1,
    contexts: [...contexts].sort((a, b) => a.source.localeCompare(b.source)),
  };
}

/**
 * What changed from `baseline` to `current`, event by event: an event
 * removed, a field removed (or no longer required), a type changed and a new
 * required field break; an event or an optional field added do not.
 */
export function contractChanges(baseline: ContractsFile, current: ContractsFile): ContractChange[] {
  const before = eventsOf(baseline);
  const after = eventsOf(current);
  const changes: ContractChange[] = [];
  for (const [event, schema] of before) {
    if (!after.has(event)) {
      changes.push({
        breaking: true,
        event,
        message: 'event removed: subscribers and awaits of it would never hear of it again',
      });
      continue;
    }
    const next = after.get(event);
    if (schema && !next) {
      changes.push({
        breaking: true,
        event,
        message: 'schema removed: its data is no longer described or checked',
      });
    } else if (schema && next) {
      changes.push(...schemaChanges(schema, next, []).map((c) => ({ ...c, event })));
    }
  }
  for (const event of after.keys()) {
    if (!before.has(event)) changes.push({ breaking: false, event, message: 'event added' });
  }
  return changes;
}

function eventsOf(file: ContractsFile): Map<string, JsonSchema | undefined> {
  const events = new Map<string, JsonSchema | undefined>();
  for (const context of file.contexts) {
    for (const event of context.events)
      events.set(`${context.source} ${event.name}`, event.dataSchema);
  }
  return events;
}

function schemaChanges(
  before: JsonSchema,
  after: JsonSchema,
  at: string[],
): Omit<ContractChange, 'event'>[] {
  const changes: Omit<ContractChange, 'event'>[] = [];
  const where = at.length > 0 ? `field '${at.join('.')}'` : 'the data';
  const oldTypes = schemaTypes(before);
  const newTypes = schemaTypes(after);
  if (oldTypes.size > 0 && [...newTypes].some((t) => !oldTypes.has(t))) {
    changes.push({
      breaking: true,
      message: `${where} type changed from ${[...oldTypes].join(' or ')} to ${[...(newTypes.size > 0 ? newTypes : ['anything'])].join(' or ')}: consumers that read it as ${[...oldTypes].join(' or ')} break`,
    });
    return changes;
  }
  const oldProps = propertiesOf(before);
  const newProps = propertiesOf(after);
  const oldRequired = new Set((before.required as string[] | undefined) ?? []);
  const newRequired = new Set((after.required as string[] | undefined) ?? []);
  for (const [name, schema] of Object.entries(oldProps)) {
    const field = [...at, name].join('.');
    if (!(name in newProps)) {
      changes.push({
        breaking: true,
        message: `field '${field}' removed: consumers that read it get nothing`,
      });
      continue;
    }
    if (oldRequired.has(name) && !newRequired.has(name)) {
      changes.push({
        breaking: true,
        message: `field '${field}' no longer required: consumers that rely on it may get nothing`,
      });
    }
    changes.push(...schemaChanges(schema, newProps[name], [...at, name]));
  }
  for (const name of Object.keys(newProps)) {
    const field = [...at, name].join('.');
    if (name in oldProps) {
      if (newRequired.has(name) && !oldRequired.has(name)) {
        changes.push({
          breaking: true,
          message: `field '${field}' now required: events published as before (and test events) fail the check`,
        });
      }
    } else if (newRequired.has(name)) {
      changes.push({
        breaking: true,
        message: `new required field '${field}': events published as before (and test events) fail the check`,
      });
    } else {
      changes.push({ breaking: false, message: `optional field '${field}' added` });
    }
  }
  const oldItems = before.items as JsonSchema | undefined;
  const newItems = after.items as JsonSchema | undefined;
  if (oldItems && newItems && !Array.isArray(oldItems) && !Array.isArray(newItems)) {
    changes.push(...schemaChanges(oldItems, newItems, [...at, '[]']));
  }
  return changes;
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
}

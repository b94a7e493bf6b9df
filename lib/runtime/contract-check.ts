import { schemaIssues } from '../../lambda/runtime/json-schema';
import { ContextContract } from '../events/contract';
import { JsonSchema, METADATA_JSON_SCHEMA } from '../events/event-schema';

/**
 * What the local runtime does with an event that breaks its contract:
 * fail the run (`settle()` throws `ContractViolation`), only warn in the
 * record, or nothing.
 */
export type ContractMode = 'fail' | 'warn' | 'off';

/**
 * A checker of events against the contracts of the app: the envelope's
 * metadata of every event from one of its contexts, and the data of each
 * event declared with a schema. Returns a message, or undefined when the
 * event conforms (or is not the app's).
 */
export function contractChecker(
  contracts: readonly ContextContract[],
): (event: { source?: unknown; 'detail-type'?: unknown; detail?: unknown }) => string | undefined {
  const sources = new Set(contracts.map((c) => c.source));
  const schemas = new Map<string, JsonSchema>();
  for (const contract of contracts) {
    for (const event of contract.events) {
      if (event.dataSchema) schemas.set(`${contract.source} ${event.name}`, event.dataSchema);
    }
  }
  return (event) => {
    if (!sources.has(String(event.source))) return undefined;
    const key = `${String(event.source)} ${String(event['detail-type'])}`;
    const detail = (event.detail ?? {}) as { metadata?: unknown; data?: unknown };
    const issues = [
      ...schemaIssues(METADATA_JSON_SCHEMA, detail.metadata, 'metadata'),
      ...(schemas.has(key) ? schemaIssues(schemas.get(key)!, detail.data, 'data') : []),
    ];
    if (issues.length === 0) return undefined;
    return `${key} breaks its contract: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`;
  };
}

/** The error that fails a local run in which an event broke its contract. */
export class LocalContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

import { z } from 'zod';
import { ENVELOPE_SCHEMA_VERSION } from './domain-event';

/**
 * The schema of an event's `data`: a Zod 4 schema, usually `z.object({...})`.
 *
 * Zod is the schema library of the Powertools parser; Zod 4 writes JSON
 * Schema itself, which the schema registry, the handler runtime's check and
 * the docs are made of.
 * @see https://zod.dev/json-schema
 */
export type EventSchema = z.ZodType;

/**
 * The events a context declares: names only (`['OrderPlaced']`, `data` is
 * `unknown`), or names with the schema of their `data`
 * (`{ OrderPlaced: z.object({ orderId: z.string() }) }`).
 */
export type EventDeclarations<E extends string = string> =
  readonly E[] | { readonly [K in E]: EventSchema };

/** A JSON Schema (Draft 4) document, as plain JSON. */
export type JsonSchema = { readonly [key: string]: unknown };

/** The event names of a declaration, in the order they were written. */
export function declaredNames<E extends string>(events: EventDeclarations<E>): E[] {
  return isNameList(events) ? [...events] : (Object.keys(events) as E[]);
}

/** The Zod schema declared for an event, if the declaration has schemas. */
export function declaredSchema(events: EventDeclarations, name: string): EventSchema | undefined {
  return isNameList(events) ? undefined : (events as Record<string, EventSchema>)[name];
}

function isNameList<E extends string>(events: EventDeclarations<E>): events is readonly E[] {
  return Array.isArray(events);
}

/**
 * The JSON Schema (Draft 4) of an event's data, or a message saying why the
 * schema cannot be one.
 *
 * Written for the input side (`io: 'input'`): an object accepts properties it
 * does not list, as a Zod object does when it parses, so that adding a field
 * to an event never breaks a consumer's check.
 */
export function dataJsonSchema(schema: EventSchema): JsonSchema | string {
  try {
    const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
      target: 'draft-4',
      io: 'input',
      unrepresentable: 'throw',
    }) as Record<string, unknown>;
    return json;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The schema of `detail.metadata`: the envelope every domain event of the
 * library carries. No field is required: the resumer of an await also
 * accepts events of publishers that write less of it (no `eventId`, no
 * `correlationId`: it pairs by the correlation field), and the schema must
 * not refuse what the library accepts; the types of the fields given are
 * checked.
 */
export const METADATA_JSON_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    eventId: { type: 'string' },
    correlationId: { type: 'string', minLength: 1 },
    causationId: { type: ['string', 'null'] },
    occurredAt: { type: 'string', format: 'date-time' },
    context: { type: 'string' },
    workflow: { type: 'string' },
    executionArn: { type: 'string' },
    state: { type: 'string' },
    schemaVersion: { type: 'string', enum: [ENVELOPE_SCHEMA_VERSION] },
  },
};

/**
 * The JSON Schema (Draft 4) of a whole EventBridge event of the library:
 * `source`, `detail-type` and `detail: { metadata, data }`, as the schema
 * registry and consumers see it.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 */
export function envelopeJsonSchema(
  source: string,
  eventName: string,
  data: JsonSchema | undefined,
): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: eventName,
    type: 'object',
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [eventName] },
      source: { type: 'string', enum: [source] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail: {
        type: 'object',
        properties: { metadata: METADATA_JSON_SCHEMA, data: data ?? {} },
        required: ['metadata', 'data'],
      },
    },
    required: ['detail-type', 'source', 'detail'],
  };
}

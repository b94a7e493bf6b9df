import { ContextContract } from '../events/contract';
import { envelopeJsonSchema, JsonSchema } from '../events/event-schema';

/**
 * The AsyncAPI 3.0 document of an app: a channel per declared event (its
 * EventBridge `source` and `detail-type`), a message with the JSON Schema of
 * the whole event, a `send` operation for each context that publishes it and
 * a `receive` operation for each subscription and await.
 * @see https://www.asyncapi.com/docs/reference/specification/v3.0.0
 */
export function asyncApiDocument(contracts: readonly ContextContract[]): Record<string, unknown> {
  const appName = [...new Set(contracts.map((c) => c.source.split('.')[0]))].join(', ') || 'app';
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelOf = new Map<string, string>();
  for (const context of contracts) {
    for (const event of context.events) {
      const id = channelId(context.source, event.name);
      channelOf.set(`${context.source} ${event.name}`, id);
      messages[id] = {
        name: event.name,
        title: `${context.source} ${event.name}`,
        contentType: 'application/json',
        payload: toAsyncApiSchema(envelopeJsonSchema(context.source, event.name, event.dataSchema)),
      };
      channels[id] = {
        address: `${context.source}/${event.name}`,
        description: `EventBridge events with source ${context.source} and detail-type ${event.name}.`,
        messages: { [event.name]: { $ref: `#/components/messages/${id}` } },
      };
      if (context.publishes.includes(event.name)) {
        operations[`${camel(context.contextName)}Sends${event.name}`] = {
          action: 'send',
          summary: `${context.contextName} publishes ${event.name}`,
          channel: { $ref: `#/channels/${id}` },
          messages: [{ $ref: `#/channels/${id}/messages/${event.name}` }],
        };
      }
    }
  }
  for (const context of contracts) {
    const received = [
      ...context.subscribes.map((s) => ({ ...s, how: 'starts its workflow on' })),
      ...context.awaits.flatMap((a) =>
        a.events.map((e) => ({ ...e, how: `resumes ${a.name} (by ${a.correlateBy}) on` })),
      ),
    ];
    for (const r of received) {
      const id = channelOf.get(`${r.source} ${r.event}`);
      if (!id) continue;
      operations[`${camel(context.contextName)}Receives${camel(id)}`] = {
        action: 'receive',
        summary: `${context.contextName} ${r.how} ${r.event}`,
        channel: { $ref: `#/channels/${id}` },
        messages: [{ $ref: `#/channels/${id}/messages/${r.event}` }],
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: `${appName} domain events`,
      version: '1.0.0',
      description: `The domain events of the bounded contexts of ${appName}, on its EventBridge domain event bus. Written by cdk-ensemble docs from the synthesized app.`,
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}

/** `food.orders` + `OrderPlaced` → `food-orders-OrderPlaced` (channel ids allow `[\w.-]`). */
function channelId(source: string, event: string): string {
  return `${source.replace(/\./g, '-')}-${event}`;
}

function camel(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() : w.charAt(0).toUpperCase()) + w.slice(1))
    .join('');
}

/**
 * A Draft 4 schema as an AsyncAPI schema (a superset of Draft 7): no
 * `$schema`, and Draft 4's boolean `exclusiveMinimum`/`exclusiveMaximum`
 * turned into the numbers later drafts use.
 */
export function toAsyncApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toAsyncApiSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $schema: _drop, ...rest } = schema as JsonSchema & Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    out[key] = key === 'enum' || key === 'const' ? value : toAsyncApiSchema(value);
  }
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (out[flag] === true) {
      out[flag] = out[bound];
      delete out[bound];
    } else if (out[flag] === false) {
      delete out[flag];
    }
  }
  return out;
}

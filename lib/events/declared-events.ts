import { Annotations } from 'aws-cdk-lib';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { ValidationError } from '../checks/validation-error';
import { DomainEvent } from './domain-event';
import {
  dataJsonSchema,
  declaredSchema,
  envelopeJsonSchema,
  EventDeclarations,
  JsonSchema,
} from './event-schema';

/**
 * The JSON Schema of a declared event's data, or undefined for an event
 * declared by name only.
 *
 * @throws ValidationError when Zod cannot write the schema as JSON Schema (a
 * `z.date()`, a transform): an event's data travels as JSON
 */
export function declaredDataSchema(
  path: string,
  events: EventDeclarations,
  name: string,
): JsonSchema | undefined {
  const schema = declaredSchema(events, name);
  if (schema === undefined) return undefined;
  const json = dataJsonSchema(schema);
  if (typeof json === 'string') {
    throw new ValidationError(
      path,
      `events.${name}`,
      json,
      'An event travels as JSON: describe its data with types JSON carries (z.iso.datetime() rather than z.date(), no transforms), so that Zod can write it as JSON Schema.',
    );
  }
  return json;
}

/**
 * The registry schema of one event: `<source>@<EventName>`, the name
 * EventBridge's schema discovery gives the schemas it finds, of type
 * `JSONSchemaDraft4`, describing the whole event (envelope and data).
 * `Content` is a string; neither the CloudFormation page nor the EventBridge
 * schema pages state a size limit for it (checked 2026-12). The largest the
 * examples write is about 1.5 KB.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-eventschemas-schema.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema-create.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema.html
 */
export function registrySchema(
  scope: Construct,
  registry: eventschemas.CfnRegistry | undefined,
  event: DomainEvent,
): eventschemas.CfnSchema | undefined {
  if (!registry) return undefined;
  return new eventschemas.CfnSchema(scope, `${event.name}Schema`, {
    registryName: registry.attrRegistryName,
    schemaName: `${event.source}@${event.name}`,
    type: 'JSONSchemaDraft4',
    description: `${event.source} ${event.name}`,
    content: JSON.stringify(envelopeJsonSchema(event.source, event.name, event.dataSchema)),
  });
}

/** The environment variable that carries a task's contract to the handler runtime. */
export const CONTRACT_ENVIRONMENT_VARIABLE = 'ENSEMBLE_CONTRACT';

/**
 * Lambda refuses a function whose environment variables add up to more than
 * 4 KB; the library's own variables take a few hundred bytes of it.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
const CONTRACT_ENVIRONMENT_BUDGET = 3000;

/**
 * The environment that lets the handler runtime check the data a task
 * returns against the schema of the event it emits (`ENSEMBLE_CONTRACT`:
 * `{ event, schema }` as JSON), or nothing for an event without a schema.
 *
 * A schema too large for Lambda's environment is left out with a warning:
 * the local runtime still checks the event, and the registry still holds it.
 */
export function contractEnvironment(scope: Construct, event: DomainEvent): Record<string, string> {
  if (!event.dataSchema) return {};
  const value = JSON.stringify({ event: event.name, schema: event.dataSchema });
  if (value.length > CONTRACT_ENVIRONMENT_BUDGET) {
    Annotations.of(scope).addWarningV2(
      'cdk-ensemble:contractNotCheckedInHandler',
      `The schema of ${event.name} takes ${value.length} characters, more than the ${CONTRACT_ENVIRONMENT_BUDGET} this library allows itself of Lambda's 4 KB of environment variables: the handler does not check its data before the event is published. Shorten the schema (long regular expressions, many enums) to have it checked.`,
    );
    return {};
  }
  return { [CONTRACT_ENVIRONMENT_VARIABLE]: value };
}

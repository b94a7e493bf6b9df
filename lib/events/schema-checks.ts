import { isPlainObject, OR_KEY } from '../routing/event-pattern-grammar';
import { JsonSchema } from './event-schema';

/**
 * The schema of the field at `path` inside `schema` (through `properties`,
 * and through every branch of `anyOf`/`oneOf`/`allOf`), or undefined when
 * the schema has no such field.
 */
export function fieldSchema(schema: JsonSchema, path: readonly string[]): JsonSchema | undefined {
  if (path.length === 0) return schema;
  const [head, ...rest] = path;
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties && head in properties) return fieldSchema(properties[head], rest);
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    for (const branch of (schema[key] as JsonSchema[] | undefined) ?? []) {
      const found = fieldSchema(branch, path);
      if (found) return found;
    }
  }
  return undefined;
}

/** The JSON types a schema allows (`integer` counts as `number`); empty when it says nothing. */
export function schemaTypes(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  const type = schema.type;
  for (const t of Array.isArray(type) ? type : type === undefined ? [] : [type]) {
    types.add(t === 'integer' ? 'number' : String(t));
  }
  for (const key of ['anyOf', 'oneOf']) {
    for (const branch of (schema[key] as JsonSchema[] | undefined) ?? []) {
      const inner = schemaTypes(branch);
      if (inner.size === 0) return new Set();
      for (const t of inner) types.add(t);
    }
  }
  if (types.size === 0 && Array.isArray(schema.enum)) {
    for (const value of schema.enum) types.add(value === null ? 'null' : typeof value);
  }
  return types;
}

/** The names of the fields a schema lists at its top level, for messages. */
export function fieldNames(schema: JsonSchema): string[] {
  return Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
}

/** The JSON type each operator compares against; `exists` and `anything-but` take any field. */
const OPERATOR_TYPES: Record<string, string> = {
  numeric: 'number',
  prefix: 'string',
  suffix: 'string',
  'equals-ignore-case': 'string',
  wildcard: 'string',
  cidr: 'string',
};

/**
 * Problems of a subscription filter (on `detail.data`) against the event's
 * data schema: a field the schema lacks never matches, and an operator that
 * does not fit the field's type (`numeric` on a string) never matches either.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function filterSchemaProblems(
  filter: Record<string, unknown>,
  schema: JsonSchema,
  at: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === OR_KEY && Array.isArray(value)) {
      for (const branch of value) {
        if (isPlainObject(branch)) problems.push(...filterSchemaProblems(branch, schema, at));
      }
      continue;
    }
    const path = [...at, key];
    const field = fieldSchema(schema, [key]);
    if (!field) {
      const known = fieldNames(schema);
      problems.push(
        `field '${path.join('.')}' is not in the event's schema${known.length > 0 ? ` (its fields there: ${known.join(', ')})` : ''}, so the filter would never match`,
      );
      continue;
    }
    if (isPlainObject(value)) {
      problems.push(...filterSchemaProblems(value, field, path));
      continue;
    }
    const types = schemaTypes(field);
    if (types.size === 0 || !Array.isArray(value)) continue;
    for (const item of value) {
      const wanted = isPlainObject(item)
        ? Object.keys(item)
            .map((op) => OPERATOR_TYPES[op])
            .find((t) => t !== undefined)
        : item === null
          ? 'null'
          : typeof item;
      if (wanted !== undefined && !types.has(wanted)) {
        problems.push(
          `field '${path.join('.')}' is ${[...types].join(' or ')} in the event's schema, but ${JSON.stringify(item)} compares it as ${wanted}, so it would never match`,
        );
      }
    }
  }
  return problems;
}

/**
 * A configuration error found while building the app.
 *
 * The message names the construct path, the property, the value received and
 * the fix, so that it can be acted on without reading the library's code.
 */
export class ValidationError extends Error {
  constructor(
    public readonly constructPath: string,
    public readonly property: string,
    public readonly value: unknown,
    public readonly fix: string,
  ) {
    super(`[${constructPath}] ${invalidValueMessage(property, value, fix)}`);
    this.name = 'ValidationError';
  }
}

/**
 * `invalid <property>: <value>. <fix>`: the message of a {@link ValidationError}
 * without the construct path, for checks run by `node.addValidation`, whose
 * errors CDK prefixes with the path itself.
 */
export function invalidValueMessage(property: string, value: unknown, fix: string): string {
  return `invalid ${property}: ${describe(value)}. ${fix}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The input a rule target receives, computed like EventBridge does from the
 * target's `Input`, `InputPath` or `InputTransformer`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export interface RuleTargetInputConfig {
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

/** The target input for `event`, as a JSON value. */
export function targetInput(
  target: RuleTargetInputConfig,
  event: Record<string, unknown>,
): unknown {
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputPath !== undefined) return jsonPath(event, target.InputPath);
  if (target.InputTransformer) return transform(target.InputTransformer, event);
  return event;
}

function transform(
  transformer: { InputPathsMap?: Record<string, string>; InputTemplate: string },
  event: Record<string, unknown>,
): unknown {
  const values: Record<string, unknown> = {
    'aws.events.event': event,
    'aws.events.event.json': event,
    'aws.events.rule-name': 'local',
    'aws.events.event.ingestion-time': event.time,
  };
  for (const [key, path] of Object.entries(transformer.InputPathsMap ?? {}))
    values[key] = jsonPath(event, path);
  const text = transformer.InputTemplate.replace(
    /("?)<([A-Za-z0-9_.-]+)>("?)/g,
    (match, open: string, key: string, close: string) => {
      if (!(key in values)) return match;
      const value = values[key];
      // Inside quotes a string is inserted as text; anywhere else a value is inserted as JSON.
      if (open && close)
        return JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value ?? null));
      return `${open}${value === undefined ? 'null' : JSON.stringify(value)}${close}`;
    },
  );
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A simple JSONPath (`$`, `$.a.b`, `$.detail-type`, `$.a[0]`) into `value`. */
export function jsonPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  return parts.reduce<unknown>((current, part) => {
    if (current === null || typeof current !== 'object') return undefined;
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part;
    return (current as Record<string | number, unknown>)[key];
  }, value);
}

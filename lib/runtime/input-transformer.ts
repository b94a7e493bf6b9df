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
  const { detail: _detail, ...withoutDetail } = event;
  const values: Record<string, unknown> = {
    'aws.events.event': withoutDetail,
    'aws.events.event.json': event,
    'aws.events.rule-name': 'local',
    'aws.events.rule-arn': 'local',
    'aws.events.event.ingestion-time': event.time,
  };
  for (const [key, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    values[key] = jsonPath(event, path);
  }
  const text = fillTemplate(transformer.InputTemplate, values);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Replace `<key>` placeholders as EventBridge does: inside a JSON string a
 * value is inserted as text (a missing one as nothing); anywhere else as JSON
 * (a missing one as null).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
function fillTemplate(template: string, values: Record<string, unknown>): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '<') {
      const end = template.indexOf('>', i);
      const key = end > i ? template.slice(i + 1, end) : '';
      if (/^[A-Za-z0-9_.-]+$/.test(key) && key in values) {
        out += inString ? asText(values[key]) : asJson(values[key]);
        i = end;
        continue;
      }
    }
    if (c === '\\' && inString) {
      out += c + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
  }
  return out;
}

function asText(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}

function asJson(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value);
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

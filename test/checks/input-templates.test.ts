import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { testApp } from '../helpers';
import { evaluatedDetails, firstStateRefuses, isJsonataDefinition } from './jsonata-first-state';

/**
 * Every input template of both examples, slot by slot.
 *
 * EventBridge does not escape the values it extracts with an input path when
 * it fills an input template ("Common issues with transforming input"). A
 * string inserted between quotes, or as a bare string value, is therefore only
 * safe when it cannot hold a quote, a backslash or a control character (the
 * characters JSON escapes, RFC 8259 section 7). A whole JSON object (`data`)
 * is inserted as JSON.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html#eb-transform-input-issues
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-7
 */

/** Written from RFC 8259, not from the library: what must be escaped inside a JSON string. */
const JSON_ESCAPED = ['"', '\\', ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i))];

interface Slot {
  readonly rule: string;
  readonly path: string;
  /** Between quotes in the template: inserted as raw text. */
  readonly quoted: boolean;
}

/** Placeholders of an input template, and whether each sits inside a JSON string. */
function slots(template: string, paths: Record<string, string>, rule: string): Slot[] {
  const found: Slot[] = [];
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (inString && c === '\\') {
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === '<') {
      const end = template.indexOf('>', i);
      const key = template.slice(i + 1, end);
      if (key in paths) {
        found.push({ rule, path: paths[key], quoted: inString });
        i = end;
      }
    }
  }
  return found;
}

// Both layouts: the JSONata one (the default) and the JSONPath one.
const stacks: Stack[] = [sfn.QueryLanguage.JSONATA, sfn.QueryLanguage.JSON_PATH].flatMap(
  (queryLanguage) => [
    new FoodDeliveryStack(testApp(), 'FoodDelivery', { queryLanguage }),
    new EcommerceFraudStack(testApp(), 'EcommerceFraud', { queryLanguage }),
  ],
);
const templates = stacks.map((s) => Template.fromStack(s).toJSON());

const rules = templates.flatMap((t) =>
  Object.entries(t.Resources as Record<string, any>).filter(
    ([, r]) => r.Type === 'AWS::Events::Rule',
  ),
);
const allSlots = rules.flatMap(([id, rule]) =>
  (rule.Properties.Targets ?? []).flatMap((target: any) =>
    target.InputTransformer
      ? slots(
          target.InputTransformer.InputTemplate,
          target.InputTransformer.InputPathsMap ?? {},
          id,
        )
      : [],
  ),
);
const definitions = templates.flatMap((t) =>
  resolveStateMachines(t).map((m) => m.definition as { StartAt: string; States: any }),
);

/** A JSON string path whose values the publishing side controls or has validated. */
const SAFE_STRING_PATHS: Record<string, (ruleId: string) => boolean> = {
  // The rule's pattern pins source and detail-type to literals the library chose.
  '$.source': (id) => pinned(id, 'source'),
  '$.detail-type': (id) => pinned(id, 'detail-type'),
  // Every workflow refuses an id with a character JSON escapes before it publishes anything.
  '$.detail.metadata.correlationId': () => everyWorkflowRefusesUnsafe('correlationId'),
  // A UUID from States.UUID(), a definition's or a handler's hash of the execution, state and event.
  '$.detail.metadata.eventId': () => everyPublishUsesUuid(),
};

function pinned(ruleId: string, field: string): boolean {
  const pattern = rules.find(([id]) => id === ruleId)![1].Properties.EventPattern;
  const values = pattern?.[field];
  return (
    Array.isArray(values) &&
    values.every((v: unknown) => typeof v === 'string' && !JSON_ESCAPED.some((c) => v.includes(c)))
  );
}

/**
 * The characters (and '' for the empty string) for which `rule` holds because
 * `path` contains them: the `StringMatches '*c*'` and `StringEquals ''`
 * conditions under an even number of Nots.
 */
function refused(rule: any, path: string): Set<string> {
  const out = new Set<string>();
  const walk = (r: any, negated: boolean) => {
    if (r.And) r.And.forEach((x: any) => walk(x, negated));
    else if (r.Or) r.Or.forEach((x: any) => walk(x, negated));
    else if (r.Not) walk(r.Not, !negated);
    else if (!negated && r.Variable === path && typeof r.StringMatches === 'string') {
      const m = /^\*(\\?.)\*$/s.exec(r.StringMatches);
      if (m) out.add(m[1].replace(/^\\/, ''));
    } else if (!negated && r.Variable === path && r.StringEquals === '') out.add('');
  };
  walk(rule, false);
  return out;
}

/**
 * Every JSONata workflow's first state refuses an id holding each character
 * JSON escapes, or empty, before its side effect (computed once, below).
 */
const jsonataRefusals = new Map<string, boolean>();

beforeAll(async () => {
  for (const field of ['correlationId', 'causationId']) {
    let all = true;
    for (const d of definitions.filter(isJsonataDefinition))
      for (const c of ['', ...JSON_ESCAPED.map((c) => `id${c}1`)]) {
        const metadata = { correlationId: 'c-1', [field]: c };
        all &&= await firstStateRefuses(d, { metadata, data: {} });
      }
    jsonataRefusals.set(field, all);
  }
  const ids = (await Promise.all(definitions.filter(isJsonataDefinition).map(evaluatedDetails)))
    .flat()
    .map((detail) => detail.metadata.eventId);
  jsonataEventIdsSafe =
    ids.length > 0 &&
    ids.every(
      (id) => typeof id === 'string' && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(id),
    );
});

let jsonataEventIdsSafe = false;

/** Every workflow refuses an unsafe id at its first state, before any side effect. */
function everyWorkflowRefusesUnsafe(field: string): boolean {
  return jsonataRefusals.get(field) === true && everyJsonPathWorkflowRefusesUnsafe(field);
}

/** Every JSONPath workflow's first state is a Choice whose first rule fails the execution on an unsafe id. */
function everyJsonPathWorkflowRefusesUnsafe(field: string): boolean {
  return definitions
    .filter((d) => !isJsonataDefinition(d))
    .every((d) => {
      const start = d.States[d.StartAt];
      const first = start.Type === 'Choice' ? start.Choices[0] : undefined;
      if (!first || d.States[first.Next]?.Type !== 'Fail') return false;
      const chars = refused(first, `$.metadata.${field}`);
      return chars.has('') && JSON_ESCAPED.every((c) => chars.has(c));
    });
}

/** A UUID from States.UUID(), or (JSONata) a UUID-shaped hash in lowercase hex. */
function everyPublishUsesUuid(): boolean {
  return (
    jsonataEventIdsSafe &&
    definitions
      .filter((d) => !isJsonataDefinition(d))
      .every((d) =>
        Object.values(d.States)
          .filter((s: any) => String(s.Resource).includes('events:putEvents'))
          .every((s: any) =>
            s.Parameters.Entries.every(
              (e: any) => e.Detail.metadata['eventId.$'] === 'States.UUID()',
            ),
          ),
      )
  );
}

describe('the input templates of both examples', () => {
  it('finds the slots it checks, in both layouts', () => {
    expect(allSlots.length).toBeGreaterThan(60);
    expect(definitions.filter(isJsonataDefinition)).toHaveLength(10);
    expect(definitions.filter((d) => !isJsonataDefinition(d))).toHaveLength(10);
  });

  it('puts no value between quotes', () => {
    expect(allSlots.filter((s) => s.quoted)).toEqual([]);
  });

  it('inserts a string only where its publisher controls or has validated it', () => {
    const unsafe = allSlots
      .filter((s) => s.path !== '$.detail.data')
      .filter((s) => !SAFE_STRING_PATHS[s.path]?.(s.rule))
      .map((s) => `${s.rule} ${s.path}`);
    expect(unsafe).toEqual([]);
  });

  it('inserts the data as a whole JSON object', () => {
    const data = allSlots.filter((s) => s.path === '$.detail.data');
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((s) => !s.quoted)).toBe(true);
  });
});

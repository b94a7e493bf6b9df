import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import {
  contractChanges,
  contractsFile,
  dataJsonSchema,
  runCli,
  synthesizeForLocalRun,
} from '../../lib';
import { ContextContract } from '../../lib/events/contract';

/** A contracts file of one context publishing OrderPlaced with `schema` (and more events). */
function contracts(schema: z.ZodType | undefined, more: Record<string, z.ZodType> = {}) {
  const events = Object.entries({ ...(schema ? { OrderPlaced: schema } : {}), ...more }).map(
    ([name, s]) => ({ name, dataSchema: dataJsonSchema(s) as Record<string, unknown> }),
  );
  const context: ContextContract = {
    contextName: 'orders',
    source: 'shop.orders',
    events,
    publishes: events.map((e) => e.name),
    subscribes: [],
    awaits: [],
  };
  return contractsFile([context]);
}

const base = z.object({
  orderId: z.string(),
  total: z.number(),
  note: z.string().optional(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number() })),
});

describe('contract changes', () => {
  it.each<[string, z.ZodType | undefined, string[]]>([
    ['no change', base, []],
    [
      'an optional field added',
      base.extend({ coupon: z.string().optional() }),
      ["compatible: optional field 'coupon' added"],
    ],
    ['a type narrowed to integer', base.extend({ total: z.number().int() }), []],
    [
      'the event removed',
      undefined,
      ['BREAKING: event removed: subscribers and awaits of it would never hear of it again'],
    ],
    [
      'a field removed',
      base.omit({ note: true }),
      ["BREAKING: field 'note' removed: consumers that read it get nothing"],
    ],
    [
      'a type changed',
      base.extend({ total: z.string() }),
      [
        "BREAKING: field 'total' type changed from number to string: consumers that read it as number break",
      ],
    ],
    [
      'a new required field',
      base.extend({ currency: z.string() }),
      [
        "BREAKING: new required field 'currency': events published as before (and test events) fail the check",
      ],
    ],
    [
      'an optional field made required',
      base.extend({ note: z.string() }),
      [
        "BREAKING: field 'note' now required: events published as before (and test events) fail the check",
      ],
    ],
    [
      'a required field made optional',
      base.extend({ total: z.number().optional() }),
      ["BREAKING: field 'total' no longer required: consumers that rely on it may get nothing"],
    ],
    [
      'a nested field of array items changed',
      base.extend({ items: z.array(z.object({ sku: z.number(), quantity: z.number() })) }),
      [
        "BREAKING: field 'items.[].sku' type changed from string to number: consumers that read it as string break",
      ],
    ],
  ])('%s', (_name, next, expected) => {
    const changes = contractChanges(contracts(base), contracts(next));
    expect(changes.map((c) => `${c.breaking ? 'BREAKING' : 'compatible'}: ${c.message}`)).toEqual(
      expected,
    );
    for (const c of changes) expect(c.event).toBe('shop.orders OrderPlaced');
  });

  it('reports an event added as compatible', () => {
    const changes = contractChanges(contracts(base), contracts(base, { OrderShipped: base }));
    expect(changes).toEqual([
      { breaking: false, event: 'shop.orders OrderShipped', message: 'event added' },
    ]);
  });
});

describe('cdk-ensemble contracts', () => {
  it('writes the contracts of an app, and check exits 0 against them and 1 on a breaking change', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-cli-'));
    const assembly = synthesizeForLocalRun(
      path.join(dir, 'cdk.out'),
      (app) => new FoodDeliveryStack(app, 'FoodDelivery'),
    );
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await runCli(['contracts', '--app', assembly], io)).toBe(0);
    const written = JSON.parse(lines.join('\n'));
    expect(written.formatVersion).toBe(1);
    expect(written.contexts.map((c: ContextContract) => c.source)).toEqual([
      'food.notifications',
      'food.orders',
      'food.promotions',
      'food.restaurants',
    ]);
    const baseline = path.join(dir, 'contracts.json');
    fs.writeFileSync(baseline, JSON.stringify(written));
    lines.length = 0;
    expect(
      await runCli(['contracts', 'check', '--app', assembly, '--baseline', baseline], io),
    ).toBe(0);
    expect(lines.join('\n')).toMatch(/No breaking change/);

    const orders = written.contexts.find((c: ContextContract) => c.contextName === 'orders');
    orders.events.find(
      (e: { name: string }) => e.name === 'OrderPlaced',
    ).dataSchema.properties.coupon = {
      type: 'string',
    };
    orders.events.push({ name: 'OrderRefunded' });
    fs.writeFileSync(baseline, JSON.stringify(written));
    lines.length = 0;
    expect(
      await runCli(['contracts', 'check', '--app', assembly, '--baseline', baseline], io),
    ).toBe(1);
    expect(lines.join('\n')).toMatch(
      /BREAKING {3}food\.orders OrderPlaced: field 'coupon' removed[\s\S]*BREAKING {3}food\.orders OrderRefunded: event removed[\s\S]*2 breaking changes/,
    );
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { App } from 'aws-cdk-lib';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { runCli, synthesizeForLocalRun } from '../../lib';
import { contextMapMermaid } from '../../lib/docs/context-map';
import { assemblyContracts } from '../../lib/docs/commands';

const examples = {
  'food-delivery': (app: App) => new FoodDeliveryStack(app, 'FoodDelivery'),
  'ecommerce-fraud': (app: App) => new EcommerceFraudStack(app, 'EcommerceFraud'),
};

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.each(Object.keys(examples) as (keyof typeof examples)[])(
  'cdk-ensemble docs on the %s example',
  (name) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `docs-${name}-`));
    let assembly: string;
    beforeAll(() => {
      assembly = synthesizeForLocalRun(path.join(dir, 'cdk.out'), examples[name]);
    });

    it('writes an AsyncAPI 3.0 document that @asyncapi/parser validates with no error', async () => {
      const out = path.join(dir, 'docs');
      const { code, out: written } = await cli('docs', '--app', assembly, '--out', out);
      expect(code).toBe(0);
      expect(written).toMatch(/asyncapi\.json/);
      const text = fs.readFileSync(path.join(out, 'asyncapi.json'), 'utf8');
      const { document, diagnostics } = await new Parser().parse(text);
      expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
      expect(document).toBeDefined();
      const doc = JSON.parse(text);
      const contracts = assemblyContracts(assembly);
      const declared = contracts.reduce((n, c) => n + c.events.length, 0);
      expect(Object.keys(doc.channels)).toHaveLength(declared);
      expect(
        Object.values(doc.operations).some((o) => (o as { action: string }).action === 'receive'),
      ).toBe(true);
      for (const c of contracts) expect(fs.existsSync(path.join(out, `${c.source}.md`))).toBe(true);
    });
  },
);

it('the parser does report a broken AsyncAPI document (an operation on a missing channel)', async () => {
  const { diagnostics } = await new Parser().parse(
    JSON.stringify({
      asyncapi: '3.0.0',
      info: { title: 't', version: '1' },
      operations: { op: { action: 'send', channel: { $ref: '#/channels/missing' } } },
    }),
  );
  expect(diagnostics.filter((d) => d.severity === 0).length).toBeGreaterThan(0);
});

describe('the context map', () => {
  it('draws subscriptions solid and awaits dashed, and the README shows the food-delivery one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-map-'));
    const assembly = synthesizeForLocalRun(dir, examples['food-delivery']);
    const map = contextMapMermaid(assemblyContracts(assembly));
    expect(map).toContain('  food_orders -->|OrderPlaced| food_restaurants');
    expect(map).toContain('  food_restaurants -.->|OrderAccepted| food_orders');
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain('```mermaid\n' + map + '```');
  });
});

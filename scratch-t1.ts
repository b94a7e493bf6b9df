import { evaluateExpression } from '../work/wt-jsonata/lib/runtime/engine/jsonata';
import { checkedEnvelope, stableEventId, NORMALIZED_METADATA } from '../work/wt-jsonata/lib/workflow/jsonata';
const ctx = { Execution: { Id: 'arn:x:exec', StartTime: 't0' }, State: { Name: 'S', EnteredTime: 't1' } };
async function run(input: unknown) {
  try { return await evaluateExpression(`{% ${checkedEnvelope(NORMALIZED_METADATA, 'rules')} %}`, { states: { input, context: ctx } }, 'x'); }
  catch (e) { return 'ERR ' + (e as Error).message.slice(-60); }
}
(async () => {
  for (const i of [
    { metadata: { correlationId: 'a' }, data: {} },
    { metadata: { correlationId: 'a', causationId: 'c', x: 1 }, data: {} },
    { metadata: { correlationId: 'a"b' }, data: {} },
    { metadata: { correlationId: 'a\\b' }, data: {} },
    { metadata: { correlationId: 'a\u0000b' }, data: {} },
    { metadata: { correlationId: 'a\u001fb' }, data: {} },
    { metadata: { correlationId: 'a\u0020b' }, data: {} },
    { metadata: { correlationId: '' }, data: {} },
    { metadata: { correlationId: 'x'.repeat(257) }, data: {} },
    { metadata: { correlationId: 1 }, data: {} },
    { metadata: { correlationId: ['a'] }, data: {} },
    { metadata: { correlationId: 'a', causationId: null }, data: {} },
    { metadata: { correlationId: 'a' }, data: [] },
    { metadata: { correlationId: 'a' }, data: null },
    { metadata: { correlationId: 'a' } },
    [{ metadata: { correlationId: 'a' }, data: {} }],
    'str',
  ]) console.log(JSON.stringify(i).slice(0, 60), '=>', JSON.stringify(await run(i)));
  console.log(await evaluateExpression(`{% ${stableEventId('E')} %}`, { states: { input: {}, context: ctx } }, 'x'));
})();

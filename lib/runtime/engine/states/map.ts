import { StatesError, StatesErrors } from '../errors';
import {
  effectiveInput,
  jsonataScope,
  numberField,
  payloadTemplate,
  pathScope,
  stateOutput,
} from '../io';
import { evaluateExpression, evaluateTemplate, isExpression } from '../jsonata';
import { readPath } from '../jsonpath';
import { Frame, GraphDefinition, Outcome, StateContext, StateDefinition } from '../types';
import { runChildren } from './parallel';

/**
 * Map: runs its item processor once per item of an array, at most
 * MaxConcurrency at once. A distributed Map runs the same way, inline;
 * ItemReader and ResultWriter (S3) fail with an error saying they are not supported.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
export async function runMap(
  state: StateDefinition,
  raw: unknown,
  ctx: StateContext,
): Promise<Outcome> {
  if (state.ItemReader !== undefined)
    throw new StatesError(
      StatesErrors.ITEM_READER_FAILED,
      `The Map state '${ctx.name}' reads its items with an ItemReader, which this engine does not support: pass the items in the input (ItemsPath or Items) instead.`,
    );
  if (state.ResultWriter !== undefined)
    throw new StatesError(
      StatesErrors.RESULT_WRITER_FAILED,
      `The Map state '${ctx.name}' writes its results with a ResultWriter, which this engine does not support: remove ResultWriter to get the results as the state's output.`,
    );
  const effective = effectiveInput(ctx, raw);
  const items = await readItems(ctx, raw, effective);
  const processor = (state.ItemProcessor ?? state.Iterator) as GraphDefinition;
  const selector = state.ItemSelector ?? state.Parameters;
  const limit = (await numberField(ctx, raw, effective, 'MaxConcurrency')) ?? 0;
  const inputs: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    const itemCtx = {
      ...ctx,
      contextObject: () => ({
        ...ctx.contextObject(),
        Map: { Item: { Index: index, Value: items[index] } },
      }),
    };
    if (selector === undefined) inputs.push(items[index]);
    else if (ctx.language === 'JSONata')
      inputs.push(
        await evaluateTemplate(selector, jsonataScope(itemCtx, { input: raw }), 'ItemSelector'),
      );
    else inputs.push(payloadTemplate(selector, pathScope(itemCtx, effective), 'ItemSelector'));
  }
  if (state.ItemBatcher !== undefined)
    inputs.splice(0, inputs.length, ...(await batches(ctx, raw, effective, inputs)));
  const result = await runChildren(
    ctx,
    inputs.map((input) => (frame: Frame) => ctx.frame.run.runGraph(processor, input, frame)),
    limit,
    (index) => ({ Index: index, Value: items[index] }),
  );
  const output = await stateOutput(ctx, raw, effective, result, true);
  return { output, next: state.End ? undefined : state.Next };
}

/**
 * ItemBatcher (distributed Map): the items in batches of at most
 * MaxItemsPerBatch items and MaxInputBytesPerBatch bytes, each given as
 * `{ Items, BatchInput }`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
 */
async function batches(ctx: StateContext, raw: unknown, effective: unknown, items: unknown[]) {
  const batcher = ctx.state.ItemBatcher as Record<string, unknown>;
  const batchCtx = { ...ctx, state: batcher as StateContext['state'] };
  const maxItems = (await numberField(batchCtx, raw, effective, 'MaxItemsPerBatch')) ?? Infinity;
  const maxBytes =
    (await numberField(batchCtx, raw, effective, 'MaxInputBytesPerBatch')) ?? Infinity;
  const batchInput =
    batcher.BatchInput === undefined
      ? undefined
      : ctx.language === 'JSONata'
        ? await evaluateTemplate(
            batcher.BatchInput,
            jsonataScope(ctx, { input: raw }),
            'BatchInput',
          )
        : payloadTemplate(batcher.BatchInput, pathScope(ctx, effective), 'BatchInput');
  const out: unknown[] = [];
  let current: unknown[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length === 0) return;
    out.push(
      batchInput === undefined ? { Items: current } : { Items: current, BatchInput: batchInput },
    );
    current = [];
    bytes = 0;
  };
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item) ?? 'null', 'utf8');
    if (current.length >= maxItems || (current.length > 0 && bytes + size > maxBytes)) flush();
    current.push(item);
    bytes += size;
  }
  flush();
  return out;
}

async function readItems(ctx: StateContext, raw: unknown, effective: unknown): Promise<unknown[]> {
  let items: unknown;
  if (ctx.language === 'JSONata') {
    const text = ctx.state.Items;
    items =
      text === undefined
        ? raw
        : isExpression(text)
          ? await evaluateExpression(text, jsonataScope(ctx, { input: raw }), 'Items')
          : text;
  } else {
    const path = ctx.state.ItemsPath ?? '$';
    items = readPath(path, pathScope(ctx, effective), 'ItemsPath');
  }
  if (!Array.isArray(items))
    throw new StatesError(
      ctx.language === 'JSONata' ? StatesErrors.QUERY_EVALUATION_ERROR : StatesErrors.RUNTIME,
      `The Map state '${ctx.name}' needs an array of items, got ${JSON.stringify(items)}.`,
    );
  return items;
}

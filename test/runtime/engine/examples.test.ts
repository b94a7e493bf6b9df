import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EcommerceFraudStack } from '../../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../../examples/food-delivery/food-delivery-stack';
import { runStateMachine } from '../../../lib';
import { resolveStateMachines } from '../../../lib/runtime/cfn-resolve';
import { testApp } from '../../helpers';

/**
 * The engine runs what the library generates: every state machine of both
 * examples, resolved from the synthesized template, on a happy path with stub
 * tasks (handlers return their data, PutEvents succeeds, each await receives
 * the first event its Choice expects), in both layouts (JSONata and JSONPath).
 */

type Definition = { States: Record<string, any> };

const machinesOf = (stack: FoodDeliveryStack | EcommerceFraudStack) =>
  resolveStateMachines(Template.fromStack(stack).toJSON()).map((m) => ({
    name: m.logicalId.replace(/Workflow.*$/, ''),
    definition: m.definition as unknown as Definition,
  }));

const machines = [sfn.QueryLanguage.JSONATA, sfn.QueryLanguage.JSON_PATH].flatMap(
  (queryLanguage) => [
    ...machinesOf(new FoodDeliveryStack(testApp(), 'FoodDelivery', { queryLanguage })).map((m) => ({
      example: `food-delivery (${queryLanguage})`,
      ...m,
    })),
    ...machinesOf(new EcommerceFraudStack(testApp(), 'EcommerceFraud', { queryLanguage })).map(
      (m) => ({ example: `ecommerce-fraud (${queryLanguage})`, ...m }),
    ),
  ],
);

/** The event the await's "which event?" Choice takes first: its StringEquals on event and source. */
function firstAwaitedEvent(definition: Definition, awaitState: string) {
  const choice = definition.States[`${awaitState}: which event?`].Choices[0];
  if (typeof choice.Condition === 'string') {
    // JSONata: `awaited.event = "X" and awaited.source = "Y"`.
    const [, event, source] = /\.event = "([^"]+)" and .*\.source = "([^"]+)"/.exec(
      choice.Condition,
    )!;
    return { event, source, data: {} };
  }
  const rule = choice.And as any[];
  const value = (path: string) =>
    rule.find((r) => r.Variable === path && 'StringEquals' in r).StringEquals;
  return { event: value('$.data.awaited.event'), source: value('$.data.awaited.source'), data: {} };
}

function stubs(definition: Definition, published: any[]) {
  // Decisions a handler would return, so each Choice after a task takes its first branch.
  const decisions = { decision: 'ACCEPTED', suspicious: false };
  return {
    'events:putEvents': (input: any) => {
      published.push(...input.Entries);
      return { Entries: input.Entries.map(() => ({ EventId: 'e' })), FailedEntryCount: 0 };
    },
    'lambda:invoke': (input: any) =>
      input.Payload?.await !== undefined
        ? firstAwaitedEvent(definition, input.Payload.await)
        : { ...input.data, ...decisions },
  };
}

const envelope = (correlationId: string) => ({
  metadata: { correlationId },
  data: {
    orderId: 'o-1',
    customerId: 'c',
    items: [{ name: 'margherita', quantity: 1, unitPrice: 9 }],
  },
});

describe.each(machines)('$example: the $name workflow', ({ definition }) => {
  it('runs to the end on the happy path, publishing envelopes of its flow', async () => {
    const published: any[] = [];
    const result = await runStateMachine(definition, envelope('flow-1'), {
      tasks: stubs(definition, published),
    });
    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    const details = published.map((e) =>
      JSON.parse(typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail)),
    );
    expect(details.map((d) => d.metadata.correlationId)).toEqual(details.map(() => 'flow-1'));
    // No causationId in the input: the workflow defaults it to its execution ARN.
    expect(details[0].metadata.causationId).toMatch(/:execution:/);
    const types = published.map((e) => e.DetailType);
    expect(types[types.length - 1]).toBe('WorkflowSucceeded');
    expect(types.filter((t) => /Failed|Refunded|Released|Cancelled/.test(t))).toEqual([]);
  });

  it('rejects an envelope whose correlationId contains a line break (JSONPath: StringMatches * spans lines)', async () => {
    const result = await runStateMachine(definition, envelope('flow\n1'), {
      tasks: stubs(definition, []),
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidEnvelope' });
  });
});

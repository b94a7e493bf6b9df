import { Template } from 'aws-cdk-lib/assertions';
import { BoundedContext } from '../../lib';
import { fixtureHandler, testStack } from '../helpers';

describe('stack outputs', () => {
  const { stack, bus } = testStack();
  const orders = new BoundedContext(stack, 'Orders', { bus, events: ['OrderPlaced'] });
  orders.workflow(orders.task('PlaceOrder', { entry: fixtureHandler(), emits: 'OrderPlaced' }));
  const outputs = Template.fromStack(stack).toJSON().Outputs as Record<
    string,
    { Description: string; Value: unknown }
  >;
  const byDescription = Object.fromEntries(
    Object.values(outputs).map((o) => [o.Description, o.Value]),
  );

  it("give the bus's name and ARN", () => {
    const busId = stack.getLogicalId(bus.eventBus.node.defaultChild as never);
    expect(byDescription['test: name of the domain event bus']).toEqual({ Ref: busId });
    expect(byDescription['test: ARN of the domain event bus']).toEqual({
      'Fn::GetAtt': [busId, 'Arn'],
    });
  });

  it("give each context's state machine ARN", () => {
    const machineId = stack.getLogicalId(orders.stateMachine.node.defaultChild as never);
    expect(byDescription["orders: ARN of the context's state machine"]).toEqual({
      Ref: machineId,
    });
  });
});

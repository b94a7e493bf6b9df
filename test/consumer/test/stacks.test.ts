import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildShop } from '../lib/app';

// Fast unit synth: no bundling, no CDK template validator.
process.env['CDK_VALIDATION'] = 'false';

describe('the shop stacks', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  buildShop(app);
  const template = (name: string) =>
    Template.fromJSON(app.synth().getStackByName(name).template as Record<string, unknown>);

  it('puts the bus in its own stack, with its name and ARN as outputs', () => {
    const bus = template('ShopBus');
    bus.resourceCountIs('AWS::Events::EventBus', 1);
    expect(Object.keys(bus.findOutputs('*')).length).toBeGreaterThanOrEqual(2);
  });

  it('gives each context a state machine of its own stack', () => {
    for (const name of ['ShopOrders', 'ShopKitchen']) {
      const stack = template(name);
      stack.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      stack.resourceCountIs('AWS::Events::EventBus', 0);
    }
  });
});

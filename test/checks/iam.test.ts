import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { WILDCARD_RESOURCE_ACTIONS } from '../../lib';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { testApp } from '../helpers';

interface Statement {
  Effect: string;
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
}

const EXAMPLES: [string, (app: App) => Stack][] = [
  ['food delivery', (app) => new FoodDeliveryStack(app, 'FoodDelivery')],
  ['e-commerce fraud', (app) => new EcommerceFraudStack(app, 'EcommerceFraud')],
];

/** Every statement of every identity policy (managed, inline, role) in a template. */
function identityStatements(template: Record<string, any>): [string, Statement][] {
  const found: [string, Statement][] = [];
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    const documents =
      resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy'
        ? [resource.Properties.PolicyDocument]
        : resource.Type === 'AWS::IAM::Role'
          ? (resource.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)
          : [];
    for (const document of documents) for (const s of document.Statement) found.push([id, s]);
  }
  return found;
}

const list = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

describe.each(EXAMPLES)('IAM in the %s example', (_name, build) => {
  const template = Template.fromStack(build(testApp())).toJSON();
  const statements = identityStatements(template);

  it('has identity policies to check', () => {
    expect(statements.length).toBeGreaterThan(20);
  });

  it('grants no Action: * and no service-wide action', () => {
    const wide = statements.filter(([, s]) =>
      list(s.Action).some((a) => a === '*' || a.endsWith(':*')),
    );
    expect(wide).toEqual([]);
  });

  it('grants Resource: * only for the documented actions that AWS offers no resource-level permission for', () => {
    const wildcard = statements
      .filter(([, s]) => list(s.Resource).includes('*'))
      .flatMap(([id, s]) => list(s.Action).map((action) => `${id} ${action}`))
      .filter((entry) => !(entry.split(' ')[1] in WILDCARD_RESOURCE_ACTIONS));
    expect(wildcard).toEqual([]);
  });

  it('attaches no AWS managed policy to any role', () => {
    const roles = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.flatMap((r) => r.Properties.ManagedPolicyArns ?? [])).toEqual([]);
  });

  it('lets handlers publish only to the app bus', () => {
    const publish = statements.filter(([, s]) => list(s.Action).includes('events:PutEvents'));
    expect(publish.length).toBeGreaterThan(0);
    for (const [, s] of publish) {
      expect(list(s.Resource)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Bus/), 'Arn'] }]);
    }
  });

  it("lets each resumer resume only its own context's executions", () => {
    const resume = statements.filter(([, s]) => list(s.Action).includes('states:SendTaskSuccess'));
    expect(resume.length).toBeGreaterThan(0);
    for (const [policyId, s] of resume) {
      const context = policyId.replace(/Awaits.*$/, '');
      expect(list(s.Resource)).toEqual([
        { Ref: expect.stringMatching(new RegExp(`^${context}Workflow`)) },
      ]);
    }
  });

  it('gives the bus no resource policy: no other account may publish', () => {
    expect(
      Object.values<any>(template.Resources).filter(
        (r) => r.Type === 'AWS::Events::EventBusPolicy',
      ),
    ).toEqual([]);
    const bus = Object.values<any>(template.Resources).find(
      (r) => r.Type === 'AWS::Events::EventBus',
    );
    expect(bus.Properties.Policy).toBeUndefined();
  });
});

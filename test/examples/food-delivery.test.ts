import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Template } from 'aws-cdk-lib/assertions';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { normalizedTemplate, testApp } from '../helpers';

// asl-validator mutates its input: always pass a copy.
const validateAsl = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const stack = new FoodDeliveryStack(testApp(), 'FoodDelivery', {
  queryLanguage: sfn.QueryLanguage.JSON_PATH,
});
const template = Template.fromStack(stack);
const machines = resolveStateMachines(template.toJSON());
type State = {
  Type: string;
  Resource?: string;
  Next?: string;
  Parameters?: { Entries?: { DetailType: string }[] };
};
const statesOf = (prefix: string) =>
  machines.find((m) => m.logicalId.startsWith(prefix))!.definition.States as Record<string, State>;

describe('food-delivery example', () => {
  it('matches the snapshot', () => {
    expect(normalizedTemplate(stack)).toMatchSnapshot();
  });

  it('has one event bus with an archive and an audit rule', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.resourceCountIs('AWS::Events::Archive', 1);
  });

  it('has one state machine per context', () => {
    expect(machines.map((m) => m.logicalId.replace(/Workflow.*$/, '')).sort()).toEqual([
      'Notifications',
      'Orders',
      'Promotions',
      'Restaurants',
    ]);
  });

  it('publishes an event after every task that emits one', () => {
    const publishedAfter = (prefix: string) =>
      Object.entries(statesOf(prefix))
        .filter(([, s]) => s.Resource?.includes(':lambda:'))
        .map(([name, s]) => [
          name,
          statesOf(prefix)[s.Next!]?.Parameters?.Entries?.[0]?.DetailType,
        ]);
    expect(publishedAfter('Orders').sort()).toEqual([
      ['AwaitAcceptance', undefined],
      ['CancelOrder', 'OrderCancelled'],
      ['CompleteOrder', 'OrderCompleted'],
      ['PlaceOrder', 'OrderPlaced'],
    ]);
    expect(publishedAfter('Restaurants')).toEqual([
      ['NotifyRestaurant', 'RestaurantNotified'],
      ['ReviewOrder', undefined],
    ]);
    expect(publishedAfter('Notifications')).toEqual([['NotifyUser', 'UserNotified']]);
    expect(publishedAfter('Promotions')).toEqual([['IssueVoucher', 'VoucherIssued']]);
    expect(statesOf('Restaurants')['Accepted?'].Type).toBe('Choice');
  });

  it('routes events to the subscribing contexts, each target with a DLQ and a retry policy', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((p) => p.EventPattern['detail-type']);
    const routes = rules.map((p) => [
      p.EventPattern['detail-type'].join('|'),
      (p.Targets[0].Arn.Ref ?? p.Targets[0].Arn['Fn::GetAtt'][0]).replace(
        /(Workflow|Awaits).*/,
        '',
      ),
    ]);
    expect(routes.sort()).toEqual([
      ['OrderAccepted', 'Notifications'],
      ['OrderAccepted|OrderRejected', 'Orders'],
      ['OrderCancelled', 'Notifications'],
      ['OrderCompleted', 'Promotions'],
      ['OrderPlaced', 'Restaurants'],
    ]);
    for (const rule of rules) {
      expect(rule.Targets[0].DeadLetterConfig.Arn).toBeDefined();
      expect(rule.Targets[0].RetryPolicy).toEqual({
        MaximumEventAgeInSeconds: 86400,
        MaximumRetryAttempts: 185,
      });
    }
  });

  it('waits for the restaurant for 10 minutes, then cancels', () => {
    const orders = statesOf('Orders') as Record<string, any>;
    expect(orders.AwaitAcceptance).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSeconds: 600,
      ResultPath: '$.data.awaited',
    });
    expect(orders.AwaitAcceptance.Catch[0]).toEqual({
      ErrorEquals: ['States.Timeout'],
      ResultPath: '$.data.awaited',
      Next: 'Publish OrderTimedOut',
    });
    expect(orders['Publish OrderTimedOut'].Next).toBe('CancelOrder');
  });

  it.each(machines.map((m) => [m.logicalId, m.definition]))(
    'state machine %s passes asl-validator',
    (_id, definition) => {
      const result = validateAsl(structuredClone(definition));
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
    },
  );
});

describe('food-delivery example, JSONata layout (the default)', () => {
  const jsonataStack = new FoodDeliveryStack(testApp(), 'FoodDelivery');
  const definitions = resolveStateMachines(Template.fromStack(jsonataStack).toJSON());
  const states = (prefix: string) =>
    definitions.find((m) => m.logicalId.startsWith(prefix))!.definition.States as Record<
      string,
      any
    >;
  const entries = (state: any): string[] =>
    (state.Arguments?.Entries ?? []).map((e: { DetailType: string }) => e.DetailType);

  it('matches the snapshot', () => {
    expect(normalizedTemplate(jsonataStack)).toMatchSnapshot();
  });

  it('writes every definition in JSONata, starting with the first task', () => {
    expect(definitions.map((m) => [m.definition.QueryLanguage, m.definition.StartAt])).toEqual([
      ['JSONata', 'PlaceOrder'],
      ['JSONata', 'NotifyRestaurant'],
      ['JSONata', 'NotifyUser'],
      ['JSONata', 'IssueVoucher'],
    ]);
  });

  it('publishes WorkflowStarted with the first task event, WorkflowSucceeded with the last', () => {
    expect(entries(states('Orders')['Publish OrderPlaced'])).toEqual([
      'WorkflowStarted',
      'OrderPlaced',
    ]);
    expect(entries(states('Orders')['Publish OrderCompleted'])).toEqual([
      'OrderCompleted',
      'WorkflowSucceeded',
    ]);
    expect(entries(states('Notifications')['Publish UserNotified'])).toEqual([
      'WorkflowStarted',
      'UserNotified',
      'WorkflowSucceeded',
    ]);
    // "No answer" ends the workflow too: WorkflowSucceeded in a state of its own.
    expect(states('Restaurants')['No answer'].Next).toBe('Publish WorkflowSucceeded');
  });

  it('has no Check envelope Choice and no Default causationId Pass', () => {
    const names = definitions.flatMap((m) => Object.keys(m.definition.States as object));
    expect(names).not.toContain('Check envelope');
    expect(names.filter((n) => n.startsWith('Default causationId'))).toEqual([]);
    expect(names.filter((n) => n === 'InvalidEnvelope')).toHaveLength(4);
  });

  it.each(definitions.map((m) => [m.logicalId, m.definition]))(
    'state machine %s passes asl-validator',
    (_id, definition) => {
      const result = validateAsl(structuredClone(definition));
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
    },
  );
});

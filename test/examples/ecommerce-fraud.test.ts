import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Template } from 'aws-cdk-lib/assertions';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { resolveStateMachines } from '../../lib/runtime/cfn-resolve';
import { normalizedTemplate, testApp } from '../helpers';

// asl-validator mutates its input: always pass a copy.
const validateAsl = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const stack = new EcommerceFraudStack(testApp(), 'EcommerceFraud', {
  queryLanguage: sfn.QueryLanguage.JSON_PATH,
});
const template = Template.fromStack(stack);
const machines = resolveStateMachines(template.toJSON());
const statesOf = (prefix: string) =>
  machines.find((m) => m.logicalId.startsWith(prefix))!.definition.States as Record<string, any>;

describe('e-commerce fraud example', () => {
  it('matches the snapshot', () => {
    expect(normalizedTemplate(stack)).toMatchSnapshot();
  });

  it('has one state machine per context', () => {
    expect(machines.map((m) => m.logicalId.replace(/Workflow.*$/, '')).sort()).toEqual([
      'Customers',
      'Delivery',
      'FraudDetection',
      'Inventory',
      'Orders',
      'Payments',
    ]);
  });

  it('refunds the charge when fraud is suspected, then declines the payment and succeeds', () => {
    const payments = statesOf('Payments');
    expect(payments.FraudSuspected.Next).toBe('Compensate ChargePayment (FraudSuspected)');
    expect(payments['Compensate ChargePayment (FraudSuspected)'].Next).toBe(
      'Publish PaymentRefunded (Compensate ChargePayment (FraudSuspected))',
    );
    expect(
      payments['Publish PaymentRefunded (Compensate ChargePayment (FraudSuspected))'].Next,
    ).toBe('Fraud refunded');
    expect(payments['Fraud refunded'].Next).toBe('Publish WorkflowSucceeded');
  });

  it('declines a card without a refund and succeeds: nothing was charged', () => {
    const payments = statesOf('Payments');
    expect(payments.ChargePayment.Catch[0]).toEqual({
      ErrorEquals: ['PaymentDeclined'],
      ResultPath: '$.error',
      Next: 'Card declined',
    });
    expect(payments['Card declined'].Next).toBe('Publish WorkflowSucceeded');
  });

  it('refunds the charge when no verdict comes in time, then reports PaymentFailed and fails', () => {
    const payments = statesOf('Payments');
    expect(payments['AwaitFraudCheck timed out'].Next).toBe('Compensate ChargePayment');
    expect(payments['Publish PaymentRefunded'].Next).toBe('Publish PaymentFailed');
    expect(payments['Publish PaymentFailed'].Next).toBe('Publish WorkflowFailed');
    // Nothing was charged when the charge itself fails: straight to PaymentFailed.
    expect(payments['Publish TaskFailed (ChargePayment)'].Next).toBe('Publish PaymentFailed');
  });

  it('releases the stock when the payment is declined or fails, then reports ReservationFailed', () => {
    const inventory = statesOf('Inventory');
    expect(inventory.PaymentNotMade.Next).toBe('Compensate ReserveStock (PaymentNotMade)');
    expect(inventory['Compensate ReserveStock (PaymentNotMade)'].Next).toBe(
      'Publish StockReleased (Compensate ReserveStock (PaymentNotMade))',
    );
    expect(inventory['Publish StockReleased (Compensate ReserveStock (PaymentNotMade))'].Next).toBe(
      'Stock released',
    );
    expect(inventory['Stock released'].Next).toBe('Publish WorkflowSucceeded');
  });

  it('ships only after an explicit NoFraudDetected', () => {
    const choices = statesOf('Delivery')['AwaitFraudClearance: which event?'].Choices;
    const next = (event: string) => choices.find((c: any) => c.And[1].StringEquals === event).Next;
    expect(next('NoFraudDetected')).toBe('ShipOrder');
    expect(next('PossibleFraud')).toBe('CancelShipment');
  });

  it('lets fraud detection join by events only: two subscriptions, no change to the others', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((p) => p.Targets?.[0]?.Arn?.Ref?.startsWith('FraudDetectionWorkflow'));
    expect(rules.map((p) => p.EventPattern['detail-type'][0]).sort()).toEqual([
      'CustomerRegistered',
      'OrderPlaced',
    ]);
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

describe('e-commerce example, JSONata layout (the default)', () => {
  const jsonataStack = new EcommerceFraudStack(testApp(), 'EcommerceFraud');
  const definitions = resolveStateMachines(Template.fromStack(jsonataStack).toJSON());

  it('matches the snapshot', () => {
    expect(normalizedTemplate(jsonataStack)).toMatchSnapshot();
  });

  it('starts with the first task where it can carry WorkflowStarted, else with its publish', () => {
    expect(
      definitions.map((m) => [m.logicalId.replace(/Workflow.*/, ''), m.definition.StartAt]),
    ).toEqual([
      ['Customers', 'RegisterCustomer'],
      ['Orders', 'PlaceOrder'],
      // AssessRisk emits nothing: a first state publishes WorkflowStarted.
      ['FraudDetection', 'Publish WorkflowStarted'],
      // Their error routes go to emits, which publish WorkflowStarted too.
      ['Inventory', 'ReserveStock'],
      ['Payments', 'ChargePayment'],
      ['Delivery', 'PrepareShipment'],
    ]);
    expect(definitions.every((m) => m.definition.QueryLanguage === 'JSONata')).toBe(true);
  });
});

import * as fs from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EcommerceFraudStack } from '../../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../../examples/food-delivery/food-delivery-stack';
import { testApp } from '../helpers';

type Example = [string, (app: App) => Stack];
const EXAMPLES: Example[] = [
  ['food delivery', (app) => new FoodDeliveryStack(app, 'FoodDelivery')],
  ['e-commerce fraud', (app) => new EcommerceFraudStack(app, 'EcommerceFraud')],
];

/**
 * Synthesize with cdk-nag's AwsSolutions and Serverless packs as validation
 * plugins (cdk-nag v3) and list the findings nobody acknowledged.
 */
function unacknowledgedFindings(build: (app: App) => Stack): string[] {
  const app = testApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  build(app);
  try {
    app.synth();
    return [];
  } catch (error) {
    const report = /found in: (\S+validation-report\.json)/.exec((error as Error).message)?.[1];
    if (!report) throw error;
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as {
      pluginReports: {
        violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
      }[];
    };
    return json.pluginReports.flatMap((p) =>
      p.violations.flatMap((v) =>
        v.violatingConstructs.map((r) => `${v.ruleName} ${r.constructPath}`),
      ),
    );
  }
}

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  let consoleError: jest.SpyInstance;
  beforeEach(() => {
    // CDK prints the validation report; the assertions below say what matters.
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => consoleError.mockRestore());

  it.each(EXAMPLES)('finds nothing unacknowledged in the %s example', (_name, build) => {
    expect(unacknowledgedFindings(build)).toEqual([]);
  });

  it('fails when a finding is not acknowledged (the check is live)', () => {
    const findings = unacknowledgedFindings((app) => {
      const stack = new Stack(app, 'Unsafe');
      new sqs.Queue(stack, 'PlainQueue');
      return stack;
    });
    expect(findings).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS4 Unsafe/PlainQueue/Resource']),
    );
  });
});

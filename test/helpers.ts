import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DomainEventBus } from '../lib';

const featureFlags = (require('../cdk.json') as { context: Record<string, unknown> }).context;

/** An app with the repo's feature flags; bundling skipped unless asked for. */
export function testApp(options: { bundle?: boolean } = {}): App {
  return new App({
    context: { ...featureFlags, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
}

/** A stack with a domain event bus for app `test`. */
export function testStack(options: { bundle?: boolean } = {}): {
  app: App;
  stack: Stack;
  bus: DomainEventBus;
} {
  const app = testApp(options);
  const stack = new Stack(app, 'Test');
  const bus = new DomainEventBus(stack, 'Bus', { appName: 'test' });
  return { app, stack, bus };
}

/** Path of a fixture handler under test/fixtures/handlers. */
export function fixtureHandler(name = 'echo.ts'): string {
  return path.join(__dirname, 'fixtures', 'handlers', name);
}

/** Replace asset hashes so that a handler change does not churn snapshots. */
export function normalizedTemplate(stack: Stack): unknown {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(
    json.replace(
      /[0-9a-f]{64}(\.zip)?/g,
      (_m, zip: string | undefined) => `[ASSET HASH]${zip ?? ''}`,
    ),
  );
}

/** Every resource of `type` in the stack's template, by logical id. */
export function resourcesOf(
  stack: Stack,
  type: string,
): Record<string, { Properties: Record<string, any> }> {
  return Template.fromStack(stack).findResources(type) as Record<
    string,
    { Properties: Record<string, any> }
  >;
}

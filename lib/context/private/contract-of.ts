import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invalidValueMessage } from '../../checks/validation-error';
import { ContextContract } from '../../events/contract';
import { DomainEvent } from '../../events/domain-event';
import { JsonSchema } from '../../events/event-schema';
import { fieldSchema } from '../../events/schema-checks';
import { Subscription } from '../../routing/subscription';
import { expr, isJsonata, withError } from '../../workflow/jsonata';

/** What the contract of a context is made of. */
export interface ContractSource {
  readonly contextName: string;
  readonly source: string;
  readonly events: DomainEvent[];
  readonly subscriptions: readonly Subscription[];
  readonly subscribedEvents: DomainEvent[];
  publishedEventNames(): Set<string>;
}

/** The contract of a context, as its state machine's metadata carries it. */
export function contextContract(
  context: ContractSource,
  declared: readonly string[],
  awaits: ContextContract['awaits'],
): ContextContract {
  const byName = new Map(context.events.map((e) => [e.name, e]));
  return {
    contextName: context.contextName,
    source: context.source,
    events: declared.map((name) => {
      const dataSchema = byName.get(name)?.dataSchema;
      return { name, ...(dataSchema && { dataSchema }) };
    }),
    publishes: [...context.publishedEventNames()].sort(),
    subscribes: context.subscriptions.map((s) => ({
      source: s.event.source,
      event: s.event.name,
      ...(s.filter && { filter: s.filter }),
    })),
    awaits,
  };
}

/**
 * Each await's `correlateBy` must be in the workflow's data: in the schema of
 * an event that starts the workflow or that the context publishes, when any
 * of them has a schema.
 */
export function correlationDataErrors(
  context: ContractSource,
  awaits: ContextContract['awaits'],
): string[] {
  const schemas = [...context.subscribedEvents, ...context.events]
    .map((e) => e.dataSchema)
    .filter((s): s is JsonSchema => s !== undefined);
  if (schemas.length === 0) return [];
  return awaits
    .filter((a) => !schemas.some((s) => fieldSchema(s, a.correlateBy.split('.'))))
    .map((a) =>
      invalidValueMessage(
        'correlateBy',
        a.correlateBy,
        `await ${a.name} correlates by a field that no schema of the ${context.contextName} workflow's data has (the events that start it and the events it publishes): the wait could never be matched. Add '${a.correlateBy}' to the schema of the event whose data the workflow carries, or correlate by a field it has.`,
      ),
    );
}

/** The Pass state of a fail() or compensate(): it records the business reason at `$.error`. */
export function reasonState(
  scope: Construct,
  id: string,
  stateName: string,
  options: { readonly error: string; readonly cause: string },
  queryLanguage?: sfn.QueryLanguage,
): sfn.Pass {
  if (isJsonata(queryLanguage)) {
    return sfn.Pass.jsonata(scope, id, {
      stateName,
      outputs: expr(withError(options.error, options.cause)),
    });
  }
  return new sfn.Pass(scope, id, {
    stateName,
    parameters: { Error: options.error, Cause: options.cause },
    resultPath: '$.error',
  });
}

import { JsonSchema } from './event-schema';

/**
 * The key of the CloudFormation `Metadata` entry that a context writes on its
 * state machine: its contract, so that tools read it from `cdk.out` alone.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-metadata.html
 */
export const CONTRACT_METADATA_KEY = 'cdk-ensemble:contract';

/** An event of another context, as a subscription or an await names it. */
export interface EventReference {
  /** The EventBridge `source` (`food.restaurants`). */
  readonly source: string;
  /** The event name (`OrderAccepted`). */
  readonly event: string;
}

/** One event a context declares, with the JSON Schema (Draft 4) of its `data` if it has one. */
export interface EventContract {
  readonly name: string;
  /** @default - the event was declared by name only: its data is not described */
  readonly dataSchema?: JsonSchema;
}

/**
 * What a bounded context promises and expects: the events it declares and
 * publishes, the events it subscribes to and the ones it awaits. Written on
 * its state machine in the template; read by the local runtime, the docs and
 * the contracts commands.
 */
export interface ContextContract {
  /** The context name (`orders`). */
  readonly contextName: string;
  /** The `source` of its events (`food.orders`). */
  readonly source: string;
  /** Its declared events (lifecycle events excluded), with their schemas. */
  readonly events: readonly EventContract[];
  /** The names of the events a state of its workflow (or a handler) publishes. */
  readonly publishes: readonly string[];
  /** The events that start its workflow, with their content filters. */
  readonly subscribes: readonly (EventReference & { readonly filter?: Record<string, unknown> })[];
  /** Its awaits: the state, the events that end it and the correlation field. */
  readonly awaits: readonly {
    readonly name: string;
    readonly events: readonly EventReference[];
    readonly correlateBy: string;
  }[];
}

/** The contracts of every context found in a set of CloudFormation templates. */
export function contractsOfTemplates(
  templates: readonly { Resources?: Record<string, { Metadata?: Record<string, unknown> }> }[],
): ContextContract[] {
  const contracts: ContextContract[] = [];
  for (const template of templates) {
    for (const resource of Object.values(template.Resources ?? {})) {
      const contract = resource.Metadata?.[CONTRACT_METADATA_KEY];
      if (contract) contracts.push(contract as ContextContract);
    }
  }
  return contracts.sort((a, b) => a.source.localeCompare(b.source));
}

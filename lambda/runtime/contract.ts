import { JsonSchema, SchemaIssue, schemaIssues } from './json-schema';

/**
 * Thrown when the data a task is about to emit breaks the schema of its
 * event: the task fails (it is not retried) and nothing is published.
 * The message lists the schema's issues; `issues` holds them too.
 */
export class ContractViolation extends Error {
  constructor(
    /** The event whose schema the data breaks. */
    public readonly event: string,
    /** Where and how the data breaks it. */
    public readonly issues: readonly SchemaIssue[],
  ) {
    super(
      `the data of ${event} breaks its schema: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      { cause: issues },
    );
    this.name = 'ContractViolation';
  }
}

/** The contract the library put in a handler's environment: `{ event, schema }`. */
interface HandlerContract {
  readonly event: string;
  readonly schema: JsonSchema;
}

const parsed = new Map<string, HandlerContract>();

/**
 * The contract of this function's task (`ENSEMBLE_CONTRACT`), parsed once per
 * container; undefined when its event was declared without a schema.
 */
export function handlerContract(): HandlerContract | undefined {
  const raw = process.env.ENSEMBLE_CONTRACT;
  if (!raw) return undefined;
  let contract = parsed.get(raw);
  if (!contract) {
    contract = JSON.parse(raw) as HandlerContract;
    parsed.set(raw, contract);
  }
  return contract;
}

/**
 * Check `data` against the schema of `eventName` when this function's
 * contract describes that event.
 *
 * @throws ContractViolation when the data breaks the schema
 */
export function checkContract(eventName: string | undefined, data: unknown): void {
  const contract = handlerContract();
  if (!contract || (eventName !== undefined && contract.event !== eventName)) return;
  const issues = schemaIssues(contract.schema, data);
  if (issues.length > 0) throw new ContractViolation(contract.event, issues);
}

/**
 * The shape of a schema of the Standard Schema interface, which Zod 4
 * implements: it lets the handler runtime type data by a Zod schema without
 * importing Zod.
 * @see https://standardschema.dev
 */
export interface StandardSchemaLike<Output = unknown> {
  readonly '~standard': { readonly types?: { readonly output: Output } | undefined };
}

/**
 * The type of an event's data, from the events a context declares:
 * `EventData<typeof orderEvents, 'OrderPlaced'>`.
 */
export type EventData<Events, Name extends keyof Events> =
  Events[Name] extends StandardSchemaLike<infer Output> ? Output : unknown;

/**
 * What an await leaves at `data.awaited`: one of the awaited events (its name,
 * source, id and data), or the timeout's error.
 */
export type AwaitedEvent<Events, Names extends keyof Events & string> =
  | {
      [N in Names]: {
        readonly event: N;
        readonly source: string;
        readonly eventId: string;
        readonly data: EventData<Events, N>;
      };
    }[Names]
  | { readonly Error: string; readonly Cause?: string };

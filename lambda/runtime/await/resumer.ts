import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '../logger';
import { AwaitBroker, awaitKey, AwaitOutput, Outcome } from './broker';
import { AwaitConfig, fieldAt, parseAwaitConfigs, pickFields } from './config';
import { DynamoDbAwaitStore } from './dynamodb-store';
import { SfnResumer } from './sfn-resumer';

/** What a workflow's await state sends when it starts waiting. */
export interface RegisterRequest {
  readonly token: string;
  readonly await: string;
  /** The workflow's data, which holds the correlation value at the await's `correlateBy` path. */
  readonly data: unknown;
  readonly executionArn: string;
  readonly metadata?: { readonly correlationId?: string };
  /**
   * When the await times out (ISO 8601), and when its waiter record may be
   * forgotten (epoch seconds): computed by a JSONata workflow from its clock.
   * A JSONPath workflow has no clock: the resumer computes the expiry.
   */
  readonly deadline?: string;
  readonly expiresAt?: number;
}

type DomainEventBridgeEvent = EventBridgeEvent<
  string,
  { metadata?: { eventId?: string; correlationId?: string }; data?: unknown }
>;

/**
 * Thrown when an await state has no correlation value to wait on. Its name is
 * the error the workflow's await state fails with, and the saga catches it.
 */
export class CorrelationValueMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorrelationValueMissing';
  }
}

let broker: AwaitBroker | undefined;
let configs: AwaitConfig[] | undefined;

function setup(): { broker: AwaitBroker; configs: AwaitConfig[] } {
  configs ??= parseAwaitConfigs(process.env.ENSEMBLE_AWAITS);
  broker ??= new AwaitBroker(
    new DynamoDbAwaitStore(process.env.ENSEMBLE_AWAIT_TABLE!),
    new SfnResumer(),
    {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
    },
  );
  return { broker, configs };
}

/**
 * The generic resumer of a bounded context's awaits.
 *
 * Invoked two ways: by the workflow's await state (`.waitForTaskToken`) to
 * register a waiter, and by EventBridge rules with the awaited events. The
 * other context only publishes its ordinary domain event; it knows nothing of
 * task tokens.
 */
export async function handler(
  input: RegisterRequest | DomainEventBridgeEvent,
): Promise<{ outcomes: Outcome[] }> {
  const { broker: b, configs: c } = setup();
  try {
    if ('token' in input) return { outcomes: [await register(b, c, input)] };
    return { outcomes: await deliver(b, c, input) };
  } finally {
    logger.resetKeys();
  }
}

async function register(
  b: AwaitBroker,
  c: AwaitConfig[],
  request: RegisterRequest,
): Promise<Outcome> {
  if (request.metadata?.correlationId) logger.setCorrelationId(request.metadata.correlationId);
  const config = c.find((a) => a.name === request.await);
  if (!config) throw new Error(`no await named '${request.await}' is configured for this context`);
  const value = fieldAt(request.data, config.correlateBy);
  if ((typeof value !== 'string' || value === '') && typeof value !== 'number') {
    throw new CorrelationValueMissingError(
      `await '${request.await}' correlates by data.${config.correlateBy}, which must hold a non-empty string or a number; it holds ${value === undefined ? 'nothing' : JSON.stringify(value)}. Put the field in the workflow's data before the await, or correlate by a field it holds.`,
    );
  }
  const key = awaitKey(config.name, String(value));
  if (request.deadline)
    logger.info('await deadline', { await: config.name, deadline: request.deadline });
  // Remember the waiter a little longer than it can wait; after that a new execution may take the key.
  return b.register(
    {
      key,
      token: request.token,
      executionArn: request.executionArn,
      correlationId: request.metadata?.correlationId,
    },
    config.timeoutSeconds + 60,
    Number.isFinite(request.expiresAt) ? request.expiresAt : undefined,
  );
}

async function deliver(
  b: AwaitBroker,
  c: AwaitConfig[],
  event: DomainEventBridgeEvent,
): Promise<Outcome[]> {
  if (event.detail?.metadata?.correlationId)
    logger.setCorrelationId(event.detail.metadata.correlationId);
  const matching = c.filter((a) =>
    a.events.some((e) => e.source === event.source && e.detailType === event['detail-type']),
  );
  const outcomes: Outcome[] = [];
  for (const config of matching) {
    const value = fieldAt(event.detail?.data, config.correlateBy);
    if (typeof value !== 'string' && typeof value !== 'number') {
      logger.warn('event has no correlation value; dropped (it stays in the bus archive)', {
        await: config.name,
        field: config.correlateBy,
      });
      continue;
    }
    const output = awaitOutput(config, event);
    outcomes.push(
      await b.deliver(
        awaitKey(config.name, String(value)),
        output,
        config.timeoutSeconds,
        event.detail?.metadata?.correlationId,
      ),
    );
  }
  if (matching.length === 0)
    logger.warn('event matches no await of this context', {
      source: event.source,
      detailType: event['detail-type'],
    });
  return outcomes;
}

/**
 * What the waiting workflow receives: the event's identity (`event`, `source`,
 * `eventId`) and its data, or the fields of its data the await keeps. Its
 * metadata only when the await asks for it: the publisher's envelope would
 * otherwise be re-published inside every event of this workflow.
 */
export function awaitOutput(config: AwaitConfig, event: DomainEventBridgeEvent): AwaitOutput {
  const data = event.detail?.data;
  return {
    event: event['detail-type'],
    source: event.source,
    eventId: event.detail?.metadata?.eventId ?? event.id,
    data: config.keep?.data ? pickFields(data, config.keep.data) : data,
    ...(config.keep?.metadata ? { metadata: event.detail?.metadata } : {}),
  };
}

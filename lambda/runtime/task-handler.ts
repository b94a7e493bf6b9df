import type { Context } from 'aws-lambda';
import { checkContract } from './contract';
import { parseTaskPayload, TaskPayload, Trigger } from './envelope';
import { logger } from './logger';
import { publishTaskEvent } from './publisher';

/**
 * What a task's business function receives besides its data. `T` names the
 * events that may start the execution (the context's subscriptions), which
 * types `trigger.detailType`.
 */
export interface TaskContext<T extends string = string> {
  /** The id of the business flow, carried across every workflow and event of it. */
  readonly correlationId: string;
  /** The task's state name (`PlaceOrder`). */
  readonly task: string;
  /**
   * The event that started this execution (`source`, `detailType`, `eventId`),
   * so that a context subscribed to two events knows which one it handles.
   * Absent when the execution was started directly.
   */
  readonly trigger?: Trigger & { readonly detailType: T };
  /** The whole request, as the workflow sent it. */
  readonly payload: TaskPayload<unknown>;
  /** Lambda's context object; absent when the handler is called outside Lambda (a unit test). */
  readonly lambdaContext?: Context;
}

/** A Lambda handler for a workflow task. */
export type TaskHandler<In, Out> = (event: TaskPayload<In>, context?: Context) => Promise<Out>;

/**
 * Wrap a business function as a task handler.
 *
 * Checks the payload, puts the correlation id and task name on every log line
 * of the shared logger, calls `fn` with the task's `data`, and returns its
 * result, which becomes the workflow's new `data` and the published event's
 * payload. When the event has a schema, the result is checked against it
 * first: data that breaks it fails the task with `ContractViolation` and
 * nothing is published. For a task with `publishFrom: 'handler'` the handler
 * publishes that event itself before returning. Errors are logged and rethrown: the workflow decides whether to
 * retry (by error name) or to fail.
 */
export function taskHandler<In, Out, T extends string = string>(
  fn: (data: In, ctx: TaskContext<T>) => Promise<Out> | Out,
): TaskHandler<In, Out> {
  return async (event, lambdaContext) => {
    const payload = parseTaskPayload<In>(event);
    // Read before any await: the configuration belongs to this invocation.
    const emits = process.env.ENSEMBLE_EMITS;
    if (lambdaContext) logger.addContext(lambdaContext);
    logger.setCorrelationId(payload.metadata.correlationId);
    logger.appendKeys({ task: payload.task, causationId: payload.metadata.causationId });
    try {
      const result = await fn(payload.data, {
        correlationId: payload.metadata.correlationId,
        task: payload.task,
        ...(payload.metadata.trigger && {
          trigger: payload.metadata.trigger as Trigger & { detailType: T },
        }),
        payload,
        ...(lambdaContext && { lambdaContext }),
      });
      // Before anything is published, by the handler or by the workflow after it.
      checkContract(undefined, result);
      if (emits) {
        const eventId = await publishTaskEvent(payload as TaskPayload<unknown>, result, emits);
        logger.info('task completed', { task: payload.task, event: emits, eventId });
      } else {
        logger.info('task completed', { task: payload.task });
      }
      return result;
    } catch (error) {
      logger.error('task failed', error as Error);
      throw error;
    } finally {
      logger.resetKeys();
    }
  };
}

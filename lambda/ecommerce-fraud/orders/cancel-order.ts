import { taskHandler } from '../../runtime';
import { AwaitedOutcome, cancellationReason, cancelOrder, Order } from './orders';

/** Orders ▸ CancelOrder: the reservation failed (payment declined or failed, stock sold out) or no outcome came in time. Emits OrderCancelled. */
export const handler = taskHandler(({ awaited, ...order }: Order & { awaited?: AwaitedOutcome }) =>
  cancelOrder(order, cancellationReason(awaited)),
);

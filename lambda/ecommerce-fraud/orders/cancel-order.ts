import { EventData, taskHandler } from '../../runtime';
import type { OrdersEvents } from '../events';
import { AwaitedOutcome, cancellationReason, cancelOrder, Order } from './orders';

/** Orders ▸ CancelOrder: the reservation failed (payment declined or failed, stock sold out) or no outcome came in time. Emits OrderCancelled. */
export const handler = taskHandler<
  Order & { awaited?: AwaitedOutcome },
  EventData<OrdersEvents, 'OrderCancelled'>
>(({ awaited, ...order }) => {
  const reason = cancellationReason(awaited);
  return { ...cancelOrder(order, reason), reason };
});

import { EventData, taskHandler } from '../../runtime';
import type { OrdersEvents } from '../events';
import { AwaitedOutcome, completeOrder, Order } from './orders';

/** Orders ▸ CompleteOrder: the order shipped; it is complete. Emits OrderCompleted. */
export const handler = taskHandler<
  Order & { awaited?: AwaitedOutcome },
  EventData<OrdersEvents, 'OrderCompleted'>
>(({ awaited, ...order }: Order & { awaited?: AwaitedOutcome }) =>
  completeOrder(order, awaited?.data?.trackingNumber),
);

import { taskHandler } from '../../runtime';
import { AwaitedOutcome, completeOrder, Order } from './orders';

/** Orders ▸ CompleteOrder: the order shipped; it is complete. Emits OrderCompleted. */
export const handler = taskHandler(({ awaited, ...order }: Order & { awaited?: AwaitedOutcome }) =>
  completeOrder(order, awaited?.data?.trackingNumber),
);

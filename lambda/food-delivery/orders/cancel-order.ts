import { taskHandler } from '../../runtime';
import { cancelOrder, Order } from './orders';

/** What the Orders workflow's await left in the order's data. */
type Awaited = { event?: string; data?: { reason?: string }; Error?: string };

/** Orders ▸ CancelOrder: the restaurant rejected the order or never answered. Emits OrderCancelled. */
export const handler = taskHandler((order: Order & { awaited?: Awaited }) => {
  const { awaited, ...rest } = order;
  const reason =
    awaited?.Error === 'States.Timeout'
      ? 'the restaurant did not answer in time'
      : (awaited?.data?.reason ?? 'rejected by the restaurant');
  return cancelOrder(rest, reason);
});

import { taskHandler } from '../../runtime';
import { completeOrder, Order } from './orders';

/** Orders ▸ CompleteOrder: the restaurant accepted; the order goes ahead. Emits OrderCompleted. */
export const handler = taskHandler(
  ({ awaited, ...order }: Order & { awaited?: { data?: { etaMinutes?: number } } }) => ({
    ...completeOrder(order),
    etaMinutes: awaited?.data?.etaMinutes,
  }),
);

import { AwaitedEvent, EventData, taskHandler } from '../../runtime';
import type { OrdersEvents, RestaurantsEvents } from '../events';
import { completeOrder, Order } from './orders';

/** Orders ▸ CompleteOrder: the restaurant accepted; the order goes ahead. Emits OrderCompleted. */
export const handler = taskHandler(
  ({
    awaited,
    ...order
  }: Order & {
    awaited?: AwaitedEvent<RestaurantsEvents, 'OrderAccepted'>;
  }): EventData<OrdersEvents, 'OrderCompleted'> => ({
    ...completeOrder(order),
    status: 'COMPLETED',
    etaMinutes: awaited && 'data' in awaited ? awaited.data.etaMinutes : undefined,
  }),
);

import { AwaitedEvent, EventData, taskHandler } from '../../runtime';
import type { OrdersEvents, RestaurantsEvents } from '../events';
import { cancelOrder, Order } from './orders';

/** Orders ▸ CancelOrder: the restaurant rejected the order or never answered. Emits OrderCancelled. */
export const handler = taskHandler(
  (
    order: Order & { awaited?: AwaitedEvent<RestaurantsEvents, 'OrderRejected'> },
  ): EventData<OrdersEvents, 'OrderCancelled'> => {
    const { awaited, ...rest } = order;
    const reason =
      awaited && 'Error' in awaited
        ? awaited.Error === 'States.Timeout'
          ? 'the restaurant did not answer in time'
          : awaited.Error
        : (awaited?.data.reason ?? 'rejected by the restaurant');
    return { ...cancelOrder(rest, reason), status: 'CANCELLED', reason };
  },
);

import { EventData, logger, taskHandler } from '../../runtime';
import type { RestaurantsEvents } from '../events';
import { IncomingOrder } from './restaurants';

/** Restaurants ▸ NotifyRestaurant: sends the order to the restaurant's app. Emits RestaurantNotified. */
export const handler = taskHandler(
  (order: IncomingOrder): EventData<RestaurantsEvents, 'RestaurantNotified'> => {
    logger.info('order sent to restaurant', {
      orderId: order.orderId,
      restaurantId: order.restaurantId,
    });
    return order;
  },
);

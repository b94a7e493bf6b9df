import { logger, taskHandler } from '../../runtime';
import { IncomingOrder } from './restaurants';

/** Restaurants ▸ NotifyRestaurant: sends the order to the restaurant's app. Emits RestaurantNotified. */
export const handler = taskHandler((order: IncomingOrder) => {
  logger.info('order sent to restaurant', {
    orderId: order.orderId,
    restaurantId: order.restaurantId,
  });
  return order;
});

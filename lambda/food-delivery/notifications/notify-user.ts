import { logger, taskHandler } from '../../runtime';
import { notificationFor } from './notifications';

/** Notifications ▸ NotifyUser: tells the customer what happened to the order. Emits UserNotified. */
export const handler = taskHandler(
  (order: { orderId: string; status?: string; reason?: string }) => {
    const notification = notificationFor(order);
    logger.info('customer notified', { ...notification });
    return notification;
  },
);

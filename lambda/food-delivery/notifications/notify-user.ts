import { EventData, logger, TaskContext, taskHandler } from '../../runtime';
import type { NotificationsEvents } from '../events';
import { notificationFor } from './notifications';

/** Notifications ▸ NotifyUser: tells the customer what happened to the order. Emits UserNotified. */
export const handler = taskHandler(
  (
    order: { orderId: string; status?: string; reason?: string },
    // The events that start Notifications: trigger.detailType is one of them.
    ctx: TaskContext<'OrderAccepted' | 'OrderCancelled'>,
  ): EventData<NotificationsEvents, 'UserNotified'> => {
    const notification = notificationFor(order);
    logger.info('customer notified', { ...notification, trigger: ctx.trigger?.detailType });
    return notification;
  },
);

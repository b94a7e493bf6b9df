import { type EventData, logger, type TaskContext, taskHandler } from 'cdk-ensemble/lambda/runtime';
import type { KitchenEvents } from './events';
import type { PlacedOrder } from './shop';

/** Cooks the meals of a placed order; says which event asked for it. */
export const handler = taskHandler(
  (order: PlacedOrder, ctx: TaskContext<'OrderPlaced'>): EventData<KitchenEvents, 'MealCooked'> => {
    logger.info('cooking', { orderId: order.orderId, meals: order.meals });
    return {
      orderId: order.orderId,
      cooked: order.meals,
      cookedFor: ctx.trigger?.detailType ?? 'a direct start',
    };
  },
);

import { logger, taskHandler } from 'cdk-ensemble/lambda/runtime';
import type { PlacedOrder } from './shop';

/** Cooks the meals of a placed order; says which event asked for it. */
export const handler = taskHandler((order: PlacedOrder, ctx) => {
  logger.info('cooking', { orderId: order.orderId, meals: order.meals });
  return {
    orderId: order.orderId,
    cooked: order.meals,
    cookedFor: ctx.trigger?.detailType ?? 'a direct start',
  };
});

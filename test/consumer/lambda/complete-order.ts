import { taskHandler } from 'cdk-ensemble/lambda/runtime';

/** The order, once the awaited `MealCooked` is in `data.awaited`. */
interface CookedOrder {
  readonly orderId: string;
  readonly awaited: { readonly data: { readonly cooked: number } };
}

export const handler = taskHandler((order: CookedOrder) => ({
  orderId: order.orderId,
  meals: order.awaited.data.cooked,
  status: 'completed',
}));

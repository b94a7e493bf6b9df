import { z } from 'zod';

/** The kitchen's published language: the schema of each event's data. */
export const kitchenEvents = {
  MealCooked: z.object({
    orderId: z.string(),
    cooked: z.number().int().nonnegative(),
    cookedFor: z.string(),
  }),
};

export type KitchenEvents = typeof kitchenEvents;

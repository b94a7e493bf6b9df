import { taskHandler } from '../../runtime';
import { completeOrder, Order } from './orders';

/** Orders ▸ CompleteOrder: the food was delivered. Emits OrderCompleted. */
export const handler = taskHandler((order: Order) => completeOrder(order));

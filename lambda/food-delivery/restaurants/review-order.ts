import { taskHandler } from '../../runtime';
import { IncomingOrder, reviewOrder } from './restaurants';

/** Restaurants ▸ ReviewOrder: the kitchen accepts or rejects the order (or does not answer). */
export const handler = taskHandler((order: IncomingOrder) => ({ ...order, ...reviewOrder(order) }));

import { randomUUID } from 'node:crypto';
import { taskHandler } from '../../runtime';
import { OrderRequest, placeOrder } from './orders';

/** Orders ▸ PlaceOrder: validates and prices the customer's order. Emits OrderPlaced. */
export const handler = taskHandler((request: OrderRequest) => placeOrder(request, randomUUID));

import { randomUUID } from 'node:crypto';
import { EventData, taskHandler } from '../../runtime';
import type { OrdersEvents } from '../events';
import { OrderRequest, placeOrder } from './orders';

/** Orders ▸ PlaceOrder: validates and prices the customer's order. Emits OrderPlaced. */
export const handler = taskHandler<OrderRequest, EventData<OrdersEvents, 'OrderPlaced'>>(
  (request: OrderRequest) => placeOrder(request, randomUUID),
);

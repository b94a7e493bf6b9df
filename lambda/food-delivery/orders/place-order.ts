import { randomUUID } from 'node:crypto';
import { EventData, taskHandler } from '../../runtime';
import type { OrdersEvents } from '../events';
import { placeOrder, OrderRequest } from './orders';

/** Orders ▸ PlaceOrder: validates and prices the customer's order. Emits OrderPlaced. */
export const handler = taskHandler(
  (request: OrderRequest): EventData<OrdersEvents, 'OrderPlaced'> => ({
    ...placeOrder(request, randomUUID),
    status: 'PLACED',
  }),
);

import { EventData, taskHandler } from '../../runtime';
import type { InventoryEvents } from '../events';
import { reserveStock, StockRequest } from './inventory';

/** Inventory ▸ ReserveStock: reserves the order's items, or fails with OutOfStock. Emits StockReserved. */
export const handler = taskHandler<StockRequest, EventData<InventoryEvents, 'StockReserved'>>(
  (order: StockRequest) => reserveStock(order),
);

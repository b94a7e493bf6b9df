import { taskHandler } from '../../runtime';
import { reserveStock, StockRequest } from './inventory';

/** Inventory ▸ ReserveStock: reserves the order's items, or fails with OutOfStock. Emits StockReserved. */
export const handler = taskHandler((order: StockRequest) => reserveStock(order));

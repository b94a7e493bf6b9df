/** Business rules of the Inventory context: pure functions, no AWS. */

export interface StockRequest {
  readonly orderId: string;
  readonly items: { readonly sku: string; readonly quantity: number }[];
}

export interface StockRelease {
  readonly orderId: string;
  readonly reservationId: string;
  readonly released: true;
}

/** The example's sku that is never in stock. */
export const SOLD_OUT_SKU = 'SOLD-OUT';

/** An item that is not in stock: not worth a retry. */
export class OutOfStockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutOfStock';
  }
}

/** The reservation id of an order: derived from the orderId, so flows are reproducible. */
export function reservationIdFor(orderId: string): string {
  return `res-${orderId}`;
}

/** Reserve the order's items, or fail with OutOfStock naming the missing skus. */
export function reserveStock<T extends StockRequest>(order: T): T & { reservationId: string } {
  const missing = (order.items ?? []).filter((i) => i.sku === SOLD_OUT_SKU).map((i) => i.sku);
  if (missing.length > 0) {
    throw new OutOfStockError(`out of stock: ${missing.join(', ')}`);
  }
  return { ...order, reservationId: reservationIdFor(order.orderId) };
}

/** Undo a reservation (compensation): the released reservation. */
export function releaseStock(reservation: {
  orderId: string;
  reservationId?: string;
}): StockRelease {
  return {
    orderId: reservation.orderId,
    reservationId: reservation.reservationId ?? reservationIdFor(reservation.orderId),
    released: true,
  };
}

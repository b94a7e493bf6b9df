/** Business rules of the Orders context: pure functions, no AWS. */

export interface OrderItem {
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export interface OrderRequest {
  readonly orderId?: string;
  readonly customerId: string;
  readonly restaurantId: string;
  readonly items: OrderItem[];
}

export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly restaurantId: string;
  readonly items: OrderItem[];
  readonly total: number;
  readonly status: 'PLACED' | 'COMPLETED' | 'CANCELLED';
  readonly reason?: string;
}

/** An order that can never be placed: not worth a retry. */
export class InvalidOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOrder';
  }
}

/** Check a request and price it. */
export function placeOrder(request: OrderRequest, newId: () => string): Order {
  if (!request.customerId) throw new InvalidOrderError('customerId is required');
  if (!request.restaurantId) throw new InvalidOrderError('restaurantId is required');
  if (!Array.isArray(request.items) || request.items.length === 0) {
    throw new InvalidOrderError('an order needs at least one item');
  }
  for (const item of request.items) {
    if (!(item.quantity > 0) || !(item.unitPrice >= 0)) {
      throw new InvalidOrderError(`item '${item.name}' needs a positive quantity and a price`);
    }
  }
  // Whole cents, so that 3 x 1.005 is priced as a customer would.
  const cents = request.items.reduce(
    (sum, i) => sum + Math.round(i.quantity * i.unitPrice * 100 + Number.EPSILON),
    0,
  );
  return {
    orderId: request.orderId || newId(),
    customerId: request.customerId,
    restaurantId: request.restaurantId,
    items: request.items,
    total: cents / 100,
    status: 'PLACED',
  };
}

/** Mark an order delivered. */
export function completeOrder(order: Order): Order {
  return { ...order, status: 'COMPLETED' };
}

/** Cancel an order, saying why. */
export function cancelOrder(order: Order, reason: string): Order {
  return { ...order, status: 'CANCELLED', reason };
}

/** An order of the shop. */
export interface Order {
  readonly orderId: string;
  readonly items: readonly { readonly name: string; readonly quantity: number }[];
}

/** A placed order: its total number of meals. */
export interface PlacedOrder extends Order {
  readonly meals: number;
}

/** Count the meals of an order; an order with none is refused. */
export function placeOrder(order: Order): PlacedOrder {
  const meals = order.items.reduce((n, item) => n + item.quantity, 0);
  if (meals === 0) throw new EmptyOrderError(order.orderId);
  return { ...order, meals };
}

/** Thrown for an order with no meal in it. */
export class EmptyOrderError extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} has no meal`);
    this.name = 'EmptyOrder';
  }
}

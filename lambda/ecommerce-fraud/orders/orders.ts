/** Business rules of the Orders context: pure functions, no AWS. */

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export interface OrderRequest {
  readonly orderId?: string;
  readonly customerId: string;
  readonly email: string;
  readonly items: OrderItem[];
  /** The payment card token; `'declined'` is a card the example's bank declines. */
  readonly card: string;
}

export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly email: string;
  readonly items: OrderItem[];
  readonly card: string;
  readonly total: number;
  readonly status: 'PLACED' | 'COMPLETED' | 'CANCELLED';
  readonly trackingNumber?: string;
  readonly reason?: string;
}

/**
 * What the Orders workflow's await left in the order's data: the event that
 * came (`OrderShipped` or `ReservationFailed`), or the timeout error.
 */
export interface AwaitedOutcome {
  readonly event?: string;
  readonly data?: {
    readonly reason?: string;
    readonly Cause?: string;
    readonly trackingNumber?: string;
    /** What the publisher awaited in its turn: the event whose reason it passes on. */
    readonly awaited?: AwaitedOutcome;
  };
  readonly Error?: string;
  readonly Cause?: string;
}

/** An order that can never be placed: not worth a retry. */
export class InvalidOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOrder';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Check a request and price it, with a new orderId only when it has none. */
export function placeOrder(request: OrderRequest, newId: () => string): Order {
  if (!request.customerId) throw new InvalidOrderError('customerId is required');
  if (typeof request.email !== 'string' || !EMAIL.test(request.email)) {
    throw new InvalidOrderError('a valid email is required');
  }
  if (typeof request.card !== 'string' || request.card === '') {
    throw new InvalidOrderError('card is required');
  }
  if (!Array.isArray(request.items) || request.items.length === 0) {
    throw new InvalidOrderError('an order needs at least one item');
  }
  for (const item of request.items) {
    if (typeof item?.sku !== 'string' || item.sku === '') {
      throw new InvalidOrderError('every item needs a sku');
    }
    if (!Number.isInteger(item.quantity) || item.quantity <= 0 || !(item.unitPrice >= 0)) {
      throw new InvalidOrderError(`item '${item.sku}' needs a positive whole quantity and a price`);
    }
  }
  // Whole cents, so that 3 x 0.1 is priced as a customer would.
  const cents = request.items.reduce(
    (sum, i) => sum + Math.round(i.quantity * i.unitPrice * 100 + Number.EPSILON),
    0,
  );
  return {
    orderId: request.orderId || newId(),
    customerId: request.customerId,
    email: request.email,
    items: request.items,
    card: request.card,
    total: cents / 100,
    status: 'PLACED',
  };
}

/** Mark an order completed (shipped), with its tracking number when known. */
export function completeOrder(order: Order, trackingNumber?: string): Order {
  return { ...order, status: 'COMPLETED', ...(trackingNumber ? { trackingNumber } : {}) };
}

/** Cancel an order, saying why. */
export function cancelOrder(order: Order, reason: string): Order {
  return { ...order, status: 'CANCELLED', reason };
}

/**
 * The readable part of a failure cause: the `errorMessage` of a Lambda error's
 * JSON cause, or the cause itself.
 */
export function describeCause(cause: string): string {
  try {
    const parsed: unknown = JSON.parse(cause);
    const message = (parsed as { errorMessage?: unknown } | null)?.errorMessage;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // Not JSON: a plain sentence such as a fail() state's cause.
  }
  return cause;
}

/**
 * Why the order is cancelled: the reason of the refusal that started it (a
 * declined payment, a suspected fraud), or no outcome in time.
 */
export function cancellationReason(awaited?: AwaitedOutcome): string {
  if (awaited?.Error === 'States.Timeout') return 'no outcome in time';
  // An outcome event carries its workflow's data plus its Error and Cause; when
  // that workflow itself answered an awaited refusal, the first refusal says why.
  let reason: string | undefined;
  for (let outcome = awaited; outcome?.data; outcome = outcome.data.awaited) {
    const said = outcome.data.Cause ?? outcome.data.reason;
    if (typeof said === 'string' && said !== '') reason = said;
  }
  return typeof reason === 'string' && reason !== '' ? describeCause(reason) : 'payment failed';
}

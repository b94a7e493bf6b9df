/** Business rules of the Payments context: pure functions, no AWS. */

export interface ChargeRequest {
  readonly orderId: string;
  readonly total: number;
  readonly card: string;
}

export interface Refund {
  readonly orderId: string;
  readonly chargeId: string;
  readonly refunded: number;
}

/** The example's card that the bank always declines. */
export const DECLINED_CARD = 'declined';

/** The bank declined the card: not worth a retry. */
export class PaymentDeclinedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentDeclined';
  }
}

/** The charge id of an order: derived from the orderId, so flows are reproducible. */
export function chargeIdFor(orderId: string): string {
  return `chg-${orderId}`;
}

/** Charge the order's total to its card, or fail with PaymentDeclined. */
export function chargePayment<T extends ChargeRequest>(
  order: T,
): T & { chargeId: string; amount: number } {
  if (order.card === DECLINED_CARD) {
    throw new PaymentDeclinedError(`card declined for order ${order.orderId}`);
  }
  return { ...order, chargeId: chargeIdFor(order.orderId), amount: order.total };
}

/** Undo a charge (compensation): the refund of the charged amount. */
export function refundPayment(charge: {
  orderId: string;
  chargeId?: string;
  amount: number;
}): Refund {
  return {
    orderId: charge.orderId,
    chargeId: charge.chargeId ?? chargeIdFor(charge.orderId),
    refunded: charge.amount,
  };
}

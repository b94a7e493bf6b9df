/** Business rules of the Promotions context: pure functions, no AWS. */

export interface Voucher {
  readonly voucherCode: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly percentOff: number;
}

/** One voucher per completed order: 10 % off, 15 % for orders of 50 or more. */
export function voucherFor(order: { orderId: string; customerId: string; total: number }): Voucher {
  return {
    voucherCode: `THANKS-${order.orderId.slice(0, 8).toUpperCase()}`,
    customerId: order.customerId,
    orderId: order.orderId,
    percentOff: order.total >= 50 ? 15 : 10,
  };
}

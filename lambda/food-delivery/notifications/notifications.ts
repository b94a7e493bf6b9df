/** Business rules of the Notifications context: pure functions, no AWS. */

export interface Notification {
  readonly orderId: string;
  readonly channel: 'push';
  readonly message: string;
}

/** The message a customer gets about their order. */
export function notificationFor(order: {
  orderId: string;
  status?: string;
  reason?: string;
  etaMinutes?: number;
}): Notification {
  const message =
    order.status === 'CANCELLED'
      ? `Sorry, your order ${order.orderId} was cancelled: ${order.reason ?? 'no reason given'}.`
      : `Your order ${order.orderId} was accepted${order.etaMinutes ? `, ready in about ${order.etaMinutes} minutes` : ''}.`;
  return { orderId: order.orderId, channel: 'push', message };
}

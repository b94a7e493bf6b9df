/** Business rules of the Restaurants context: pure functions, no AWS. */

export interface IncomingOrder {
  readonly orderId: string;
  readonly restaurantId: string;
  readonly items: { readonly name: string; readonly quantity: number }[];
}

/** What the restaurant decided about an order. */
export type Decision =
  | { readonly decision: 'ACCEPTED'; readonly orderId: string; readonly etaMinutes: number }
  | { readonly decision: 'REJECTED'; readonly orderId: string; readonly reason: string }
  | { readonly decision: 'NO_ANSWER'; readonly orderId: string };

/** The menu and opening state of the example's restaurants. */
export const RESTAURANTS: Record<string, { open: boolean; menu: string[]; answers: boolean }> = {
  'luigis-pizza': { open: true, menu: ['margherita', 'diavola', 'tiramisu'], answers: true },
  'sushi-zen': { open: true, menu: ['maki', 'nigiri', 'miso'], answers: false },
  'closed-diner': { open: false, menu: ['burger'], answers: true },
};

/**
 * The kitchen's decision: reject when closed or when an item is not on the
 * menu; a restaurant whose staff does not answer makes no decision at all.
 */
export function reviewOrder(order: IncomingOrder): Decision {
  const restaurant = Object.hasOwn(RESTAURANTS, order.restaurantId)
    ? RESTAURANTS[order.restaurantId]
    : undefined;
  if (!restaurant)
    return { decision: 'REJECTED', orderId: order.orderId, reason: 'unknown restaurant' };
  if (!restaurant.answers) return { decision: 'NO_ANSWER', orderId: order.orderId };
  if (!restaurant.open)
    return { decision: 'REJECTED', orderId: order.orderId, reason: 'restaurant closed' };
  const missing = order.items.filter((i) => !restaurant.menu.includes(i.name)).map((i) => i.name);
  if (missing.length > 0) {
    return {
      decision: 'REJECTED',
      orderId: order.orderId,
      reason: `not on the menu: ${missing.join(', ')}`,
    };
  }
  const etaMinutes = 15 + 5 * order.items.reduce((n, i) => n + i.quantity, 0);
  return { decision: 'ACCEPTED', orderId: order.orderId, etaMinutes };
}

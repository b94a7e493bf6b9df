/**
 * The published language of the food-delivery contexts: every event with the
 * schema of its data. The stack declares these; the handlers are typed by
 * them (`import type`, so no handler bundles Zod).
 */
import { z } from 'zod';

const orderId = z.string().min(1);
const OrderItem = z.object({ name: z.string(), quantity: z.number(), unitPrice: z.number() });
const Order = z.object({
  orderId,
  customerId: z.string(),
  restaurantId: z.string(),
  items: z.array(OrderItem),
  total: z.number().nonnegative(),
  status: z.enum(['PLACED', 'COMPLETED', 'CANCELLED']),
  reason: z.string().optional(),
});

/** Orders: an order's life from placement to completion or cancellation. */
export const ordersEvents = {
  OrderPlaced: Order.extend({ status: z.literal('PLACED') }),
  OrderCompleted: Order.extend({
    status: z.literal('COMPLETED'),
    etaMinutes: z.number().optional(),
  }),
  OrderCancelled: Order.extend({ status: z.literal('CANCELLED'), reason: z.string() }),
  OrderTimedOut: Order,
};

/** Restaurants: the kitchen's answer to an order. */
export const restaurantsEvents = {
  RestaurantNotified: z.object({
    orderId,
    restaurantId: z.string(),
    items: z.array(z.object({ name: z.string(), quantity: z.number() })),
  }),
  OrderAccepted: z.object({
    orderId,
    // The restaurant's review writes it; the event's name already says it.
    decision: z.literal('ACCEPTED').optional(),
    etaMinutes: z.number().int().positive(),
  }),
  OrderRejected: z.object({
    orderId,
    decision: z.literal('REJECTED').optional(),
    reason: z.string(),
  }),
};

/** Notifications: what the customer was told. */
export const notificationsEvents = {
  UserNotified: z.object({ orderId, channel: z.literal('push'), message: z.string() }),
};

/** Promotions: vouchers for completed orders. */
export const promotionsEvents = {
  VoucherIssued: z.object({
    voucherCode: z.string(),
    customerId: z.string(),
    orderId,
    percentOff: z.number().min(0).max(100),
  }),
};

export type OrdersEvents = typeof ordersEvents;
export type RestaurantsEvents = typeof restaurantsEvents;
export type NotificationsEvents = typeof notificationsEvents;
export type PromotionsEvents = typeof promotionsEvents;

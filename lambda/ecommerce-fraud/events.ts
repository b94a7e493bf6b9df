/**
 * The published language of the e-commerce contexts: every event with the
 * schema of its data. Objects accept fields they do not list, so a context
 * may carry more of the flow's data than its consumers rely on. The stack
 * declares these; the handlers are typed by them (`import type`).
 */
import { z } from 'zod';

const orderId = z.string().min(1);
const OrderItem = z.object({ sku: z.string(), quantity: z.number(), unitPrice: z.number() });
const Order = z.object({
  orderId,
  customerId: z.string(),
  email: z.string(),
  items: z.array(OrderItem),
  /** The example's stand-in for a payment token. */
  card: z.string(),
  total: z.number().nonnegative(),
  status: z.enum(['PLACED', 'COMPLETED', 'CANCELLED']),
  trackingNumber: z.string().optional(),
  reason: z.string().optional(),
});
/** A business refusal or failure, as the saga publishes it: the data with `Error` and `Cause`. */
const Failure = z.object({ orderId: orderId.optional(), Error: z.string(), Cause: z.string() });
const Verdict = z.object({
  orderId: orderId.optional(),
  customerId: z.string().optional(),
  suspicious: z.boolean(),
  riskScore: z.number().min(0).max(100),
  reasons: z.array(z.string()),
});

/** Customers: registrations. */
export const customersEvents = {
  CustomerRegistered: z.object({
    customerId: z.string(),
    email: z.string(),
    name: z.string(),
    registeredAt: z.string().optional(),
  }),
};

/** Orders: an order's life, from placement to completion, cancellation or refusal. */
export const ordersEvents = {
  OrderPlaced: Order,
  OrderCompleted: Order,
  OrderCancelled: Order.extend({ reason: z.string() }),
  OrderStalled: z.object({ orderId }),
  OrderRejected: Failure,
};

/** Fraud detection: the verdict on an order or a customer. */
export const fraudDetectionEvents = { PossibleFraud: Verdict, NoFraudDetected: Verdict };

/** Inventory: the stock reserved for an order, and what became of it. */
export const inventoryEvents = {
  StockReserved: z.object({ orderId, reservationId: z.string() }),
  StockReleased: z.object({ orderId, reservationId: z.string(), released: z.literal(true) }),
  StockCommitted: z.object({ orderId }),
  ReservationExpired: z.object({ orderId }),
  ReservationFailed: Failure,
};

/** Payments: the charge of an order, captured, refunded, declined or failed. */
export const paymentsEvents = {
  PaymentCharged: z.object({ orderId, chargeId: z.string(), total: z.number() }),
  PaymentRefunded: z.object({ orderId, chargeId: z.string(), refunded: z.number() }),
  PaymentCaptured: z.object({ orderId }),
  PaymentDeclined: Failure,
  PaymentFailed: Failure,
  FraudCheckTimedOut: z.object({ orderId }),
};

/** Delivery: the shipment of a paid order. */
export const deliveryEvents = {
  ShipmentPrepared: z.object({ orderId, shipmentId: z.string() }),
  OrderShipped: z.object({ orderId, shipmentId: z.string(), trackingNumber: z.string() }),
  ShipmentCancelled: z.object({ orderId, shipmentId: z.string(), reason: z.string() }),
  ShipmentOnHold: z.object({ orderId }),
};

export type CustomersEvents = typeof customersEvents;
export type OrdersEvents = typeof ordersEvents;
export type FraudDetectionEvents = typeof fraudDetectionEvents;
export type InventoryEvents = typeof inventoryEvents;
export type PaymentsEvents = typeof paymentsEvents;
export type DeliveryEvents = typeof deliveryEvents;

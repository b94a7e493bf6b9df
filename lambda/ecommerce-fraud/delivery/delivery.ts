/** Business rules of the Delivery context: pure functions, no AWS. */

export interface Shipment {
  readonly orderId: string;
  readonly shipmentId: string;
}

export interface ShipmentCancellation {
  readonly orderId: string;
  readonly shipmentId: string;
  readonly reason: string;
}

/**
 * What the Delivery workflow's await left in the shipment's data: the fraud
 * verdict that came (`NoFraudDetected` or `PossibleFraud`), or the timeout error.
 */
export interface AwaitedVerdict {
  readonly event?: string;
  readonly data?: { readonly reasons?: string[] };
  readonly Error?: string;
  readonly Cause?: string;
}

/** The shipment id of an order: derived from the orderId, so flows are reproducible. */
export function shipmentIdFor(orderId: string): string {
  return `shp-${orderId}`;
}

/** The tracking number of an order's parcel: derived from the orderId. */
export function trackingNumberFor(orderId: string): string {
  return `TRK-${orderId.toUpperCase()}`;
}

/** Prepare the parcel of a paid order. */
export function prepareShipment<T extends { orderId: string }>(
  order: T,
): T & { shipmentId: string } {
  return { ...order, shipmentId: shipmentIdFor(order.orderId) };
}

/** Hand the parcel to the carrier. */
export function shipOrder<T extends Shipment>(shipment: T): T & { trackingNumber: string } {
  return { ...shipment, trackingNumber: trackingNumberFor(shipment.orderId) };
}

/** Cancel a prepared shipment, saying why. */
export function cancelShipment(shipment: Shipment, reason: string): ShipmentCancellation {
  return { orderId: shipment.orderId, shipmentId: shipment.shipmentId, reason };
}

/** Why the shipment is cancelled: possible fraud (with its reasons), or no verdict in time. */
export function shipmentCancellationReason(awaited?: AwaitedVerdict): string {
  if (awaited?.Error === 'States.Timeout') return 'no fraud verdict in time';
  const reasons = awaited?.data?.reasons;
  return Array.isArray(reasons) && reasons.length > 0
    ? `possible fraud: ${reasons.join(', ')}`
    : 'possible fraud';
}

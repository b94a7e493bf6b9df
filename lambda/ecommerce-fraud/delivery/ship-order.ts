import { taskHandler } from '../../runtime';
import { Shipment, shipOrder } from './delivery';

/** Delivery ▸ ShipOrder: no fraud detected; hands the parcel to the carrier. Emits OrderShipped. */
export const handler = taskHandler(
  ({ awaited: _awaited, ...shipment }: Shipment & { awaited?: unknown }) => shipOrder(shipment),
);

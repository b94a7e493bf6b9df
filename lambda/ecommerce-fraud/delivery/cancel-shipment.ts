import { taskHandler } from '../../runtime';
import { AwaitedVerdict, cancelShipment, Shipment, shipmentCancellationReason } from './delivery';

/** Delivery ▸ CancelShipment: possible fraud or no verdict in time. Emits ShipmentCancelled. */
export const handler = taskHandler(
  ({ awaited, ...shipment }: Shipment & { awaited?: AwaitedVerdict }) =>
    cancelShipment(shipment, shipmentCancellationReason(awaited)),
);

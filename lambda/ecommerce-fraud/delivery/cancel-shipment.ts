import { EventData, taskHandler } from '../../runtime';
import type { DeliveryEvents } from '../events';
import { AwaitedVerdict, cancelShipment, Shipment, shipmentCancellationReason } from './delivery';

/** Delivery ▸ CancelShipment: possible fraud or no verdict in time. Emits ShipmentCancelled. */
export const handler = taskHandler<
  Shipment & { awaited?: AwaitedVerdict },
  EventData<DeliveryEvents, 'ShipmentCancelled'>
>(({ awaited, ...shipment }: Shipment & { awaited?: AwaitedVerdict }) =>
  cancelShipment(shipment, shipmentCancellationReason(awaited)),
);

import { EventData, taskHandler } from '../../runtime';
import type { DeliveryEvents } from '../events';
import { Shipment, shipOrder } from './delivery';

/** Delivery ▸ ShipOrder: no fraud detected; hands the parcel to the carrier. Emits OrderShipped. */
export const handler = taskHandler<
  Shipment & { awaited?: unknown },
  EventData<DeliveryEvents, 'OrderShipped'>
>(({ awaited: _awaited, ...shipment }: Shipment & { awaited?: unknown }) => shipOrder(shipment));

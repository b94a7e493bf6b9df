import { EventData, taskHandler } from '../../runtime';
import type { DeliveryEvents } from '../events';
import { prepareShipment } from './delivery';

/** Delivery ▸ PrepareShipment: packs the paid order, without Payments' awaited verdict. Emits ShipmentPrepared. */
export const handler = taskHandler<
  { orderId: string; awaited?: unknown },
  EventData<DeliveryEvents, 'ShipmentPrepared'>
>(({ awaited: _awaited, ...order }: { orderId: string; awaited?: unknown }) =>
  prepareShipment(order),
);

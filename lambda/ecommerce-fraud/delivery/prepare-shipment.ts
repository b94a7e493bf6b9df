import { taskHandler } from '../../runtime';
import { prepareShipment } from './delivery';

/** Delivery ▸ PrepareShipment: packs the paid order, without Payments' awaited verdict. Emits ShipmentPrepared. */
export const handler = taskHandler(
  ({ awaited: _awaited, ...order }: { orderId: string; awaited?: unknown }) =>
    prepareShipment(order),
);

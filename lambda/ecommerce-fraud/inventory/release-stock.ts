import { EventData, logger, taskHandler } from '../../runtime';
import type { InventoryEvents } from '../events';
import { releaseStock } from './inventory';

/** The error a compensation receives next to the data: why the workflow is undone. */
type Failure = { error?: { Error?: string; Cause?: string } };

/** Inventory ▸ Compensate ReserveStock: releases the reserved items. Emits StockReleased. */
export const handler = taskHandler<
  { orderId: string; reservationId?: string },
  EventData<InventoryEvents, 'StockReleased'>
>((reservation: { orderId: string; reservationId?: string }, ctx) => {
  const { error } = ctx.payload as Failure;
  logger.info('releasing stock', { orderId: reservation.orderId, error: error?.Error });
  return releaseStock(reservation);
});

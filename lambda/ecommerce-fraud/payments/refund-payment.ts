import { EventData, logger, taskHandler } from '../../runtime';
import type { PaymentsEvents } from '../events';
import { refundPayment } from './payments';

/** The error a compensation receives next to the data: why the workflow is undone. */
type Failure = { error?: { Error?: string; Cause?: string } };

/** Payments ▸ Compensate ChargePayment: refunds the charge. Emits PaymentRefunded. */
export const handler = taskHandler<
  { orderId: string; chargeId?: string; amount: number },
  EventData<PaymentsEvents, 'PaymentRefunded'>
>((charge: { orderId: string; chargeId?: string; amount: number }, ctx) => {
  const { error } = ctx.payload as Failure;
  logger.info('refunding payment', { orderId: charge.orderId, error: error?.Error });
  return refundPayment(charge);
});

import { EventData, taskHandler } from '../../runtime';
import type { PaymentsEvents } from '../events';
import { ChargeRequest, chargePayment } from './payments';

/** Payments ▸ ChargePayment: charges the order's total, or fails with PaymentDeclined. Emits PaymentCharged. */
export const handler = taskHandler<ChargeRequest, EventData<PaymentsEvents, 'PaymentCharged'>>(
  (order: ChargeRequest) => chargePayment(order),
);

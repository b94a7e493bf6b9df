import { taskHandler } from '../../runtime';
import { ChargeRequest, chargePayment } from './payments';

/** Payments ▸ ChargePayment: charges the order's total, or fails with PaymentDeclined. Emits PaymentCharged. */
export const handler = taskHandler((order: ChargeRequest) => chargePayment(order));

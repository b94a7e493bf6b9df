import { taskHandler } from '../../runtime';
import { voucherFor } from './promotions';

/** Promotions ▸ IssueVoucher: thanks the customer for a completed order. Emits VoucherIssued. */
export const handler = taskHandler(voucherFor);

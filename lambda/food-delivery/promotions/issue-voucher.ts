import { EventData, taskHandler } from '../../runtime';
import type { OrdersEvents, PromotionsEvents } from '../events';
import { voucherFor } from './promotions';

/** Promotions ▸ IssueVoucher: thanks the customer for a completed order. Emits VoucherIssued. */
export const handler = taskHandler<
  Pick<EventData<OrdersEvents, 'OrderCompleted'>, 'orderId' | 'customerId' | 'total'>,
  EventData<PromotionsEvents, 'VoucherIssued'>
>(voucherFor);

/**
 * A food-delivery order input for the benchmarks: `prefix-i`, from Luigi's
 * pizza; `invalid` gives it no items, so that its Orders workflow fails.
 */
export function foodOrder(prefix: string, i: number, options: { invalid?: boolean } = {}) {
  const id = `${prefix}-${i}`;
  return {
    metadata: { correlationId: id },
    data: {
      orderId: id,
      customerId: 'c',
      restaurantId: 'luigis-pizza',
      items: options.invalid ? [] : [{ name: 'margherita', quantity: 1, unitPrice: 9 }],
    },
  };
}

/** An e-commerce order input for the benchmarks: `prefix-i`, one book paid by card. */
export function ecommerceOrder(prefix: string, i: number) {
  const id = `${prefix}-${i}`;
  return {
    metadata: { correlationId: id },
    data: {
      orderId: id,
      customerId: 'c',
      email: 'ann@example.com',
      card: 'visa',
      items: [{ sku: 'BOOK-1', quantity: 1, unitPrice: 30 }],
    },
  };
}

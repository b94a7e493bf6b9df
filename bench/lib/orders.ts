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

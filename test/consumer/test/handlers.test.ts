import { handler as cookMeal } from '../lambda/cook-meal';
import { handler as placeOrder } from '../lambda/place-order';

// A handler is a plain async function: call it with the request a workflow sends.
const request = <T>(
  data: T,
  trigger?: { source: string; detailType: string; eventId: string },
) => ({
  metadata: { correlationId: 'o-1', ...(trigger && { trigger }) },
  data,
  task: 'Test',
});

describe('handlers', () => {
  it('places an order and counts its meals', async () => {
    const order = { orderId: 'o-1', items: [{ name: 'pizza', quantity: 2 }] };
    await expect(placeOrder(request(order))).resolves.toEqual({ ...order, meals: 2 });
  });

  it('fails with EmptyOrder for an order with no meal', async () => {
    await expect(placeOrder(request({ orderId: 'o-2', items: [] }))).rejects.toMatchObject({
      name: 'EmptyOrder',
    });
  });

  it('knows which event asked for the meal', async () => {
    const placed = { orderId: 'o-1', items: [], meals: 1 };
    const trigger = { source: 'shop.orders', detailType: 'OrderPlaced', eventId: 'e-1' };
    await expect(cookMeal(request(placed, trigger))).resolves.toEqual({
      orderId: 'o-1',
      cooked: 1,
      cookedFor: 'OrderPlaced',
    });
  });
});

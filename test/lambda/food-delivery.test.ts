import { notificationFor } from '../../lambda/food-delivery/notifications/notifications';
import { handler as notifyUser } from '../../lambda/food-delivery/notifications/notify-user';
import { handler as completeOrderHandler } from '../../lambda/food-delivery/orders/complete-order';
import {
  cancelOrder,
  completeOrder,
  InvalidOrderError,
  Order,
  OrderItem,
  OrderRequest,
  placeOrder,
} from '../../lambda/food-delivery/orders/orders';
import { handler as placeOrderHandler } from '../../lambda/food-delivery/orders/place-order';
import { handler as issueVoucher } from '../../lambda/food-delivery/promotions/issue-voucher';
import { voucherFor } from '../../lambda/food-delivery/promotions/promotions';
import { handler as notifyRestaurant } from '../../lambda/food-delivery/restaurants/notify-restaurant';
import {
  Decision,
  IncomingOrder,
  RESTAURANTS,
  reviewOrder,
} from '../../lambda/food-delivery/restaurants/restaurants';
import { handler as reviewOrderHandler } from '../../lambda/food-delivery/restaurants/review-order';
import type { TaskPayload } from '../../lambda/runtime';

/** The payload a workflow passes to a task handler. */
const task = <T>(data: T): TaskPayload<T> => ({
  metadata: { correlationId: 'c-1' },
  data,
  task: 'X',
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const request = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  customerId: 'cust-1',
  restaurantId: 'luigis-pizza',
  items: [{ name: 'margherita', quantity: 1, unitPrice: 9.5 }],
  ...overrides,
});

const placed: Order = {
  orderId: 'o-1',
  customerId: 'cust-1',
  restaurantId: 'luigis-pizza',
  items: [{ name: 'margherita', quantity: 2, unitPrice: 9.5 }],
  total: 19,
  status: 'PLACED',
};

// The handlers log through the Powertools logger, which writes to stdout/stderr: keep the output quiet.
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

describe('Orders', () => {
  describe('placeOrder', () => {
    it.each<[string, OrderItem[], number]>([
      ['one item', [{ name: 'margherita', quantity: 1, unitPrice: 9.5 }], 9.5],
      [
        'several items and quantities',
        [
          { name: 'margherita', quantity: 2, unitPrice: 9.99 },
          { name: 'tiramisu', quantity: 1, unitPrice: 4.5 },
        ],
        24.48,
      ],
      ['a float sum rounded to cents', [{ name: 'x', quantity: 3, unitPrice: 0.1 }], 0.3],
      [
        'more than two decimals rounded to cents',
        [{ name: 'x', quantity: 1, unitPrice: 3.14159 }],
        3.14,
      ],
      [
        'a free item',
        [
          { name: 'x', quantity: 1, unitPrice: 0 },
          { name: 'y', quantity: 2, unitPrice: 1.25 },
        ],
        2.5,
      ],
    ])('prices %s', (_name, items, total) => {
      const order = placeOrder(request({ items }), () => 'new-id');
      expect(order.total).toBe(total);
      expect(order.status).toBe('PLACED');
      expect(order.items).toBe(items);
    });

    it('keeps the orderId when the request has one', () => {
      const newId = jest.fn(() => 'generated');
      expect(placeOrder(request({ orderId: 'given-1' }), newId).orderId).toBe('given-1');
      expect(newId).not.toHaveBeenCalled();
    });

    it('generates the orderId with the injected function when the request has none', () => {
      const newId = jest.fn(() => 'generated-1');
      const order = placeOrder(request(), newId);
      expect(newId).toHaveBeenCalledTimes(1);
      expect(order).toEqual({
        orderId: 'generated-1',
        customerId: 'cust-1',
        restaurantId: 'luigis-pizza',
        items: [{ name: 'margherita', quantity: 1, unitPrice: 9.5 }],
        total: 9.5,
        status: 'PLACED',
      });
    });

    it.each<[string, Partial<OrderRequest> | Record<string, unknown>, RegExp]>([
      ['customerId is missing', { customerId: undefined }, /customerId is required/],
      ['customerId is empty', { customerId: '' }, /customerId is required/],
      ['restaurantId is missing', { restaurantId: undefined }, /restaurantId is required/],
      ['restaurantId is empty', { restaurantId: '' }, /restaurantId is required/],
      ['items is missing', { items: undefined }, /at least one item/],
      ['items is not an array', { items: 'margherita' }, /at least one item/],
      ['items is empty', { items: [] }, /at least one item/],
      [
        'a quantity is zero',
        { items: [{ name: 'margherita', quantity: 0, unitPrice: 9.5 }] },
        /item 'margherita' needs a positive quantity and a price/,
      ],
      [
        'a quantity is negative',
        { items: [{ name: 'diavola', quantity: -1, unitPrice: 9.5 }] },
        /item 'diavola'/,
      ],
      [
        'a quantity is not a number',
        { items: [{ name: 'diavola', quantity: NaN, unitPrice: 9.5 }] },
        /item 'diavola'/,
      ],
      [
        'a price is negative',
        { items: [{ name: 'tiramisu', quantity: 1, unitPrice: -4 }] },
        /item 'tiramisu'/,
      ],
      ['a price is missing', { items: [{ name: 'tiramisu', quantity: 1 }] }, /item 'tiramisu'/],
      [
        'a later item is invalid',
        {
          items: [
            { name: 'margherita', quantity: 1, unitPrice: 9.5 },
            { name: 'miso', quantity: 0, unitPrice: 3 },
          ],
        },
        /item 'miso'/,
      ],
    ])('fails when %s', (_name, overrides, message) => {
      const newId = jest.fn(() => 'id');
      let caught: unknown;
      try {
        placeOrder(request(overrides as Partial<OrderRequest>), newId);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidOrderError);
      expect((caught as Error).name).toBe('InvalidOrder');
      expect((caught as Error).message).toMatch(message);
      expect(newId).not.toHaveBeenCalled();
    });
  });

  it('completeOrder marks the order COMPLETED and leaves the input alone', () => {
    expect(completeOrder(placed)).toEqual({ ...placed, status: 'COMPLETED' });
    expect(placed.status).toBe('PLACED');
  });

  it('cancelOrder marks the order CANCELLED with the reason', () => {
    expect(cancelOrder(placed, 'restaurant closed')).toEqual({
      ...placed,
      status: 'CANCELLED',
      reason: 'restaurant closed',
    });
    expect(placed).not.toHaveProperty('reason');
  });

  describe('handlers', () => {
    it('place-order prices the order and keeps a given orderId', async () => {
      await expect(
        placeOrderHandler(
          task(
            request({
              orderId: 'o-9',
              items: [{ name: 'margherita', quantity: 3, unitPrice: 0.1 }],
            }),
          ),
        ),
      ).resolves.toMatchObject({ orderId: 'o-9', total: 0.3, status: 'PLACED' });
    });

    it('place-order generates a random UUID when the request has no orderId', async () => {
      const first = await placeOrderHandler(task(request()));
      const second = await placeOrderHandler(task(request()));
      expect(first.orderId).toMatch(UUID);
      expect(second.orderId).toMatch(UUID);
      expect(first.orderId).not.toBe(second.orderId);
    });

    it('fails when place-order gets an invalid order, with an InvalidOrder error', async () => {
      await expect(placeOrderHandler(task(request({ items: [] })))).rejects.toMatchObject({
        name: 'InvalidOrder',
        message: 'an order needs at least one item',
      });
    });

    it('complete-order returns the order COMPLETED', async () => {
      await expect(completeOrderHandler(task(placed))).resolves.toEqual({
        ...placed,
        status: 'COMPLETED',
      });
    });
  });
});

describe('Restaurants', () => {
  it('lists the example restaurants', () => {
    expect(Object.keys(RESTAURANTS).sort()).toEqual(['closed-diner', 'luigis-pizza', 'sushi-zen']);
  });

  it.each<[string, IncomingOrder, Decision]>([
    [
      'accepts an order at an open restaurant, eta 15 + 5 per item',
      {
        orderId: 'o-1',
        restaurantId: 'luigis-pizza',
        items: [
          { name: 'margherita', quantity: 2 },
          { name: 'tiramisu', quantity: 1 },
        ],
      },
      { decision: 'ACCEPTED', orderId: 'o-1', etaMinutes: 30 },
    ],
    [
      'accepts a single item with eta 20',
      { orderId: 'o-2', restaurantId: 'luigis-pizza', items: [{ name: 'diavola', quantity: 1 }] },
      { decision: 'ACCEPTED', orderId: 'o-2', etaMinutes: 20 },
    ],
    [
      'rejects an order at a closed restaurant',
      { orderId: 'o-3', restaurantId: 'closed-diner', items: [{ name: 'burger', quantity: 1 }] },
      { decision: 'REJECTED', orderId: 'o-3', reason: 'restaurant closed' },
    ],
    [
      'rejects a closed restaurant before checking the menu',
      { orderId: 'o-4', restaurantId: 'closed-diner', items: [{ name: 'pizza', quantity: 1 }] },
      { decision: 'REJECTED', orderId: 'o-4', reason: 'restaurant closed' },
    ],
    [
      'rejects an item that is not on the menu',
      {
        orderId: 'o-5',
        restaurantId: 'luigis-pizza',
        items: [
          { name: 'margherita', quantity: 1 },
          { name: 'pineapple', quantity: 1 },
        ],
      },
      { decision: 'REJECTED', orderId: 'o-5', reason: 'not on the menu: pineapple' },
    ],
    [
      'names every item that is not on the menu',
      {
        orderId: 'o-6',
        restaurantId: 'luigis-pizza',
        items: [
          { name: 'maki', quantity: 1 },
          { name: 'burger', quantity: 2 },
        ],
      },
      { decision: 'REJECTED', orderId: 'o-6', reason: 'not on the menu: maki, burger' },
    ],
    [
      'rejects an unknown restaurant',
      { orderId: 'o-7', restaurantId: 'nowhere', items: [{ name: 'margherita', quantity: 1 }] },
      { decision: 'REJECTED', orderId: 'o-7', reason: 'unknown restaurant' },
    ],
    [
      'makes no decision when the staff does not answer',
      { orderId: 'o-8', restaurantId: 'sushi-zen', items: [{ name: 'maki', quantity: 1 }] },
      { decision: 'NO_ANSWER', orderId: 'o-8' },
    ],
  ])('reviewOrder %s', (_name, order, decision) => {
    expect(reviewOrder(order)).toEqual(decision);
  });

  describe('handlers', () => {
    it.each<[string, IncomingOrder, Record<string, unknown>]>([
      [
        'REJECTED',
        { orderId: 'o-1', restaurantId: 'luigis-pizza', items: [{ name: 'maki', quantity: 1 }] },
        { decision: 'REJECTED', reason: 'not on the menu: maki' },
      ],
      [
        'ACCEPTED',
        {
          orderId: 'o-2',
          restaurantId: 'luigis-pizza',
          items: [{ name: 'margherita', quantity: 4 }],
        },
        { decision: 'ACCEPTED', etaMinutes: 35 },
      ],
      [
        'NO_ANSWER',
        { orderId: 'o-3', restaurantId: 'sushi-zen', items: [{ name: 'miso', quantity: 1 }] },
        { decision: 'NO_ANSWER' },
      ],
    ])('review-order returns the order merged with the decision (%s)', async (_n, order, dec) => {
      await expect(reviewOrderHandler(task(order))).resolves.toEqual({ ...order, ...dec });
    });

    it('notify-restaurant passes the order through unchanged', async () => {
      const order: IncomingOrder = {
        orderId: 'o-1',
        restaurantId: 'luigis-pizza',
        items: [{ name: 'margherita', quantity: 1 }],
      };
      await expect(notifyRestaurant(task(order))).resolves.toEqual(order);
    });
  });
});

describe('Notifications', () => {
  it.each<[string, Parameters<typeof notificationFor>[0], string]>([
    [
      'an accepted order with an eta',
      { orderId: 'o-1', etaMinutes: 30 },
      'Your order o-1 was accepted, ready in about 30 minutes.',
    ],
    ['an accepted order without an eta', { orderId: 'o-2' }, 'Your order o-2 was accepted.'],
    [
      'a placed order with an eta',
      { orderId: 'o-3', status: 'PLACED', etaMinutes: 20 },
      'Your order o-3 was accepted, ready in about 20 minutes.',
    ],
    [
      'a cancelled order with a reason',
      { orderId: 'o-4', status: 'CANCELLED', reason: 'restaurant closed', etaMinutes: 30 },
      'Sorry, your order o-4 was cancelled: restaurant closed.',
    ],
    [
      'a cancelled order without a reason',
      { orderId: 'o-5', status: 'CANCELLED' },
      'Sorry, your order o-5 was cancelled: no reason given.',
    ],
  ])('notificationFor %s', (_name, order, message) => {
    expect(notificationFor(order)).toEqual({ orderId: order.orderId, channel: 'push', message });
  });

  it('notify-user returns the notification, using the eta of the order', async () => {
    await expect(
      notifyUser(task({ orderId: 'o-1', status: 'PLACED', etaMinutes: 25 })),
    ).resolves.toEqual({
      orderId: 'o-1',
      channel: 'push',
      message: 'Your order o-1 was accepted, ready in about 25 minutes.',
    });
  });

  it('notify-user tells the customer about a cancelled order', async () => {
    await expect(
      notifyUser(task({ orderId: 'o-2', status: 'CANCELLED', reason: 'no answer' })),
    ).resolves.toEqual({
      orderId: 'o-2',
      channel: 'push',
      message: 'Sorry, your order o-2 was cancelled: no answer.',
    });
  });
});

describe('Promotions', () => {
  it.each<[string, number, number]>([
    ['nothing', 0, 10],
    ['below 50', 49.99, 10],
    ['exactly 50', 50, 15],
    ['just above 50', 50.01, 15],
    ['well above 50', 120, 15],
  ])('voucherFor a total of %s (%d) gives %d %% off', (_name, total, percentOff) => {
    expect(voucherFor({ orderId: 'o-1', customerId: 'cust-1', total })).toEqual({
      voucherCode: 'THANKS-O-1',
      customerId: 'cust-1',
      orderId: 'o-1',
      percentOff,
    });
  });

  it.each([
    ['3f2a9c1e-7b4d-4e8a-9f00-123456789abc', 'THANKS-3F2A9C1E'],
    ['abcdefgh', 'THANKS-ABCDEFGH'],
    ['ab', 'THANKS-AB'],
  ])('voucher code for order %s is %s', (orderId, code) => {
    expect(voucherFor({ orderId, customerId: 'c', total: 10 }).voucherCode).toBe(code);
  });

  it('issue-voucher returns the voucher for the completed order', async () => {
    await expect(
      issueVoucher(task({ orderId: 'abcdef123456', customerId: 'cust-9', total: 64.5 })),
    ).resolves.toEqual({
      voucherCode: 'THANKS-ABCDEF12',
      customerId: 'cust-9',
      orderId: 'abcdef123456',
      percentOff: 15,
    });
  });
});

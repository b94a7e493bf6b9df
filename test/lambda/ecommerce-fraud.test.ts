import {
  Customer,
  CustomerRequest,
  InvalidCustomerError,
  isEmail,
  registerCustomer,
} from '../../lambda/ecommerce-fraud/customers/customers';
import { handler as registerCustomerHandler } from '../../lambda/ecommerce-fraud/customers/register-customer';
import { handler as cancelShipmentHandler } from '../../lambda/ecommerce-fraud/delivery/cancel-shipment';
import {
  AwaitedVerdict,
  cancelShipment,
  prepareShipment,
  shipmentCancellationReason,
  shipmentIdFor,
  shipOrder,
  trackingNumberFor,
} from '../../lambda/ecommerce-fraud/delivery/delivery';
import { handler as prepareShipmentHandler } from '../../lambda/ecommerce-fraud/delivery/prepare-shipment';
import { handler as shipOrderHandler } from '../../lambda/ecommerce-fraud/delivery/ship-order';
import { handler as assessRiskHandler } from '../../lambda/ecommerce-fraud/fraud-detection/assess-risk';
import {
  assessRisk,
  emailDomain,
  FRAUD_DOMAIN,
  HIGH_TOTAL,
  RiskSubject,
} from '../../lambda/ecommerce-fraud/fraud-detection/fraud-detection';
import {
  OutOfStockError,
  releaseStock,
  reservationIdFor,
  reserveStock,
  SOLD_OUT_SKU,
} from '../../lambda/ecommerce-fraud/inventory/inventory';
import { handler as releaseStockHandler } from '../../lambda/ecommerce-fraud/inventory/release-stock';
import { handler as reserveStockHandler } from '../../lambda/ecommerce-fraud/inventory/reserve-stock';
import { handler as cancelOrderHandler } from '../../lambda/ecommerce-fraud/orders/cancel-order';
import { handler as completeOrderHandler } from '../../lambda/ecommerce-fraud/orders/complete-order';
import {
  AwaitedOutcome,
  cancellationReason,
  cancelOrder,
  completeOrder,
  describeCause,
  InvalidOrderError,
  Order,
  OrderItem,
  OrderRequest,
  placeOrder,
} from '../../lambda/ecommerce-fraud/orders/orders';
import { handler as placeOrderHandler } from '../../lambda/ecommerce-fraud/orders/place-order';
import { handler as chargePaymentHandler } from '../../lambda/ecommerce-fraud/payments/charge-payment';
import {
  chargeIdFor,
  chargePayment,
  DECLINED_CARD,
  PaymentDeclinedError,
  refundPayment,
} from '../../lambda/ecommerce-fraud/payments/payments';
import { handler as refundPaymentHandler } from '../../lambda/ecommerce-fraud/payments/refund-payment';
import type { TaskPayload } from '../../lambda/runtime';

/** The payload a workflow passes to a task handler. */
const task = <T>(data: T): TaskPayload<T> => ({
  metadata: { correlationId: 'c-1' },
  data,
  task: 'X',
});

/** The payload a workflow passes to a compensation handler: the task payload and the error. */
const compensation = <T>(data: T, error = { Error: 'PossibleFraud', Cause: 'flagged' }) =>
  ({ ...task(data), error }) as TaskPayload<T>;

/** What a task's named error looks like to the workflow. */
const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`] });

/** Run `fn` and return what it threw. */
const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const request = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  customerId: 'cust-1',
  email: 'ada@shop.example',
  items: [{ sku: 'BOOK-1', quantity: 1, unitPrice: 25 }],
  card: 'visa-4242',
  ...overrides,
});

const placed: Order = {
  orderId: 'o-1',
  customerId: 'cust-1',
  email: 'ada@shop.example',
  items: [{ sku: 'BOOK-1', quantity: 2, unitPrice: 25 }],
  card: 'visa-4242',
  total: 50,
  status: 'PLACED',
};

// The handlers log through the Powertools logger, which writes to stdout/stderr: keep the output quiet.
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

describe('Customers', () => {
  it.each<[string, CustomerRequest, string | undefined, Customer]>([
    [
      'keeps a given customerId',
      { customerId: 'cust-7', email: 'ada@shop.example', name: 'Ada' },
      undefined,
      { customerId: 'cust-7', email: 'ada@shop.example', name: 'Ada' },
    ],
    [
      'generates the customerId when there is none',
      { email: 'ada@shop.example', name: 'Ada' },
      undefined,
      { customerId: 'new-id', email: 'ada@shop.example', name: 'Ada' },
    ],
    [
      'generates the customerId when it is empty',
      { customerId: '', email: 'ada@shop.example', name: 'Ada' },
      undefined,
      { customerId: 'new-id', email: 'ada@shop.example', name: 'Ada' },
    ],
    [
      'trims the name and trims and lower-cases the email',
      { customerId: 'c', email: '  Ada@Shop.Example ', name: '  Ada Lovelace ' },
      undefined,
      { customerId: 'c', email: 'ada@shop.example', name: 'Ada Lovelace' },
    ],
    [
      'records the registration time it is given',
      { customerId: 'c', email: 'ada@shop.example', name: 'Ada' },
      '2024-01-02T03:04:05.000Z',
      {
        customerId: 'c',
        email: 'ada@shop.example',
        name: 'Ada',
        registeredAt: '2024-01-02T03:04:05.000Z',
      },
    ],
  ])('registerCustomer %s', (_name, req, registeredAt, customer) => {
    const result = registerCustomer(req, () => 'new-id', registeredAt);
    expect(result).toEqual(customer);
    expect(Object.keys(result)).toEqual(Object.keys(customer));
  });

  it('registerCustomer calls the id generator only when the customerId is absent', () => {
    const newId = jest.fn(() => 'new-id');
    registerCustomer({ customerId: 'given', email: 'a@b.example', name: 'A' }, newId);
    expect(newId).not.toHaveBeenCalled();
    registerCustomer({ email: 'a@b.example', name: 'A' }, newId);
    expect(newId).toHaveBeenCalledTimes(1);
  });

  it.each<[string, unknown, boolean]>([
    ['a plain address', 'ada@shop.example', true],
    ['an address with spaces around', ' ada@shop.example ', true],
    ['no @', 'ada.shop.example', false],
    ['no dot in the domain', 'ada@localhost', false],
    ['nothing before @', '@shop.example', false],
    ['a space inside', 'ada lovelace@shop.example', false],
    ['an empty string', '', false],
    ['a number', 42, false],
    ['undefined', undefined, false],
  ])('isEmail: %s', (_name, email, valid) => {
    expect(isEmail(email)).toBe(valid);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['the email is missing', { name: 'Ada' }, /a valid email is required/],
    ['the email is invalid', { email: 'not-an-email', name: 'Ada' }, /a valid email is required/],
    ['the name is missing', { email: 'ada@shop.example' }, /name is required/],
    ['the name is blank', { email: 'ada@shop.example', name: '   ' }, /name is required/],
    ['the name is not a string', { email: 'ada@shop.example', name: 7 }, /name is required/],
  ])('registerCustomer fails when %s, with an InvalidCustomer error', (_name, req, message) => {
    const newId = jest.fn(() => 'id');
    const error = thrown(() => registerCustomer(req as unknown as CustomerRequest, newId));
    expect(error).toBeInstanceOf(InvalidCustomerError);
    expect(error.name).toBe('InvalidCustomer');
    expect(error.message).toMatch(message);
    expect(newId).not.toHaveBeenCalled();
  });

  describe('handlers', () => {
    it('register-customer keeps a given customerId and stamps the registration time', async () => {
      const customer = await registerCustomerHandler(
        task({ customerId: 'cust-1', email: 'Ada@Shop.Example', name: 'Ada' }),
      );
      expect(customer).toEqual({
        customerId: 'cust-1',
        email: 'ada@shop.example',
        name: 'Ada',
        registeredAt: expect.stringMatching(ISO),
      });
    });

    it('register-customer generates a random UUID when there is no customerId', async () => {
      const first = await registerCustomerHandler(task({ email: 'a@b.example', name: 'A' }));
      const second = await registerCustomerHandler(task({ email: 'a@b.example', name: 'A' }));
      expect(first.customerId).toMatch(UUID);
      expect(second.customerId).toMatch(UUID);
      expect(first.customerId).not.toBe(second.customerId);
    });

    it('fails when register-customer gets an invalid email, with an InvalidCustomer error', async () => {
      await expect(
        registerCustomerHandler(task({ email: 'nope', name: 'Ada' })),
      ).rejects.toMatchObject({ name: 'InvalidCustomer', message: 'a valid email is required' });
    });
  });
});

describe('Orders', () => {
  describe('placeOrder', () => {
    it.each<[string, OrderItem[], number]>([
      ['one item', [{ sku: 'BOOK-1', quantity: 1, unitPrice: 25 }], 25],
      [
        'several items and quantities',
        [
          { sku: 'BOOK-1', quantity: 2, unitPrice: 9.99 },
          { sku: 'PEN-1', quantity: 1, unitPrice: 4.5 },
        ],
        24.48,
      ],
      ['a float sum rounded to cents', [{ sku: 'X', quantity: 3, unitPrice: 0.1 }], 0.3],
      ['more than two decimals', [{ sku: 'X', quantity: 1, unitPrice: 3.14159 }], 3.14],
      ['a free item', [{ sku: 'GIFT', quantity: 1, unitPrice: 0 }], 0],
      ['a large order', [{ sku: 'TV-1', quantity: 2, unitPrice: 500 }], 1000],
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
      expect(placeOrder(request(), newId)).toEqual({
        orderId: 'generated-1',
        customerId: 'cust-1',
        email: 'ada@shop.example',
        items: [{ sku: 'BOOK-1', quantity: 1, unitPrice: 25 }],
        card: 'visa-4242',
        total: 25,
        status: 'PLACED',
      });
      expect(newId).toHaveBeenCalledTimes(1);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['customerId is missing', { customerId: undefined }, /customerId is required/],
      ['customerId is empty', { customerId: '' }, /customerId is required/],
      ['email is missing', { email: undefined }, /a valid email is required/],
      ['email is invalid', { email: 'ada-at-shop' }, /a valid email is required/],
      ['card is missing', { card: undefined }, /card is required/],
      ['card is empty', { card: '' }, /card is required/],
      ['items is missing', { items: undefined }, /at least one item/],
      ['items is not an array', { items: 'BOOK-1' }, /at least one item/],
      ['items is empty', { items: [] }, /at least one item/],
      ['an item has no sku', { items: [{ quantity: 1, unitPrice: 1 }] }, /every item needs a sku/],
      [
        'a quantity is zero',
        { items: [{ sku: 'BOOK-1', quantity: 0, unitPrice: 25 }] },
        /item 'BOOK-1' needs a positive whole quantity and a price/,
      ],
      [
        'a quantity is negative',
        { items: [{ sku: 'PEN-1', quantity: -1, unitPrice: 1 }] },
        /item 'PEN-1'/,
      ],
      [
        'a quantity is fractional',
        { items: [{ sku: 'PEN-1', quantity: 1.5, unitPrice: 1 }] },
        /item 'PEN-1'/,
      ],
      [
        'a price is negative',
        { items: [{ sku: 'PEN-1', quantity: 1, unitPrice: -4 }] },
        /item 'PEN-1'/,
      ],
      ['a price is missing', { items: [{ sku: 'PEN-1', quantity: 1 }] }, /item 'PEN-1'/],
      [
        'a later item is invalid',
        {
          items: [
            { sku: 'BOOK-1', quantity: 1, unitPrice: 25 },
            { sku: 'MUG-1', quantity: 0, unitPrice: 8 },
          ],
        },
        /item 'MUG-1'/,
      ],
    ])('fails when %s, with an InvalidOrder error', (_name, overrides, message) => {
      const newId = jest.fn(() => 'id');
      const error = thrown(() => placeOrder(request(overrides as Partial<OrderRequest>), newId));
      expect(error).toBeInstanceOf(InvalidOrderError);
      expect(error.name).toBe('InvalidOrder');
      expect(error.message).toMatch(message);
      expect(newId).not.toHaveBeenCalled();
    });
  });

  it.each<[string, string | undefined, Order]>([
    [
      'with the tracking number',
      'TRK-O-1',
      { ...placed, status: 'COMPLETED', trackingNumber: 'TRK-O-1' },
    ],
    ['without a tracking number', undefined, { ...placed, status: 'COMPLETED' }],
  ])('completeOrder marks the order COMPLETED %s', (_name, trackingNumber, expected) => {
    const completed = completeOrder(placed, trackingNumber);
    expect(completed).toEqual(expected);
    expect(Object.keys(completed)).toEqual(Object.keys(expected));
    expect(placed.status).toBe('PLACED');
  });

  it('cancelOrder marks the order CANCELLED with the reason and leaves the input alone', () => {
    expect(cancelOrder(placed, 'card declined')).toEqual({
      ...placed,
      status: 'CANCELLED',
      reason: 'card declined',
    });
    expect(placed).not.toHaveProperty('reason');
  });

  it.each<[string, string, string]>([
    [
      "a Lambda error's message",
      lambdaCause('PaymentDeclined', 'card declined for order o-1'),
      'card declined for order o-1',
    ],
    ['a plain sentence', 'fraud detection flagged the order', 'fraud detection flagged the order'],
    ['JSON without errorMessage', '{"errorType":"X"}', '{"errorType":"X"}'],
    ['JSON with an empty errorMessage', '{"errorMessage":""}', '{"errorMessage":""}'],
    ['JSON null', 'null', 'null'],
    ['a JSON string', '"quoted"', '"quoted"'],
  ])('describeCause reads %s', (_name, cause, described) => {
    expect(describeCause(cause)).toBe(described);
  });

  it.each<[string, AwaitedOutcome | undefined, string]>([
    [
      'the reason of a declined payment',
      {
        event: 'PaymentFailed',
        data: { reason: lambdaCause('PaymentDeclined', 'card declined for order o-1') },
      },
      'card declined for order o-1',
    ],
    [
      'the reason of a payment failed for fraud',
      { event: 'PaymentFailed', data: { reason: 'fraud detection flagged the order' } },
      'fraud detection flagged the order',
    ],
    [
      'the reason of a payment whose fraud check timed out',
      { event: 'PaymentFailed', data: { reason: 'no NoFraudDetected or PossibleFraud in time' } },
      'no NoFraudDetected or PossibleFraud in time',
    ],
    [
      'the reason of the refusal the outcome answered',
      {
        event: 'ReservationFailed',
        data: {
          Cause: 'the payment was declined or failed',
          awaited: { event: 'PaymentDeclined', data: { Cause: 'card declined for order o-1' } },
        },
      },
      'card declined for order o-1',
    ],
    [
      'a generic reason when the failure has none',
      { event: 'PaymentFailed', data: {} },
      'payment failed',
    ],
    [
      'no outcome in time on timeout',
      { Error: 'States.Timeout', Cause: 'no OrderShipped or PaymentFailed in time' },
      'no outcome in time',
    ],
    ['a generic reason when nothing was awaited', undefined, 'payment failed'],
  ])('cancellationReason gives %s', (_name, awaited, reason) => {
    expect(cancellationReason(awaited)).toBe(reason);
  });

  describe('handlers', () => {
    it('place-order prices the order and keeps a given orderId', async () => {
      await expect(
        placeOrderHandler(
          task(request({ orderId: 'o-9', items: [{ sku: 'X', quantity: 3, unitPrice: 0.1 }] })),
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

    it('complete-order completes the order with the tracking number of OrderShipped', async () => {
      const awaited = {
        event: 'OrderShipped',
        source: 'shop.delivery',
        eventId: 'e-1',
        data: { orderId: 'o-1', shipmentId: 'shp-o-1', trackingNumber: 'TRK-O-1' },
        metadata: { correlationId: 'c-1' },
      };
      await expect(completeOrderHandler(task({ ...placed, awaited }))).resolves.toEqual({
        ...placed,
        status: 'COMPLETED',
        trackingNumber: 'TRK-O-1',
      });
    });

    it.each<[string, AwaitedOutcome, string]>([
      [
        'a declined payment',
        {
          event: 'PaymentFailed',
          data: { reason: lambdaCause('PaymentDeclined', 'card declined for order o-1') },
        },
        'card declined for order o-1',
      ],
      [
        'possible fraud',
        { event: 'PaymentFailed', data: { reason: 'fraud detection flagged the order' } },
        'fraud detection flagged the order',
      ],
      [
        'a timeout',
        { Error: 'States.Timeout', Cause: 'no OrderShipped or PaymentFailed in time' },
        'no outcome in time',
      ],
    ])('cancel-order cancels the order after %s', async (_name, awaited, reason) => {
      const cancelled = await cancelOrderHandler(task({ ...placed, awaited }));
      expect(cancelled).toEqual({ ...placed, status: 'CANCELLED', reason });
      expect(cancelled).not.toHaveProperty('awaited');
    });
  });
});

describe('FraudDetection', () => {
  it.each<[string, unknown, string | undefined]>([
    ['a plain address', 'ada@shop.example', 'shop.example'],
    ['an upper-case domain', 'ada@FRAUD.Example', 'fraud.example'],
    ['the last @', 'a@b@fraud.example', 'fraud.example'],
    ['no @', 'ada', undefined],
    ['nothing after @', 'ada@', undefined],
    ['not a string', 42, undefined],
    ['undefined', undefined, undefined],
  ])('emailDomain of %s', (_name, email, domain) => {
    expect(emailDomain(email)).toBe(domain);
  });

  it.each<[string, RiskSubject, boolean, number, string[]]>([
    [
      'passes an ordinary order',
      { orderId: 'o-1', customerId: 'c', email: 'ada@shop.example', total: 50 },
      false,
      0,
      [],
    ],
    [
      'passes an order just below the limit',
      { orderId: 'o-1', customerId: 'c', email: 'ada@shop.example', total: 999.99 },
      false,
      0,
      [],
    ],
    [
      'flags an order at the limit',
      { orderId: 'o-1', customerId: 'c', email: 'ada@shop.example', total: 1000 },
      true,
      60,
      ['order total of 1000 or more'],
    ],
    [
      'flags an order above the limit',
      { orderId: 'o-1', customerId: 'c', email: 'ada@shop.example', total: 25000 },
      true,
      60,
      ['order total of 1000 or more'],
    ],
    [
      'flags an order from the fraud domain',
      { orderId: 'o-1', customerId: 'c', email: 'mallory@fraud.example', total: 10 },
      true,
      80,
      ['email domain fraud.example'],
    ],
    [
      'flags the fraud domain whatever its case',
      { orderId: 'o-1', customerId: 'c', email: 'Mallory@Fraud.Example', total: 10 },
      true,
      80,
      ['email domain fraud.example'],
    ],
    [
      'gives both reasons, the score capped at 100',
      { orderId: 'o-1', customerId: 'c', email: 'mallory@fraud.example', total: 5000 },
      true,
      100,
      ['order total of 1000 or more', 'email domain fraud.example'],
    ],
    [
      'passes a lookalike domain',
      { orderId: 'o-1', customerId: 'c', email: 'ada@notfraud.example', total: 10 },
      false,
      0,
      [],
    ],
    [
      'flags a customer registered with the fraud domain',
      { customerId: 'c', email: 'mallory@fraud.example' },
      true,
      80,
      ['customer registered with email domain fraud.example'],
    ],
    [
      'passes an ordinary customer registration',
      { customerId: 'c', email: 'ada@shop.example' },
      false,
      0,
      [],
    ],
    ['passes an order without email or total', { orderId: 'o-1' }, false, 0, []],
  ])('assessRisk %s', (_name, subject, suspicious, riskScore, reasons) => {
    expect(assessRisk(subject)).toEqual({ ...subject, suspicious, riskScore, reasons });
  });

  it('uses the documented limit and domain', () => {
    expect(HIGH_TOTAL).toBe(1000);
    expect(FRAUD_DOMAIN).toBe('fraud.example');
  });

  describe('handlers', () => {
    it('assess-risk passes an OrderPlaced order through with the verdict', async () => {
      const order = { ...placed, total: 1200 };
      await expect(assessRiskHandler(task(order))).resolves.toEqual({
        ...order,
        suspicious: true,
        riskScore: 60,
        reasons: ['order total of 1000 or more'],
      });
    });

    it('assess-risk clears an ordinary OrderPlaced order, keeping its orderId', async () => {
      await expect(assessRiskHandler(task(placed))).resolves.toMatchObject({
        orderId: 'o-1',
        customerId: 'cust-1',
        suspicious: false,
        riskScore: 0,
        reasons: [],
      });
    });

    it('assess-risk flags a CustomerRegistered customer from the fraud domain', async () => {
      const customer = { customerId: 'cust-9', email: 'mallory@fraud.example', name: 'Mallory' };
      const verdict = await assessRiskHandler(task(customer));
      expect(verdict).toEqual({
        ...customer,
        suspicious: true,
        riskScore: 80,
        reasons: ['customer registered with email domain fraud.example'],
      });
      expect(verdict).not.toHaveProperty('orderId');
    });
  });
});

describe('Inventory', () => {
  it('reserveStock adds the reservation id derived from the orderId', () => {
    expect(reserveStock(placed)).toEqual({ ...placed, reservationId: 'res-o-1' });
    expect(placed).not.toHaveProperty('reservationId');
  });

  it.each([['o-1'], ['3f2a9c1e-7b4d-4e8a-9f00-123456789abc']])(
    'reservationIdFor(%s) is deterministic',
    (orderId) => {
      expect(reservationIdFor(orderId)).toBe(`res-${orderId}`);
      expect(reserveStock({ orderId, items: [] }).reservationId).toBe(reservationIdFor(orderId));
    },
  );

  it.each<[string, OrderItem[], string]>([
    [
      'the only item is sold out',
      [{ sku: SOLD_OUT_SKU, quantity: 1, unitPrice: 1 }],
      'out of stock: SOLD-OUT',
    ],
    [
      'one of several items is sold out',
      [
        { sku: 'BOOK-1', quantity: 1, unitPrice: 25 },
        { sku: 'SOLD-OUT', quantity: 2, unitPrice: 1 },
      ],
      'out of stock: SOLD-OUT',
    ],
  ])('reserveStock fails when %s, with an OutOfStock error', (_name, items, message) => {
    const error = thrown(() => reserveStock({ ...placed, items }));
    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error.name).toBe('OutOfStock');
    expect(error.message).toBe(message);
  });

  it.each<[string, { orderId: string; reservationId?: string }, string]>([
    ['the reservation it is given', { orderId: 'o-1', reservationId: 'res-other' }, 'res-other'],
    ['the derived reservation', { orderId: 'o-2' }, 'res-o-2'],
  ])('releaseStock releases %s', (_name, reservation, reservationId) => {
    expect(releaseStock(reservation)).toEqual({
      orderId: reservation.orderId,
      reservationId,
      released: true,
    });
  });

  describe('handlers', () => {
    it('reserve-stock returns the order with its reservation', async () => {
      await expect(reserveStockHandler(task(placed))).resolves.toEqual({
        ...placed,
        reservationId: 'res-o-1',
      });
    });

    it('fails when reserve-stock gets a sold-out sku, with an OutOfStock error', async () => {
      await expect(
        reserveStockHandler(task({ ...placed, items: [{ sku: 'SOLD-OUT', quantity: 1 }] })),
      ).rejects.toMatchObject({ name: 'OutOfStock', message: 'out of stock: SOLD-OUT' });
    });

    it('release-stock (compensation) returns the released reservation', async () => {
      const reserved = {
        ...placed,
        reservationId: 'res-o-1',
        awaited: { event: 'PaymentFailed', data: { reason: 'declined' } },
      };
      await expect(
        releaseStockHandler(compensation(reserved, { Error: 'PaymentFailed', Cause: 'declined' })),
      ).resolves.toEqual({ orderId: 'o-1', reservationId: 'res-o-1', released: true });
    });

    it('release-stock (compensation) also works without an error in the payload', async () => {
      await expect(releaseStockHandler(task({ orderId: 'o-3' }))).resolves.toEqual({
        orderId: 'o-3',
        reservationId: 'res-o-3',
        released: true,
      });
    });
  });
});

describe('Payments', () => {
  const reserved = { ...placed, reservationId: 'res-o-1' };

  it('chargePayment charges the order total with a charge id derived from the orderId', () => {
    expect(chargePayment(reserved)).toEqual({ ...reserved, chargeId: 'chg-o-1', amount: 50 });
    expect(chargeIdFor('o-1')).toBe('chg-o-1');
  });

  it('fails when the card is declined, with a PaymentDeclined error', () => {
    const error = thrown(() => chargePayment({ ...reserved, card: DECLINED_CARD }));
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect(error.name).toBe('PaymentDeclined');
    expect(error.message).toBe('card declined for order o-1');
  });

  it.each<[string, { orderId: string; chargeId?: string; amount: number }, string]>([
    ['the charge it is given', { orderId: 'o-1', chargeId: 'chg-other', amount: 50 }, 'chg-other'],
    ['the derived charge', { orderId: 'o-2', amount: 12.5 }, 'chg-o-2'],
  ])('refundPayment refunds %s', (_name, charge, chargeId) => {
    expect(refundPayment(charge)).toEqual({
      orderId: charge.orderId,
      chargeId,
      refunded: charge.amount,
    });
  });

  describe('handlers', () => {
    it('charge-payment returns the order with the charge and the amount', async () => {
      await expect(chargePaymentHandler(task(reserved))).resolves.toEqual({
        ...reserved,
        chargeId: 'chg-o-1',
        amount: 50,
      });
    });

    it('fails when charge-payment gets the declined card, with a PaymentDeclined error', async () => {
      await expect(
        chargePaymentHandler(task({ ...reserved, card: 'declined' })),
      ).rejects.toMatchObject({ name: 'PaymentDeclined', message: 'card declined for order o-1' });
    });

    it('refund-payment (compensation) refunds the charged amount after possible fraud', async () => {
      const charged = {
        ...reserved,
        chargeId: 'chg-o-1',
        amount: 50,
        awaited: { event: 'PossibleFraud', data: { orderId: 'o-1', suspicious: true } },
      };
      await expect(
        refundPaymentHandler(
          compensation(charged, {
            Error: 'PossibleFraud',
            Cause: 'fraud detection flagged the order',
          }),
        ),
      ).resolves.toEqual({ orderId: 'o-1', chargeId: 'chg-o-1', refunded: 50 });
    });
  });
});

describe('Delivery', () => {
  const paid = { ...placed, reservationId: 'res-o-1', chargeId: 'chg-o-1', amount: 50 };
  const shipment = { ...paid, shipmentId: 'shp-o-1' };

  it.each([
    ['o-1', 'shp-o-1', 'TRK-O-1'],
    ['3f2a9c1e-7b4d', 'shp-3f2a9c1e-7b4d', 'TRK-3F2A9C1E-7B4D'],
  ])('ids of order %s are deterministic: %s, %s', (orderId, shipmentId, trackingNumber) => {
    expect(shipmentIdFor(orderId)).toBe(shipmentId);
    expect(trackingNumberFor(orderId)).toBe(trackingNumber);
  });

  it('prepareShipment adds the shipment id', () => {
    expect(prepareShipment(paid)).toEqual(shipment);
  });

  it('shipOrder adds the tracking number', () => {
    expect(shipOrder(shipment)).toEqual({ ...shipment, trackingNumber: 'TRK-O-1' });
  });

  it('cancelShipment keeps only the orderId, the shipmentId and the reason', () => {
    expect(cancelShipment(shipment, 'possible fraud')).toEqual({
      orderId: 'o-1',
      shipmentId: 'shp-o-1',
      reason: 'possible fraud',
    });
  });

  it.each<[string, AwaitedVerdict | undefined, string]>([
    [
      'possible fraud with its reasons',
      {
        event: 'PossibleFraud',
        data: { reasons: ['order total of 1000 or more', 'email domain fraud.example'] },
      },
      'possible fraud: order total of 1000 or more, email domain fraud.example',
    ],
    ['possible fraud without reasons', { event: 'PossibleFraud', data: {} }, 'possible fraud'],
    [
      'no verdict in time',
      { Error: 'States.Timeout', Cause: 'no NoFraudDetected or PossibleFraud in time' },
      'no fraud verdict in time',
    ],
    ['possible fraud when nothing was awaited', undefined, 'possible fraud'],
  ])('shipmentCancellationReason: %s', (_name, awaited, reason) => {
    expect(shipmentCancellationReason(awaited)).toBe(reason);
  });

  describe('handlers', () => {
    it("prepare-shipment adds the shipment id and drops Payments' awaited verdict", async () => {
      const captured = { ...paid, awaited: { event: 'NoFraudDetected', data: {} } };
      const prepared = await prepareShipmentHandler(task(captured));
      expect(prepared).toEqual(shipment);
      expect(prepared).not.toHaveProperty('awaited');
    });

    it('ship-order adds the tracking number once no fraud is detected', async () => {
      const cleared = { ...shipment, awaited: { event: 'NoFraudDetected', data: {} } };
      await expect(shipOrderHandler(task(cleared))).resolves.toEqual({
        ...shipment,
        trackingNumber: 'TRK-O-1',
      });
    });

    it.each<[string, AwaitedVerdict, string]>([
      [
        'possible fraud',
        { event: 'PossibleFraud', data: { reasons: ['email domain fraud.example'] } },
        'possible fraud: email domain fraud.example',
      ],
      [
        'a timeout',
        { Error: 'States.Timeout', Cause: 'no NoFraudDetected or PossibleFraud in time' },
        'no fraud verdict in time',
      ],
    ])('cancel-shipment cancels the shipment after %s', async (_name, awaited, reason) => {
      await expect(cancelShipmentHandler(task({ ...shipment, awaited }))).resolves.toEqual({
        orderId: 'o-1',
        shipmentId: 'shp-o-1',
        reason,
      });
    });
  });
});

describe('a whole flow through the handlers', () => {
  /** What an await leaves in data when `event` arrives with `data`. */
  const arrived = <D>(event: string, data: D) => ({
    event,
    source: 'shop',
    eventId: `e-${event}`,
    data,
    metadata: { correlationId: 'c-1' },
  });

  const happyFlow = async (orderId: string) => {
    const order = await placeOrderHandler(task(request({ orderId })));
    const verdict = await assessRiskHandler(task(order));
    const reserved = await reserveStockHandler(task(order));
    // The handler's types name only what it reads; the data carries the whole order forward.
    const charged = await chargePaymentHandler(task({ ...order, ...reserved }));
    const captured = { ...charged, awaited: arrived('NoFraudDetected', verdict) };
    const prepared = await prepareShipmentHandler(task(captured));
    const shipped = await shipOrderHandler(
      task({ ...prepared, awaited: arrived('NoFraudDetected', verdict) }),
    );
    const completed = await completeOrderHandler(
      task({ ...order, awaited: arrived('OrderShipped', shipped) }),
    );
    return { verdict, shipped, completed };
  };

  it('carries the orderId through every context and derives the same ids every time', async () => {
    const first = await happyFlow('o-42');
    const second = await happyFlow('o-42');
    expect(second).toEqual(first);
    expect(first.verdict).toMatchObject({ orderId: 'o-42', suspicious: false });
    expect(first.shipped).toMatchObject({
      orderId: 'o-42',
      reservationId: 'res-o-42',
      chargeId: 'chg-o-42',
      amount: 25,
      shipmentId: 'shp-o-42',
      trackingNumber: 'TRK-O-42',
    });
    expect(first.shipped).not.toHaveProperty('awaited');
    expect(first.completed).toMatchObject({
      orderId: 'o-42',
      status: 'COMPLETED',
      trackingNumber: 'TRK-O-42',
    });
  });
});

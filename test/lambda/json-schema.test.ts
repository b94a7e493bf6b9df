import { z } from 'zod';
import { ContractViolation, checkContract, schemaIssues } from '../../lambda/runtime';
import { dataJsonSchema } from '../../lib';

const Order = z.object({
  orderId: z.string().min(1),
  total: z.number().nonnegative(),
  items: z.array(z.object({ name: z.string(), quantity: z.number().int().positive() })).min(1),
  status: z.enum(['PLACED', 'CANCELLED']),
  note: z.string().nullable().optional(),
  tags: z.union([z.string(), z.array(z.string())]).optional(),
});
const schema = dataJsonSchema(Order) as Record<string, unknown>;
const good = {
  orderId: 'o-1',
  total: 9,
  items: [{ name: 'pizza', quantity: 1 }],
  status: 'PLACED',
};

describe('schemaIssues (the handler runtime checker) agrees with Zod', () => {
  it.each<[string, unknown, string[]]>([
    ['a conforming order', good, []],
    ['extra fields', { ...good, extra: true }, []],
    ['a null note', { ...good, note: null }, []],
    ['a list of tags', { ...good, tags: ['a', 'b'] }, []],
    ['a missing field', { ...good, orderId: undefined }, ['orderId is required']],
    ['an empty id', { ...good, orderId: '' }, ['orderId expected at least 1 characters']],
    ['a string total', { ...good, total: '9' }, ['total expected number, received string']],
    ['a negative total', { ...good, total: -1 }, ['total expected >= 0']],
    [
      'a fractional quantity',
      { ...good, items: [{ name: 'pizza', quantity: 1.5 }] },
      ['items.0.quantity expected integer, received number'],
    ],
    ['no items', { ...good, items: [] }, ['items expected at least 1 items']],
    [
      'an unknown status',
      { ...good, status: 'LOST' },
      ['status expected one of "PLACED", "CANCELLED"'],
    ],
    ['a tag of the wrong type', { ...good, tags: 3 }, ['tags matches none of the allowed forms']],
    ['not an object', 'order', ['(root) expected object, received string']],
  ])('%s', (_name, value, expected) => {
    const issues = schemaIssues(schema, value).map((i) => `${i.path} ${i.message}`);
    expect(issues).toEqual(expected);
    expect(Order.safeParse(value).success).toBe(expected.length === 0);
  });
});

describe('checkContract', () => {
  const previous = process.env.ENSEMBLE_CONTRACT;
  beforeEach(() => {
    process.env.ENSEMBLE_CONTRACT = JSON.stringify({ event: 'OrderPlaced', schema });
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.ENSEMBLE_CONTRACT;
    else process.env.ENSEMBLE_CONTRACT = previous;
  });

  it('throws ContractViolation with the issues in the message and the cause', () => {
    let error: unknown;
    try {
      checkContract('OrderPlaced', { ...good, total: 'nine' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as Error).name).toBe('ContractViolation');
    expect((error as Error).message).toBe(
      'the data of OrderPlaced breaks its schema: total expected number, received string',
    );
    expect((error as ContractViolation).cause).toEqual([
      { path: 'total', message: 'expected number, received string' },
    ]);
  });

  it('checks only the event of the contract, and nothing without one', () => {
    expect(() => checkContract('OrderCancelled', {})).not.toThrow();
    expect(() => checkContract(undefined, good)).not.toThrow();
    delete process.env.ENSEMBLE_CONTRACT;
    expect(() => checkContract('OrderPlaced', {})).not.toThrow();
  });
});

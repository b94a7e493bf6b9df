import { ConditionalCheckFailed, LocalDynamoDbTable } from '../../lib/runtime/dynamodb-table';

const NOW_SECONDS = 1_767_268_800; // 2026-01-01T12:00:00Z

function newTable() {
  let now = NOW_SECONDS * 1000;
  const table = new LocalDynamoDbTable('Waiters', 'pk', 'expiresAt', () => now);
  return {
    table,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

const item = (pk: string, extra: Record<string, { S?: string; N?: string }> = {}) => ({
  pk: { S: pk },
  ...extra,
});

/** The error `fn` throws, or undefined. */
function thrown(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('LocalDynamoDbTable', () => {
  describe('PutItem, GetItem and DeleteItem', () => {
    it('puts, gets and deletes an item', () => {
      const { table } = newTable();
      const stored = item('W#1', { token: { S: 't-1' } });
      expect(table.handle('PutItem', { TableName: 'Waiters', Item: stored })).toEqual({});
      expect(table.size).toBe(1);
      expect(table.handle('GetItem', { Key: { pk: { S: 'W#1' } } })).toEqual({ Item: stored });
      expect(table.handle('DeleteItem', { Key: { pk: { S: 'W#1' } } })).toEqual({});
      expect(table.size).toBe(0);
      expect((table.handle('GetItem', { Key: { pk: { S: 'W#1' } } }) as any).Item).toBeUndefined();
    });

    it('replaces an item with the same key', () => {
      const { table } = newTable();
      table.handle('PutItem', { Item: item('k', { v: { N: '1' } }) });
      table.handle('PutItem', { Item: item('k', { v: { N: '2' } }) });
      expect(table.size).toBe(1);
      expect(table.handle('GetItem', { Key: { pk: { S: 'k' } } })).toEqual({
        Item: item('k', { v: { N: '2' } }),
      });
    });

    it('tells keys of different types apart', () => {
      const { table } = newTable();
      table.handle('PutItem', { Item: { pk: { S: '1' }, from: { S: 'string' } } });
      table.handle('PutItem', { Item: { pk: { N: '1' }, from: { S: 'number' } } });
      expect(table.size).toBe(2);
      expect((table.handle('GetItem', { Key: { pk: { N: '1' } } }) as any).Item.from.S).toBe(
        'number',
      );
    });

    it.each([
      {
        name: 'ALL_OLD returns the deleted item',
        existing: true,
        returnValues: 'ALL_OLD',
        result: { Attributes: item('k', { v: { S: 'old' } }) },
      },
      {
        name: 'ALL_OLD of a missing item returns nothing',
        existing: false,
        returnValues: 'ALL_OLD',
        result: {},
      },
      { name: 'NONE returns nothing', existing: true, returnValues: 'NONE', result: {} },
      {
        name: 'no ReturnValues returns nothing',
        existing: true,
        returnValues: undefined,
        result: {},
      },
    ])('DeleteItem with $name', ({ existing, returnValues, result }) => {
      const { table } = newTable();
      if (existing) table.handle('PutItem', { Item: item('k', { v: { S: 'old' } }) });
      expect(
        table.handle('DeleteItem', { Key: { pk: { S: 'k' } }, ReturnValues: returnValues }),
      ).toEqual(result);
      expect(table.size).toBe(0);
    });

    it('fails when an item has no partition key, as PutItem does', () => {
      const { table } = newTable();
      const error = (() => {
        try {
          table.handle('PutItem', { Item: { other: { S: 'x' } } });
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(error).toMatchObject({
        name: 'ValidationException',
        message: 'One or more parameter values were invalid: Missing the key pk in the item',
      });
    });
  });

  // A table with a sort key identifies an item by both key attributes, and a Key names both.
  // @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.CoreComponents.html#HowItWorks.CoreComponents.PrimaryKey
  describe('a table with a sort key', () => {
    const orderLines = () =>
      new LocalDynamoDbTable('OrderLines', 'orderId', undefined, () => 0, 'line');
    const line = (orderId: string, n: string, sku: string) => ({
      orderId: { S: orderId },
      line: { N: n },
      sku: { S: sku },
    });

    it('keeps two items of one partition apart, by their sort key', () => {
      const table = orderLines();
      table.handle('PutItem', {
        Item: line('o-1', '1', 'pizza'),
        ConditionExpression: 'attribute_not_exists(orderId)',
      });
      table.handle('PutItem', {
        Item: line('o-1', '2', 'cola'),
        ConditionExpression: 'attribute_not_exists(orderId)',
      });
      expect(table.size).toBe(2);
      expect(table.handle('GetItem', { Key: { orderId: { S: 'o-1' }, line: { N: '2' } } })).toEqual(
        { Item: line('o-1', '2', 'cola') },
      );
      table.handle('DeleteItem', { Key: { orderId: { S: 'o-1' }, line: { N: '1' } } });
      expect(table.size).toBe(1);
    });

    it('refuses a Key without the sort key, and an update of it', () => {
      const table = orderLines();
      expect(() =>
        table.handle('UpdateItem', {
          Key: { orderId: { S: 'o-1' } },
          UpdateExpression: 'SET sku = :s',
          ExpressionAttributeValues: { ':s': { S: 'x' } },
        }),
      ).toThrow('The provided key element does not match the schema');
      expect(() =>
        table.handle('UpdateItem', {
          Key: { orderId: { S: 'o-1' }, line: { N: '1' } },
          UpdateExpression: 'SET line = :n',
          ExpressionAttributeValues: { ':n': { N: '3' } },
        }),
      ).toThrow('Cannot update attribute line. This attribute is part of the key');
    });
  });

  describe('GetItem with a ProjectionExpression', () => {
    // The developer guide's example, on its ProductCatalog item 123:
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
    const product = {
      Id: { N: '123' },
      Title: { S: 'Book 123 Title' },
      Description: { S: '123 description' },
      RelatedItems: { L: [{ N: '341' }, { N: '472' }, { N: '649' }] },
      ProductReviews: {
        M: {
          FiveStar: {
            L: [
              { S: "Excellent! Can't recommend it highly enough! Buy it!" },
              { S: 'Do yourself a favor and buy this.' },
            ],
          },
          OneStar: { L: [{ S: 'Terrible product! Do not buy this.' }] },
        },
      },
    };

    function catalog() {
      const table = new LocalDynamoDbTable('ProductCatalog', 'Id', undefined, () => 0);
      table.handle('PutItem', { Item: product });
      return table;
    }

    it('returns a top-level attribute, a list element and a nested list', () => {
      expect(
        catalog().handle('GetItem', {
          Key: { Id: { N: '123' } },
          ProjectionExpression: 'Description, RelatedItems[0], ProductReviews.FiveStar',
        }),
      ).toEqual({
        Item: {
          Description: product.Description,
          RelatedItems: { L: [{ N: '341' }] },
          ProductReviews: { M: { FiveStar: product.ProductReviews.M.FiveStar } },
        },
      });
    });

    it('resolves ExpressionAttributeNames and leaves out missing attributes', () => {
      expect(
        catalog().handle('GetItem', {
          Key: { Id: { N: '123' } },
          ProjectionExpression: '#t, Price, RelatedItems[2], RelatedItems[7]',
          ExpressionAttributeNames: { '#t': 'Title' },
        }),
      ).toEqual({ Item: { Title: product.Title, RelatedItems: { L: [{ N: '649' }] } } });
    });

    it('returns no Item for a missing key', () => {
      expect(
        catalog().handle('GetItem', { Key: { Id: { N: '1' } }, ProjectionExpression: 'Title' }),
      ).toEqual({});
      expect(
        Object.keys(catalog().handle('GetItem', { Key: { Id: { N: '1' } } }) as object),
      ).toEqual([]);
    });

    it.each([
      {
        name: 'an undefined name',
        input: { ProjectionExpression: '#t' },
        message:
          'Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #t',
      },
      {
        name: 'names without a projection',
        input: { ExpressionAttributeNames: { '#t': 'Title' } },
        message: 'ExpressionAttributeNames can only be specified when using expressions',
      },
      {
        name: 'an unused name',
        input: { ProjectionExpression: 'Title', ExpressionAttributeNames: { '#t': 'Title' } },
        message: 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#t}',
      },
      {
        name: 'a reserved word',
        input: { ProjectionExpression: 'Title, Data' },
        message:
          'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Data',
      },
      {
        name: 'overlapping paths',
        input: { ProjectionExpression: 'ProductReviews, ProductReviews.FiveStar' },
        message:
          'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [ProductReviews], path two: [ProductReviews, FiveStar]',
      },
      {
        name: 'a syntax error',
        input: { ProjectionExpression: 'Title,, Price' },
        message: /^Invalid ProjectionExpression: Syntax error; token: ",", near: /,
      },
    ])('fails with ValidationException on $name', ({ input, message }) => {
      const error = thrown(() =>
        catalog().handle('GetItem', { Key: { Id: { N: '123' } }, ...input }),
      );
      expect(error?.name).toBe('ValidationException');
      if (typeof message === 'string') expect(error?.message).toBe(message);
      else expect(error?.message).toMatch(message);
    });
  });

  describe('PutItem and DeleteItem requests DynamoDB rejects', () => {
    it.each([
      {
        name: 'PutItem with ReturnValues ALL_NEW',
        action: 'PutItem',
        input: { Item: item('k'), ReturnValues: 'ALL_NEW' },
        message: 'ReturnValues can only be ALL_OLD or NONE',
      },
      {
        name: 'DeleteItem with ReturnValues UPDATED_OLD',
        action: 'DeleteItem',
        input: { Key: { pk: { S: 'k' } }, ReturnValues: 'UPDATED_OLD' },
        message: 'ReturnValues can only be ALL_OLD or NONE',
      },
      {
        name: 'PutItem with an unused value',
        action: 'PutItem',
        input: {
          Item: item('k'),
          ConditionExpression: 'attribute_not_exists(pk)',
          ExpressionAttributeValues: { ':now': { N: '1' } },
        },
        message: 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:now}',
      },
      {
        name: 'DeleteItem with an undefined name',
        action: 'DeleteItem',
        input: { Key: { pk: { S: 'k' } }, ConditionExpression: 'attribute_exists(#k)' },
        message:
          'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #k',
      },
      {
        name: 'PutItem with values and no condition',
        action: 'PutItem',
        input: { Item: item('k'), ExpressionAttributeValues: { ':v': { N: '1' } } },
        message:
          'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null',
      },
    ])(
      'fails with ValidationException on $name and changes nothing',
      ({ action, input, message }) => {
        const { table } = newTable();
        table.handle('PutItem', { Item: item('k', { v: { S: 'kept' } }) });
        const error = thrown(() => table.handle(action, input));
        expect(error?.name).toBe('ValidationException');
        expect(error?.message).toBe(message);
        expect(table.handle('GetItem', { Key: { pk: { S: 'k' } } })).toEqual({
          Item: item('k', { v: { S: 'kept' } }),
        });
      },
    );
  });

  describe('condition expressions', () => {
    const existing = item('k', {
      status: { S: 'open' },
      expiresAt: { N: String(NOW_SECONDS + 100) },
    });

    it.each<{
      name: string;
      present: boolean;
      condition: string;
      values?: Record<string, { S?: string; N?: string }>;
      names?: Record<string, string>;
      passes: boolean;
    }>([
      {
        name: 'attribute_not_exists on a new key',
        present: false,
        condition: 'attribute_not_exists(pk)',
        passes: true,
      },
      {
        name: 'attribute_not_exists on a taken key',
        present: true,
        condition: 'attribute_not_exists(pk)',
        passes: false,
      },
      {
        name: 'attribute_exists on a taken key',
        present: true,
        condition: 'attribute_exists(pk)',
        passes: true,
      },
      {
        name: 'attribute_exists on a new key',
        present: false,
        condition: 'attribute_exists(pk)',
        passes: false,
      },
      {
        name: 'attribute_exists on a missing attribute',
        present: true,
        condition: 'attribute_exists(other)',
        passes: false,
      },
      {
        name: '= with an equal value',
        present: true,
        condition: 'status = :s',
        values: { ':s': { S: 'open' } },
        passes: true,
      },
      {
        name: '= with another value',
        present: true,
        condition: 'status = :s',
        values: { ':s': { S: 'closed' } },
        passes: false,
      },
      {
        name: '= of a string against a number',
        present: true,
        condition: 'status = :s',
        values: { ':s': { N: '1' } },
        passes: false,
      },
      {
        name: '< when smaller',
        present: true,
        condition: 'expiresAt < :now',
        values: { ':now': { N: String(NOW_SECONDS + 200) } },
        passes: true,
      },
      {
        name: '< when larger',
        present: true,
        condition: 'expiresAt < :now',
        values: { ':now': { N: String(NOW_SECONDS) } },
        passes: false,
      },
      {
        name: '< when equal',
        present: true,
        condition: 'expiresAt < :now',
        values: { ':now': { N: String(NOW_SECONDS + 100) } },
        passes: false,
      },
      {
        name: '> when larger',
        present: true,
        condition: 'expiresAt > :now',
        values: { ':now': { N: String(NOW_SECONDS) } },
        passes: true,
      },
      {
        name: '> when smaller',
        present: true,
        condition: 'expiresAt > :now',
        values: { ':now': { N: String(NOW_SECONDS + 200) } },
        passes: false,
      },
      {
        name: '< on a missing item',
        present: false,
        condition: 'expiresAt < :now',
        values: { ':now': { N: String(NOW_SECONDS) } },
        passes: false,
      },
      {
        name: 'AND with both true',
        present: true,
        condition: 'attribute_exists(pk) AND status = :s',
        values: { ':s': { S: 'open' } },
        passes: true,
      },
      {
        name: 'AND with one false',
        present: true,
        condition: 'attribute_exists(pk) AND status = :s',
        values: { ':s': { S: 'closed' } },
        passes: false,
      },
      {
        name: 'OR with the first true',
        present: false,
        condition: 'attribute_not_exists(pk) OR expiresAt < :now',
        values: { ':now': { N: String(NOW_SECONDS) } },
        passes: true,
      },
      {
        name: 'OR with the second true',
        present: true,
        condition: 'attribute_not_exists(pk) OR expiresAt < :now',
        values: { ':now': { N: String(NOW_SECONDS + 200) } },
        passes: true,
      },
      {
        name: 'OR with both false',
        present: true,
        condition: 'attribute_not_exists(pk) OR expiresAt < :now',
        values: { ':now': { N: String(NOW_SECONDS) } },
        passes: false,
      },
      {
        name: 'ExpressionAttributeNames in a function',
        present: true,
        condition: 'attribute_exists(#k)',
        names: { '#k': 'pk' },
        passes: true,
      },
      {
        name: 'ExpressionAttributeNames in a comparison',
        present: true,
        condition: '#s = :s',
        names: { '#s': 'status' },
        values: { ':s': { S: 'open' } },
        passes: true,
      },
    ])('PutItem with $name', ({ present, condition, values, names, passes }) => {
      const { table } = newTable();
      if (present) table.handle('PutItem', { Item: existing });
      const replacement = item('k', { status: { S: 'new' } });
      const put = () =>
        table.handle('PutItem', {
          Item: replacement,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        });
      if (passes) {
        expect(put()).toEqual({});
        expect(table.handle('GetItem', { Key: { pk: { S: 'k' } } })).toEqual({ Item: replacement });
      } else {
        expect(put).toThrow(ConditionalCheckFailed);
        const expected = present ? { Item: existing } : { Item: undefined };
        expect(table.handle('GetItem', { Key: { pk: { S: 'k' } } })).toEqual(expected);
      }
    });

    it('fails with ConditionalCheckFailedException, as DynamoDB names it', () => {
      const { table } = newTable();
      table.handle('PutItem', { Item: existing });
      const error = thrown(() =>
        table.handle('PutItem', {
          Item: existing,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      expect(error?.name).toBe('ConditionalCheckFailedException');
      expect(error?.message).toBe('The conditional request failed');
    });

    it('checks a DeleteItem condition and keeps the item when it fails', () => {
      const { table } = newTable();
      table.handle('PutItem', { Item: existing });
      const del = (status: string) =>
        table.handle('DeleteItem', {
          Key: { pk: { S: 'k' } },
          ConditionExpression: 'status = :s',
          ExpressionAttributeValues: { ':s': { S: status } },
          ReturnValues: 'ALL_OLD',
        });
      expect(() => del('closed')).toThrow(ConditionalCheckFailed);
      expect(table.size).toBe(1);
      expect(del('open')).toEqual({ Attributes: existing });
      expect(table.size).toBe(0);
    });
  });

  describe('TTL', () => {
    it('hides an item once its TTL has passed', () => {
      const { table, advance } = newTable();
      const stored = item('k', { expiresAt: { N: String(NOW_SECONDS + 60) } });
      table.handle('PutItem', { Item: stored });
      advance(60);
      expect(table.size).toBe(1);
      expect(table.handle('GetItem', { Key: { pk: { S: 'k' } } })).toEqual({ Item: stored });
      advance(1);
      expect(table.size).toBe(0);
      expect((table.handle('GetItem', { Key: { pk: { S: 'k' } } }) as any).Item).toBeUndefined();
      expect(
        table.handle('DeleteItem', { Key: { pk: { S: 'k' } }, ReturnValues: 'ALL_OLD' }),
      ).toEqual({});
    });

    it('lets attribute_not_exists pass for an expired item', () => {
      const { table, advance } = newTable();
      table.handle('PutItem', { Item: item('k', { expiresAt: { N: String(NOW_SECONDS + 10) } }) });
      const again = item('k', { expiresAt: { N: String(NOW_SECONDS + 1000) } });
      const put = () =>
        table.handle('PutItem', { Item: again, ConditionExpression: 'attribute_not_exists(pk)' });
      expect(put).toThrow(ConditionalCheckFailed);
      advance(11);
      expect(put()).toEqual({});
      expect(table.size).toBe(1);
    });

    it.each<{ name: string; extra: Record<string, { S?: string; N?: string }> }>([
      { name: 'without a TTL attribute', extra: {} },
      { name: 'with an empty TTL value', extra: { expiresAt: { N: '' } } },
      { name: 'with a TTL attribute that is not a number', extra: { expiresAt: { S: 'soon' } } },
    ])('keeps an item $name', ({ extra }) => {
      const { table, advance } = newTable();
      table.handle('PutItem', { Item: item('k', extra) });
      advance(10 * 365 * 24 * 3600);
      expect(table.size).toBe(1);
    });

    it('ignores TTL values when the table has no TTL attribute', () => {
      const table = new LocalDynamoDbTable('NoTtl', 'pk', undefined, () => Number.MAX_SAFE_INTEGER);
      table.handle('PutItem', { Item: item('k', { expiresAt: { N: '1' } }) });
      expect(table.size).toBe(1);
    });

    it('counts only live items in size', () => {
      const { table, advance } = newTable();
      table.handle('PutItem', { Item: item('a', { expiresAt: { N: String(NOW_SECONDS + 5) } }) });
      table.handle('PutItem', { Item: item('b', { expiresAt: { N: String(NOW_SECONDS + 50) } }) });
      table.handle('PutItem', { Item: item('c') });
      expect(table.size).toBe(3);
      advance(6);
      expect(table.size).toBe(2);
      advance(50);
      expect(table.size).toBe(1);
    });
  });

  describe('UpdateItem', () => {
    // The examples of "Using update expressions in DynamoDB", on its ProductCatalog item:
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
    const KEY = { Id: { N: '789' } };
    const PRODUCT = {
      Id: { N: '789' },
      ProductCategory: { S: 'Home Improvement' },
      Price: { N: '52' },
      InStock: { BOOL: true },
      Brand: { S: 'Acme' },
    };

    /** A ProductCatalog table holding PRODUCT with `extra` attributes. */
    function catalog(extra: Record<string, unknown> = {}) {
      const table = new LocalDynamoDbTable('ProductCatalog', 'Id', undefined, () => 0);
      table.handle('PutItem', { Item: { ...PRODUCT, ...extra } });
      const update = (input: Record<string, unknown>) =>
        table.handle('UpdateItem', {
          TableName: 'ProductCatalog',
          Key: KEY,
          ReturnValues: 'ALL_NEW',
          ...input,
        }) as { Attributes?: Record<string, unknown> };
      const stored = () => (table.handle('GetItem', { Key: KEY }) as { Item?: unknown }).Item;
      return { table, update, stored };
    }

    const s = (value: string) => ({ S: value });
    const n = (value: string) => ({ N: value });
    const list = (...values: string[]) => ({ L: values.map(s) });

    describe("the developer guide's examples", () => {
      it('SET modifies attributes', () => {
        const { update } = catalog();
        expect(
          update({
            UpdateExpression: 'SET ProductCategory = :c, Price = :p',
            ExpressionAttributeValues: { ':c': s('Hardware'), ':p': n('60') },
          }),
        ).toEqual({
          Attributes: { ...PRODUCT, ProductCategory: s('Hardware'), Price: n('60') },
        });
      });

      it('SET adds a list and a map', () => {
        const { update } = catalog();
        const pr = { M: { FiveStar: list('Best product ever!') } };
        expect(
          update({
            UpdateExpression: 'SET RelatedItems = :ri, ProductReviews = :pr',
            ExpressionAttributeValues: { ':ri': list('Hammer'), ':pr': pr },
          }).Attributes,
        ).toEqual({ ...PRODUCT, RelatedItems: list('Hammer'), ProductReviews: pr });
      });

      it('SET of a list element past the end appends it', () => {
        const { update } = catalog({ RelatedItems: list('Hammer') });
        expect(
          update({
            UpdateExpression: 'SET RelatedItems[1] = :ri',
            ExpressionAttributeValues: { ':ri': s('Nails') },
          }).Attributes?.RelatedItems,
        ).toEqual(list('Hammer', 'Nails'));
      });

      it('SET adds nested map attributes through ExpressionAttributeNames', () => {
        const { update } = catalog({
          ProductReviews: { M: { FiveStar: list('Best product ever!') } },
        });
        expect(
          update({
            UpdateExpression: 'SET #pr.#5star[1] = :r5, #pr.#3star = :r3',
            ExpressionAttributeNames: {
              '#pr': 'ProductReviews',
              '#5star': 'FiveStar',
              '#3star': 'ThreeStar',
            },
            ExpressionAttributeValues: {
              ':r5': s('Very happy with my purchase'),
              ':r3': list('Just OK - not that great'),
            },
          }).Attributes?.ProductReviews,
        ).toEqual({
          M: {
            FiveStar: list('Best product ever!', 'Very happy with my purchase'),
            ThreeStar: list('Just OK - not that great'),
          },
        });
      });

      it.each([
        { expression: 'SET Price = Price - :p', price: '37' },
        { expression: 'SET Price = Price + :p', price: '67' },
      ])('$expression changes a number', ({ expression, price }) => {
        const { update } = catalog();
        expect(
          update({ UpdateExpression: expression, ExpressionAttributeValues: { ':p': n('15') } })
            .Attributes?.Price,
        ).toEqual(n(price));
      });

      it('list_append appends to the end or, with its operands swapped, to the start', () => {
        const { update } = catalog({ RelatedItems: list('Hammer', 'Nails') });
        update({
          UpdateExpression: 'SET #ri = list_append(#ri, :vals)',
          ExpressionAttributeNames: { '#ri': 'RelatedItems' },
          ExpressionAttributeValues: { ':vals': list('Screwdriver', 'Hacksaw') },
        });
        expect(
          update({
            UpdateExpression: 'SET #ri = list_append(:vals, #ri)',
            ExpressionAttributeNames: { '#ri': 'RelatedItems' },
            ExpressionAttributeValues: { ':vals': list('Chisel') },
          }).Attributes?.RelatedItems,
        ).toEqual(list('Chisel', 'Hammer', 'Nails', 'Screwdriver', 'Hacksaw'));
      });

      it('if_not_exists keeps an existing attribute and sets a missing one', () => {
        const { update } = catalog();
        const input = {
          UpdateExpression: 'SET Price = if_not_exists(Price, :p)',
          ExpressionAttributeValues: { ':p': n('100') },
        };
        expect(update(input).Attributes?.Price).toEqual(n('52'));
        update({ UpdateExpression: 'REMOVE Price' });
        expect(update(input).Attributes?.Price).toEqual(n('100'));
      });

      it('REMOVE deletes attributes, and nothing happens for a missing one', () => {
        const { update } = catalog();
        expect(update({ UpdateExpression: 'REMOVE Brand, InStock, QuantityOnHand' })).toEqual({
          Attributes: { Id: n('789'), ProductCategory: s('Home Improvement'), Price: n('52') },
        });
      });

      it('REMOVE deletes list elements by their positions before the update', () => {
        const { update } = catalog({
          RelatedItems: list('Chisel', 'Hammer', 'Nails', 'Screwdriver', 'Hacksaw'),
        });
        expect(
          update({ UpdateExpression: 'REMOVE RelatedItems[1], RelatedItems[2]' }).Attributes
            ?.RelatedItems,
        ).toEqual(list('Chisel', 'Screwdriver', 'Hacksaw'));
      });

      it('ADD creates a number, then adds to it', () => {
        const { update } = catalog();
        const input = {
          UpdateExpression: 'ADD QuantityOnHand :q',
          ExpressionAttributeValues: { ':q': n('5') },
        };
        expect(update(input).Attributes?.QuantityOnHand).toEqual(n('5'));
        expect(update(input).Attributes?.QuantityOnHand).toEqual(n('10'));
      });

      it('ADD creates a set, then adds elements to it; DELETE removes elements', () => {
        const { update } = catalog();
        update({
          UpdateExpression: 'ADD Color :c',
          ExpressionAttributeValues: { ':c': { SS: ['Orange', 'Purple'] } },
        });
        expect(
          update({
            UpdateExpression: 'ADD Color :c',
            ExpressionAttributeValues: { ':c': { SS: ['Yellow', 'Green', 'Blue'] } },
          }).Attributes?.Color,
        ).toEqual({ SS: ['Orange', 'Purple', 'Yellow', 'Green', 'Blue'] });
        expect(
          update({
            UpdateExpression: 'DELETE Color :p',
            ExpressionAttributeValues: { ':p': { SS: ['Yellow', 'Purple'] } },
          }).Attributes?.Color,
        ).toEqual({ SS: ['Orange', 'Green', 'Blue'] });
      });
    });

    describe('update semantics', () => {
      it('creates the item when none has the key', () => {
        const table = new LocalDynamoDbTable('ProductCatalog', 'Id', undefined, () => 0);
        expect(
          table.handle('UpdateItem', {
            Key: { Id: n('1') },
            UpdateExpression: 'SET Title = :t ADD Visits :one',
            ExpressionAttributeValues: { ':t': s('Book'), ':one': n('1') },
            ReturnValues: 'ALL_NEW',
          }),
        ).toEqual({ Attributes: { Id: n('1'), Title: s('Book'), Visits: n('1') } });
        expect(table.size).toBe(1);
      });

      it('stores the update: GetItem sees it', () => {
        const { update, stored } = catalog();
        update({ UpdateExpression: 'SET Price = :p', ExpressionAttributeValues: { ':p': n('1') } });
        expect(stored()).toEqual({ ...PRODUCT, Price: n('1') });
      });

      it('evaluates every action against the item as it was before the update', () => {
        const { update } = catalog();
        expect(
          update({
            UpdateExpression: 'SET Price = :p, OldPrice = Price, Doubled = Price + Price',
            ExpressionAttributeValues: { ':p': n('60') },
          }).Attributes,
        ).toMatchObject({ Price: n('60'), OldPrice: n('52'), Doubled: n('104') });
      });

      it('reads nested operands and writes list elements in index order', () => {
        const { update } = catalog({
          b: { M: { a: n('1'), b: n('2'), c: n('3') } },
          c: { L: [n('1'), n('3')] },
        });
        const result = update({
          UpdateExpression:
            'set b.c=((c[1])+(b.a)),b.a = Id,c[1] = Id, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a',
          ExpressionAttributeValues: { ':a': n('2'), ':b': { SS: ['a'] } },
          ReturnValues: 'UPDATED_NEW',
        });
        expect(result).toEqual({
          Attributes: {
            b: { M: { a: n('789'), c: n('4') } },
            c: { L: [n('789'), n('3'), n('2')] },
          },
        });
      });

      it.each([
        { a: '0.1', op: '+', b: '0.2', sum: '0.3' },
        { a: '1.50', op: '+', b: '1', sum: '2.5' },
        {
          a: '12345678901234567890123456789012345678',
          op: '+',
          b: '1',
          sum: '12345678901234567890123456789012345679',
        },
        { a: '1', op: '-', b: '3', sum: '-2' },
        { a: '-1.5', op: '-', b: '-1.5', sum: '0' },
        { a: '1E+2', op: '+', b: '1', sum: '101' },
      ])('computes $a $op $b exactly, as DynamoDB numbers are decimal', ({ a, op, b, sum }) => {
        const { update } = catalog({ x: n(a) });
        expect(
          update({
            UpdateExpression: `SET x = x ${op} :b`,
            ExpressionAttributeValues: { ':b': n(b) },
          }).Attributes?.x,
        ).toEqual(n(sum));
      });

      it('ADD of a negative number subtracts it', () => {
        const { update } = catalog();
        expect(
          update({ UpdateExpression: 'ADD Price :d', ExpressionAttributeValues: { ':d': n('-2') } })
            .Attributes?.Price,
        ).toEqual(n('50'));
      });

      it('ADD and DELETE compare number set elements by value', () => {
        const { update } = catalog({ Sizes: { NS: ['1', '2.0'] } });
        update({
          UpdateExpression: 'ADD Sizes :s',
          ExpressionAttributeValues: { ':s': { NS: ['1.0', '3'] } },
        });
        expect(
          update({
            UpdateExpression: 'DELETE Sizes :s',
            ExpressionAttributeValues: { ':s': { NS: ['2'] } },
          }).Attributes?.Sizes,
        ).toEqual({ NS: ['1', '3'] });
      });

      it('ADD and DELETE compare binary set elements by their bytes', () => {
        const bytes = (...b: number[]) => new Uint8Array(b);
        const { update } = catalog({ Blobs: { BS: [bytes(1), bytes(2)] } });
        update({
          UpdateExpression: 'ADD Blobs :b',
          ExpressionAttributeValues: { ':b': { BS: [bytes(2), bytes(3)] } },
        });
        expect(
          update({
            UpdateExpression: 'DELETE Blobs :b',
            ExpressionAttributeValues: { ':b': { BS: [bytes(1)] } },
          }).Attributes?.Blobs,
        ).toEqual({ BS: [bytes(2), bytes(3)] });
      });

      it('DELETE of every element removes the set attribute', () => {
        const { update } = catalog({ Color: { SS: ['Red'] } });
        expect(
          update({
            UpdateExpression: 'DELETE Color :c',
            ExpressionAttributeValues: { ':c': { SS: ['Red', 'Blue'] } },
          }).Attributes,
        ).toEqual(PRODUCT);
      });

      it('takes a reserved word through ExpressionAttributeNames', () => {
        const { update } = catalog();
        expect(
          update({
            UpdateExpression: 'SET #s = :s',
            ExpressionAttributeNames: { '#s': 'Status' },
            ExpressionAttributeValues: { ':s': s('new') },
          }).Attributes?.Status,
        ).toEqual(s('new'));
      });

      it('accepts keywords in any case and clauses in any order', () => {
        const { update } = catalog({ Tags: { SS: ['a', 'b'] } });
        expect(
          update({
            UpdateExpression: 'delete Tags :t add Visits :one remove Brand set Price = :p',
            ExpressionAttributeValues: { ':t': { SS: ['a'] }, ':one': n('1'), ':p': n('1') },
          }).Attributes,
        ).toEqual({
          Id: n('789'),
          ProductCategory: s('Home Improvement'),
          Price: n('1'),
          InStock: { BOOL: true },
          Tags: { SS: ['b'] },
          Visits: n('1'),
        });
      });

      it('does not change the item it returned before', () => {
        const { update, stored } = catalog({ Tags: { SS: ['a'] } });
        const before = stored();
        update({
          UpdateExpression: 'ADD Tags :t SET Price = :p',
          ExpressionAttributeValues: { ':t': { SS: ['b'] }, ':p': n('1') },
        });
        expect(before).toEqual({ ...PRODUCT, Tags: { SS: ['a'] } });
      });
    });

    describe('ReturnValues', () => {
      const input = {
        UpdateExpression: 'SET Price = :p, Discount = :d REMOVE Brand',
        ExpressionAttributeValues: { ':p': n('60'), ':d': n('5') },
      };
      const after = {
        Id: n('789'),
        ProductCategory: s('Home Improvement'),
        Price: n('60'),
        InStock: { BOOL: true },
        Discount: n('5'),
      };

      it.each([
        { returnValues: undefined, result: {} },
        { returnValues: 'NONE', result: {} },
        { returnValues: 'ALL_OLD', result: { Attributes: PRODUCT } },
        {
          returnValues: 'UPDATED_OLD',
          result: { Attributes: { Price: n('52'), Brand: s('Acme') } },
        },
        { returnValues: 'ALL_NEW', result: { Attributes: after } },
        {
          returnValues: 'UPDATED_NEW',
          result: { Attributes: { Price: n('60'), Discount: n('5') } },
        },
      ])('$returnValues on an existing item', ({ returnValues, result }) => {
        const { update } = catalog();
        expect(update({ ...input, ReturnValues: returnValues })).toEqual(result);
      });

      it.each([
        { returnValues: 'ALL_OLD', result: {} },
        { returnValues: 'UPDATED_OLD', result: {} },
        {
          returnValues: 'ALL_NEW',
          result: { Attributes: { Id: n('1'), Price: n('60'), Discount: n('5') } },
        },
        {
          returnValues: 'UPDATED_NEW',
          result: { Attributes: { Price: n('60'), Discount: n('5') } },
        },
      ])('$returnValues on a new item', ({ returnValues, result }) => {
        const table = new LocalDynamoDbTable('ProductCatalog', 'Id', undefined, () => 0);
        expect(
          table.handle('UpdateItem', { Key: { Id: n('1') }, ...input, ReturnValues: returnValues }),
        ).toEqual(result);
      });
    });

    describe('condition expressions', () => {
      it('updates when the condition holds', () => {
        const { update } = catalog();
        expect(
          update({
            UpdateExpression: 'SET Price = :new',
            ConditionExpression: 'Price = :old',
            ExpressionAttributeValues: { ':new': n('60'), ':old': n('52') },
          }).Attributes?.Price,
        ).toEqual(n('60'));
      });

      it('fails with ConditionalCheckFailedException and leaves the item as it was', () => {
        const { update, stored } = catalog();
        const error = thrown(() =>
          update({
            UpdateExpression: 'SET Price = :new',
            ConditionExpression: 'Price = :old',
            ExpressionAttributeValues: { ':new': n('60'), ':old': n('1') },
          }),
        );
        expect(error).toBeInstanceOf(ConditionalCheckFailed);
        expect(error?.name).toBe('ConditionalCheckFailedException');
        expect(error?.message).toBe('The conditional request failed');
        expect(stored()).toEqual(PRODUCT);
      });

      it.each([
        { returnValues: 'ALL_OLD', item: PRODUCT },
        { returnValues: 'NONE', item: undefined },
        { returnValues: undefined, item: undefined },
      ])(
        'carries the item on the error for ReturnValuesOnConditionCheckFailure $returnValues',
        ({ returnValues, item: expected }) => {
          const { update } = catalog();
          const error = thrown(() =>
            update({
              UpdateExpression: 'REMOVE Brand',
              ConditionExpression: 'attribute_not_exists(Id)',
              ReturnValuesOnConditionCheckFailure: returnValues,
            }),
          ) as Error & { Item?: unknown };
          expect(error).toBeInstanceOf(ConditionalCheckFailed);
          expect(error.Item).toEqual(expected);
        },
      );

      it('creates no item when the condition fails on a missing one', () => {
        const table = new LocalDynamoDbTable('ProductCatalog', 'Id', undefined, () => 0);
        const update = () =>
          table.handle('UpdateItem', {
            Key: { Id: n('1') },
            UpdateExpression: 'SET Price = :p',
            ConditionExpression: 'attribute_exists(Id)',
            ExpressionAttributeValues: { ':p': n('1') },
          });
        expect(update).toThrow(ConditionalCheckFailed);
        expect(table.size).toBe(0);
      });

      it('treats an item past its TTL as missing', () => {
        const { table, advance } = newTable();
        table.handle('PutItem', { Item: item('k', { expiresAt: { N: String(NOW_SECONDS + 1) } }) });
        advance(2);
        expect(
          table.handle('UpdateItem', {
            Key: { pk: { S: 'k' } },
            UpdateExpression: 'SET v = :v',
            ConditionExpression: 'attribute_not_exists(pk)',
            ExpressionAttributeValues: { ':v': { S: 'new' } },
            ReturnValues: 'ALL_NEW',
          }),
        ).toEqual({ Attributes: { pk: { S: 'k' }, v: { S: 'new' } } });
      });
    });

    describe('validation', () => {
      it.each<{ name: string; input: Record<string, unknown>; message: string | RegExp }>([
        {
          name: 'a syntax error',
          input: { UpdateExpression: 'SET Price = ' },
          message: /^Invalid UpdateExpression: Syntax error; token: "<EOF>", near: /,
        },
        {
          name: 'an unknown keyword',
          input: {
            UpdateExpression: 'UPSERT Price = :p',
            ExpressionAttributeValues: { ':p': n('1') },
          },
          message: /^Invalid UpdateExpression: Syntax error; token: "UPSERT", near: /,
        },
        {
          name: 'three operands of + and -',
          input: { UpdateExpression: 'SET a = Price + Price + Price' },
          message: /^Invalid UpdateExpression: Syntax error; token: "\+"/,
        },
        {
          name: 'an empty expression',
          input: { UpdateExpression: '  ' },
          message: 'Invalid UpdateExpression: The expression can not be empty;',
        },
        {
          name: 'a reserved word as an attribute name',
          input: {
            UpdateExpression: 'SET Status = :s',
            ExpressionAttributeValues: { ':s': s('new') },
          },
          message:
            'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Status',
        },
        {
          name: 'a reserved word inside a path',
          input: { UpdateExpression: 'REMOVE Dimensions.size' },
          message:
            'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: size',
        },
        {
          name: 'a clause used twice',
          input: {
            UpdateExpression: 'SET a = :p SET b = :p',
            ExpressionAttributeValues: { ':p': n('1') },
          },
          message:
            'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
        },
        {
          name: 'an unknown function',
          input: {
            UpdateExpression: 'SET a = if_not_exist(a, :p)',
            ExpressionAttributeValues: { ':p': n('1') },
          },
          message: 'Invalid UpdateExpression: Invalid function name; function: if_not_exist',
        },
        {
          name: 'a function name in another case',
          input: {
            UpdateExpression: 'SET a = LIST_APPEND(a, :p)',
            ExpressionAttributeValues: { ':p': list('x') },
          },
          message: 'Invalid UpdateExpression: Invalid function name; function: LIST_APPEND',
        },
        {
          name: 'a missing expression attribute value',
          input: { UpdateExpression: 'SET Price = :p' },
          message:
            'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :p',
        },
        {
          name: 'a missing expression attribute name',
          input: { UpdateExpression: 'REMOVE #b' },
          message:
            'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #b',
        },
        {
          name: 'an unused expression attribute value',
          input: {
            UpdateExpression: 'SET Price = :p',
            ExpressionAttributeValues: { ':p': n('1'), ':q': n('2') },
          },
          message: 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:q}',
        },
        {
          name: 'an unused expression attribute name',
          input: { UpdateExpression: 'REMOVE Brand', ExpressionAttributeNames: { '#b': 'Brand' } },
          message: 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}',
        },
        {
          name: 'a missing value in the condition',
          input: { UpdateExpression: 'REMOVE Brand', ConditionExpression: 'Price = :p' },
          message:
            'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :p',
        },
        {
          name: 'an update of the key attribute',
          input: { UpdateExpression: 'SET Id = :id', ExpressionAttributeValues: { ':id': n('1') } },
          message:
            'One or more parameter values were invalid: Cannot update attribute Id. This attribute is part of the key',
        },
        {
          name: 'a removal of the key attribute by its placeholder',
          input: { UpdateExpression: 'REMOVE #id', ExpressionAttributeNames: { '#id': 'Id' } },
          message:
            'One or more parameter values were invalid: Cannot update attribute Id. This attribute is part of the key',
        },
        {
          name: 'two actions on the same path',
          input: {
            UpdateExpression: 'SET Price = :p REMOVE Price',
            ExpressionAttributeValues: { ':p': n('1') },
          },
          message:
            'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [Price], path two: [Price]',
        },
        {
          name: 'an action inside another one',
          input: {
            UpdateExpression: 'SET a = :m, a.b = :m',
            ExpressionAttributeValues: { ':m': { M: {} } },
          },
          message:
            'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]',
        },
        {
          name: 'a path used as a list and as a map',
          input: {
            UpdateExpression: 'SET a[1] = :m, a.b = :m',
            ExpressionAttributeValues: { ':m': n('1') },
          },
          message:
            'Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]',
        },
        {
          name: 'ADD of a string',
          input: { UpdateExpression: 'ADD Brand :b', ExpressionAttributeValues: { ':b': s('x') } },
          message:
            'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING',
        },
        {
          name: 'DELETE of a number',
          input: {
            UpdateExpression: 'DELETE Price :p',
            ExpressionAttributeValues: { ':p': n('1') },
          },
          message:
            'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER',
        },
        {
          name: '+ with a string value',
          input: {
            UpdateExpression: 'SET Price = Price + :p',
            ExpressionAttributeValues: { ':p': s('1') },
          },
          message:
            'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
        },
        {
          name: 'list_append of a string value',
          input: {
            UpdateExpression: 'SET l = list_append(l, :v)',
            ExpressionAttributeValues: { ':v': s('x') },
          },
          message:
            'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S',
        },
        {
          name: 'if_not_exists without a path',
          input: {
            UpdateExpression: 'SET Price = if_not_exists(:p, :p)',
            ExpressionAttributeValues: { ':p': n('1') },
          },
          message:
            'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists',
        },
        {
          name: 'a function with one operand',
          input: {
            UpdateExpression: 'SET l = list_append(:v)',
            ExpressionAttributeValues: { ':v': list('x') },
          },
          message:
            'Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1',
        },
        {
          name: 'an operand that does not exist',
          input: {
            UpdateExpression: 'SET Price = Cost + :p',
            ExpressionAttributeValues: { ':p': n('1') },
          },
          message: 'The provided expression refers to an attribute that does not exist in the item',
        },
        {
          name: 'arithmetic on a string attribute',
          input: {
            UpdateExpression: 'SET Brand = Brand + :p',
            ExpressionAttributeValues: { ':p': n('1') },
          },
          message: 'An operand in the update expression has an incorrect data type',
        },
        {
          name: 'ADD of a number to a string attribute',
          input: { UpdateExpression: 'ADD Brand :p', ExpressionAttributeValues: { ':p': n('1') } },
          message: 'An operand in the update expression has an incorrect data type',
        },
        {
          name: 'a nested path under a missing attribute',
          input: {
            UpdateExpression: 'SET Dimensions.Width = :w',
            ExpressionAttributeValues: { ':w': n('1') },
          },
          message: 'The document path provided in the update expression is invalid for update',
        },
        {
          name: 'a list index into a map',
          input: {
            UpdateExpression: 'SET Brand[0] = :w',
            ExpressionAttributeValues: { ':w': n('1') },
          },
          message: 'The document path provided in the update expression is invalid for update',
        },
        {
          name: 'an unknown ReturnValues',
          input: { UpdateExpression: 'REMOVE Brand', ReturnValues: 'EVERYTHING' },
          message:
            "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]",
        },
        {
          name: 'a Key with another attribute',
          input: { Key: { Id: n('789'), Brand: s('Acme') }, UpdateExpression: 'REMOVE InStock' },
          message: 'The provided key element does not match the schema',
        },
        {
          name: 'a Key without the partition key',
          input: { Key: { Brand: s('Acme') }, UpdateExpression: 'REMOVE InStock' },
          message: 'The provided key element does not match the schema',
        },
      ])('fails with ValidationException on $name and changes nothing', ({ input, message }) => {
        const { update, stored } = catalog();
        const error = thrown(() => update(input));
        expect(error?.name).toBe('ValidationException');
        if (typeof message === 'string') expect(error?.message).toBe(message);
        else expect(error?.message).toMatch(message);
        expect(stored()).toEqual(PRODUCT);
      });

      it('fails with ValidationException on values given with no expression', () => {
        const { update } = catalog();
        const error = thrown(() => update({ ExpressionAttributeValues: { ':p': n('1') } }));
        expect(error?.name).toBe('ValidationException');
        expect(error?.message).toBe(
          'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null',
        );
      });
    });

    describe('without an update expression', () => {
      it('creates an item of the key alone', () => {
        const table = new LocalDynamoDbTable('ProductCatalog', 'Id', undefined, () => 0);
        expect(
          table.handle('UpdateItem', { Key: { Id: n('1') }, ReturnValues: 'ALL_NEW' }),
        ).toEqual({ Attributes: { Id: n('1') } });
        expect(table.size).toBe(1);
      });

      it('checks a condition alone', () => {
        const { update } = catalog();
        expect(update({ ConditionExpression: 'attribute_exists(Id)' })).toEqual({
          Attributes: PRODUCT,
        });
        expect(() => update({ ConditionExpression: 'attribute_not_exists(Id)' })).toThrow(
          ConditionalCheckFailed,
        );
      });
    });

    it('fails when the legacy AttributeUpdates parameter is used', () => {
      const { update } = catalog();
      const error = thrown(() =>
        update({ AttributeUpdates: { Price: { Action: 'PUT', Value: n('1') } } }),
      );
      expect(error?.name).toBe('LocalRuntime.Unsupported');
      expect(error?.message).toContain('AttributeUpdates');
    });
  });

  describe('unsupported calls', () => {
    it.each([
      {
        name: 'Query',
        action: 'Query',
        input: { KeyConditionExpression: 'pk = :k' },
        what: 'DynamoDB.Query',
      },
      {
        name: 'TransactWriteItems',
        action: 'TransactWriteItems',
        input: { TransactItems: [] },
        what: 'DynamoDB.TransactWriteItems',
      },
      {
        name: 'a begins_with condition',
        action: 'PutItem',
        input: {
          Item: item('k'),
          ConditionExpression: 'begins_with(pk, :p)',
          ExpressionAttributeValues: { ':p': { S: 'W' } },
        },
        what: "the DynamoDB condition 'begins_with(pk, :p)'",
      },
      {
        name: 'a <> condition',
        action: 'PutItem',
        input: {
          Item: item('k'),
          ConditionExpression: 'status <> :s',
          ExpressionAttributeValues: { ':s': { S: 'x' } },
        },
        what: "the DynamoDB condition 'status <> :s'",
      },
    ])('fails when $name is used', ({ action, input, what }) => {
      const { table } = newTable();
      const error = thrown(() => table.handle(action, input));
      expect(error?.name).toBe('LocalRuntime.Unsupported');
      expect(error?.message).toContain(what);
      expect(table.size).toBe(0);
    });
  });
});

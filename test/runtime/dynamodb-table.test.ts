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

    it('fails when an item has no partition key', () => {
      const { table } = newTable();
      expect(() => table.handle('PutItem', { Item: { other: { S: 'x' } } })).toThrow(
        /no partition key 'pk'/,
      );
    });
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

  describe('unsupported calls', () => {
    it.each([
      {
        name: 'Query',
        action: 'Query',
        input: { KeyConditionExpression: 'pk = :k' },
        what: 'DynamoDB.Query',
      },
      {
        name: 'UpdateItem',
        action: 'UpdateItem',
        input: { Key: { pk: { S: 'k' } } },
        what: 'DynamoDB.UpdateItem',
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

import { UnsupportedCallError } from './sdk-interceptor';

type AttributeValue = { S?: string; N?: string; BOOL?: boolean; NULL?: boolean };
type Item = Record<string, AttributeValue>;

/** Thrown like DynamoDB when a condition expression is false. */
export class ConditionalCheckFailed extends Error {
  constructor() {
    super('The conditional request failed');
    this.name = 'ConditionalCheckFailedException';
  }
}

/**
 * An in-memory DynamoDB table for the calls the library's handlers make:
 * GetItem, PutItem and DeleteItem with simple condition expressions
 * (`attribute_exists`, `attribute_not_exists`, `=`, `AND`, `OR`). Items past
 * their TTL attribute are invisible, as they would be once DynamoDB sweeps them.
 */
export class LocalDynamoDbTable {
  private readonly items = new Map<string, Item>();

  constructor(
    public readonly name: string,
    private readonly partitionKey: string,
    private readonly ttlAttribute: string | undefined,
    private readonly now: () => number,
  ) {}

  /** Serve one DynamoDB action. */
  public handle(action: string, input: Record<string, any>): unknown {
    switch (action) {
      case 'GetItem':
        return { Item: this.get(input.Key) };
      case 'PutItem': {
        const key = { [this.partitionKey]: input.Item[this.partitionKey] };
        const old = this.get(key);
        this.check(key, input);
        this.items.set(this.keyOf(input.Item), input.Item);
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      }
      case 'DeleteItem': {
        const old = this.get(input.Key);
        this.check(input.Key, input);
        this.items.delete(this.keyOf(input.Key));
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      }
      default:
        throw new UnsupportedCallError(`DynamoDB.${action}`);
    }
  }

  /** How many live items the table holds. */
  public get size(): number {
    return [...this.items.values()].filter((i) => !this.expired(i)).length;
  }

  private get(key: Item): Item | undefined {
    const item = this.items.get(this.keyOf(key));
    return item && !this.expired(item) ? item : undefined;
  }

  private expired(item: Item): boolean {
    const ttl = this.ttlAttribute && item[this.ttlAttribute]?.N;
    return ttl !== undefined && ttl !== '' && Number(ttl) * 1000 < this.now();
  }

  private keyOf(item: Item): string {
    const value = item[this.partitionKey];
    if (!value)
      throw new Error(`${this.name}: the item has no partition key '${this.partitionKey}'`);
    return JSON.stringify(value);
  }

  private check(key: Item, input: Record<string, any>): void {
    if (!input.ConditionExpression) return;
    const item = this.get(key);
    if (
      !evaluate(
        input.ConditionExpression,
        item,
        input.ExpressionAttributeValues ?? {},
        input.ExpressionAttributeNames ?? {},
      )
    ) {
      throw new ConditionalCheckFailed();
    }
  }
}

function evaluate(
  expression: string,
  item: Item | undefined,
  values: Item,
  names: Record<string, string>,
): boolean {
  const ors = expression.split(/\s+OR\s+/i);
  return ors.some((or) =>
    or.split(/\s+AND\s+/i).every((term) => evaluateTerm(term.trim(), item, values, names)),
  );
}

function evaluateTerm(
  term: string,
  item: Item | undefined,
  values: Item,
  names: Record<string, string>,
): boolean {
  const attr = (n: string) => names[n] ?? n;
  let m = /^attribute_not_exists\((.+)\)$/.exec(term);
  if (m) return item?.[attr(m[1].trim())] === undefined;
  m = /^attribute_exists\((.+)\)$/.exec(term);
  if (m) return item?.[attr(m[1].trim())] !== undefined;
  m = /^([^\s<>=]+)\s*=\s*(:\S+)$/.exec(term);
  if (m) return JSON.stringify(item?.[attr(m[1])]) === JSON.stringify(values[m[2]]);
  m = /^([^\s<>=]+)\s*(<|>)\s*(:\S+)$/.exec(term);
  if (m) {
    const left = Number(item?.[attr(m[1])]?.N);
    const right = Number(values[m[3]]?.N);
    if (Number.isNaN(left) || Number.isNaN(right)) return false;
    return m[2] === '<' ? left < right : left > right;
  }
  throw new UnsupportedCallError(`the DynamoDB condition '${term}'`);
}

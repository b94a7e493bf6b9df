import {
  DynamoDbValidationError,
  Item,
  parseProjection,
  project,
  Substitutions,
} from './dynamodb-expression';
import { applyUpdate, parseUpdateExpression, UpdateAction } from './dynamodb-update-expression';
import { UnsupportedCallError } from './sdk-interceptor';

export { DynamoDbValidationError } from './dynamodb-expression';

/**
 * Thrown like DynamoDB when a condition expression is false; it carries the
 * item when the request's ReturnValuesOnConditionCheckFailure is `ALL_OLD`.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#DDB-UpdateItem-request-ReturnValuesOnConditionCheckFailure
 */
export class ConditionalCheckFailed extends Error {
  constructor(public readonly Item?: Item) {
    super('The conditional request failed');
    this.name = 'ConditionalCheckFailedException';
  }
}

// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#DDB-UpdateItem-request-ReturnValues
const RETURN_VALUES = ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'];

/**
 * An in-memory DynamoDB table for the calls the library's handlers and Step
 * Functions' optimized DynamoDB integration make: GetItem (with a
 * ProjectionExpression), PutItem, DeleteItem and UpdateItem (with an
 * UpdateExpression), with simple condition expressions (`attribute_exists`,
 * `attribute_not_exists`, `=`, `<`, `>`, `AND`, `OR`). Inputs and outputs are
 * the DynamoDB API's, in DynamoDB JSON; errors carry DynamoDB's names and
 * messages. Items past their TTL attribute are invisible, as they would be
 * once DynamoDB sweeps them.
 */
export class LocalDynamoDbTable {
  private readonly items = new Map<string, Item>();

  constructor(
    public readonly name: string,
    partitionKey: string,
    private readonly ttlAttribute: string | undefined,
    private readonly now: () => number,
    sortKey?: string,
  ) {
    this.keyAttributes = sortKey === undefined ? [partitionKey] : [partitionKey, sortKey];
  }

  /** The partition key, then the sort key when the table has one. */
  private readonly keyAttributes: readonly string[];

  /** The key attributes of `item`. */
  private keyPart(item: Item): Item {
    const key: Item = {};
    for (const name of this.keyAttributes) key[name] = item[name];
    return key;
  }

  /** Serve one DynamoDB action. */
  public handle(action: string, input: Record<string, any>): unknown {
    switch (action) {
      case 'GetItem':
        return this.getItem(input);
      case 'PutItem': {
        const key = this.keyPart(input.Item ?? {});
        checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
        this.checkPlaceholders(input);
        const old = this.get(key);
        this.check(key, input);
        // The table keeps its own copy, as DynamoDB keeps what was sent, not the caller's object.
        this.items.set(this.keyOf(input.Item), structuredClone(input.Item));
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      }
      case 'DeleteItem': {
        checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
        this.checkPlaceholders(input);
        const old = this.get(input.Key);
        this.check(input.Key, input);
        this.items.delete(this.keyOf(input.Key));
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      }
      case 'UpdateItem':
        return this.updateItem(input);
      default:
        throw new UnsupportedCallError(`DynamoDB.${action}`);
    }
  }

  /** How many live items the table holds. */
  public get size(): number {
    return [...this.items.values()].filter((i) => !this.expired(i)).length;
  }

  /**
   * GetItem; a ProjectionExpression keeps only the attributes it names, and a
   * missing item gives a response without `Item`.
   *
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
   */
  private getItem(input: Record<string, any>): { Item?: Item } {
    if (input.ProjectionExpression === undefined && input.ExpressionAttributeNames !== undefined)
      throw new DynamoDbValidationError(
        'ExpressionAttributeNames can only be specified when using expressions',
      );
    const substitutions = new Substitutions(input.ExpressionAttributeNames);
    const paths =
      input.ProjectionExpression === undefined
        ? undefined
        : parseProjection(input.ProjectionExpression, substitutions);
    substitutions.checkAllUsed();
    const item = this.get(input.Key);
    if (!item) return {};
    return { Item: structuredClone(paths ? project(item, paths) : item) };
  }

  /**
   * UpdateItem: edits an item's attributes, or creates the item when none has
   * the key, unless the condition fails.
   *
   * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
   */
  private updateItem(input: Record<string, any>): { Attributes?: Item } {
    const returnValues = input.ReturnValues ?? 'NONE';
    checkReturnValues(returnValues, RETURN_VALUES);
    if (input.AttributeUpdates !== undefined || input.Expected !== undefined) {
      throw new UnsupportedCallError(
        'the legacy AttributeUpdates and Expected parameters of DynamoDB.UpdateItem (use UpdateExpression and ConditionExpression)',
      );
    }
    const key = this.checkKey(input.Key);
    const substitutions = new Substitutions(
      input.ExpressionAttributeNames,
      input.ExpressionAttributeValues,
    );
    const actions =
      input.UpdateExpression === undefined
        ? []
        : parseUpdateExpression(input.UpdateExpression, substitutions);
    this.checkPlaceholders(input, substitutions);
    this.checkKeyUntouched(actions);
    const old = this.get(key);
    this.check(key, input);
    // An update of a missing item starts from its key (API reference: UpdateItem upserts).
    const updated = applyUpdate(actions, old ?? structuredClone(key));
    this.items.set(this.keyOf(key), updated);
    return returned(returnValues, old, updated, actions);
  }

  /** The Key, which must be the table's key attribute alone. */
  private checkKey(key: Item | undefined): Item {
    const names = Object.keys(key ?? {});
    if (
      names.length !== this.keyAttributes.length ||
      !this.keyAttributes.every((name) => names.includes(name))
    ) {
      throw new DynamoDbValidationError('The provided key element does not match the schema');
    }
    return key!;
  }

  /** UpdateItem cannot change a key attribute (API reference, AttributeValueUpdate). */
  private checkKeyUntouched(actions: readonly UpdateAction[]): void {
    const onKey = actions.find((action) => this.keyAttributes.includes(String(action.path[0])));
    if (onKey) {
      throw new DynamoDbValidationError(
        `One or more parameter values were invalid: Cannot update attribute ${String(onKey.path[0])}. This attribute is part of the key`,
      );
    }
  }

  /**
   * The names and values of a write's condition expression must all be
   * defined and, with those of its update expression, all be used.
   */
  private checkPlaceholders(input: Record<string, any>, ofUpdate?: Substitutions): void {
    const substitutions =
      ofUpdate ??
      new Substitutions(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    if (input.UpdateExpression === undefined && input.ConditionExpression === undefined) {
      if (input.ExpressionAttributeNames !== undefined)
        throw new DynamoDbValidationError(
          'ExpressionAttributeNames can only be specified when using expressions',
        );
      if (input.ExpressionAttributeValues !== undefined)
        throw new DynamoDbValidationError(
          `ExpressionAttributeValues can only be specified when using expressions: ${ofUpdate === undefined ? 'ConditionExpression is null' : 'UpdateExpression and ConditionExpression are null'}`,
        );
    }
    substitutions.useIn(input.ConditionExpression, 'ConditionExpression');
    substitutions.checkAllUsed();
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
    const values = this.keyAttributes.map((name) => {
      const value = item[name];
      // As PutItem answers an item without one of the table's key attributes.
      // @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
      if (!value)
        throw new DynamoDbValidationError(
          `One or more parameter values were invalid: Missing the key ${name} in the item`,
        );
      return value;
    });
    return JSON.stringify(values.length === 1 ? values[0] : values);
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
      const returnItem = input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && item;
      throw new ConditionalCheckFailed(returnItem ? structuredClone(returnItem) : undefined);
    }
  }
}

/** Fails like DynamoDB on a ReturnValues that is not one of `allowed`. */
function checkReturnValues(value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined || allowed.includes(value)) return;
  if (RETURN_VALUES.includes(value)) {
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#DDB-PutItem-request-ReturnValues
    throw new DynamoDbValidationError('ReturnValues can only be ALL_OLD or NONE');
  }
  throw new DynamoDbValidationError(
    `1 validation error detected: Value '${value}' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]`,
  );
}

/**
 * What UpdateItem returns for `returnValues`: the whole item or only the
 * attributes the actions updated, as they were before or are after; nothing
 * when there is nothing to return.
 */
function returned(
  returnValues: string,
  old: Item | undefined,
  updated: Item,
  actions: readonly UpdateAction[],
): { Attributes?: Item } {
  const paths = actions.map((action) => action.path);
  const attributes: Record<string, Item | undefined> = {
    NONE: undefined,
    ALL_OLD: old,
    UPDATED_OLD: old && project(old, paths),
    ALL_NEW: updated,
    UPDATED_NEW: project(updated, paths),
  };
  const result = attributes[returnValues];
  return result && Object.keys(result).length ? { Attributes: structuredClone(result) } : {};
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

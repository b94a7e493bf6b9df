import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { AwaitStorePort, KeptEvent, Waiter } from './broker';

/**
 * The correlation store on a DynamoDB table with a string partition key `pk`
 * and TTL on `expiresAt`: waiters under `W#<key>`, kept events under
 * `E#<key>`, seen event ids under `D#<eventId>`.
 */
export class DynamoDbAwaitStore implements AwaitStorePort {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  public async putWaiter(waiter: Waiter): Promise<boolean> {
    // The same execution may register again (a retried state): it replaces its own waiter.
    return this.conditionalPut(
      {
        pk: { S: `W#${waiter.key}` },
        token: { S: waiter.token },
        executionArn: { S: waiter.executionArn },
        ...(waiter.correlationId ? { correlationId: { S: waiter.correlationId } } : {}),
        expiresAt: { N: String(waiter.expiresAt) },
      },
      // An expired item may linger until DynamoDB's TTL sweep: it must not block a new one.
      'attribute_not_exists(pk) OR executionArn = :arn OR expiresAt < :now',
      { ':arn': { S: waiter.executionArn }, ':now': nowValue() },
    );
  }

  public async takeWaiter(key: string, correlationId?: string): Promise<Waiter | undefined> {
    // Only a waiter of the event's flow, in one conditional delete: a check
    // before the delete would race with another delivery.
    const item = await this.take(
      `W#${key}`,
      correlationId === undefined
        ? undefined
        : {
            condition: 'attribute_not_exists(correlationId) OR correlationId = :correlationId',
            values: { ':correlationId': { S: correlationId } },
          },
    );
    return (
      item && {
        key,
        token: item.token.S!,
        executionArn: item.executionArn.S!,
        ...(item.correlationId?.S ? { correlationId: item.correlationId.S } : {}),
        expiresAt: Number(item.expiresAt.N),
      }
    );
  }

  public async hasWaiter(key: string, correlationId?: string): Promise<boolean> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: `W#${key}` } },
        ConsistentRead: true,
      }),
    );
    const flow = result.Item?.correlationId?.S;
    return (
      result.Item !== undefined &&
      (correlationId === undefined || flow === undefined || flow === correlationId)
    );
  }

  public async keepEvent(event: KeptEvent): Promise<boolean> {
    return this.conditionalPut(
      {
        pk: { S: `E#${event.key}` },
        eventId: { S: event.eventId },
        output: { S: JSON.stringify(event.output) },
        expiresAt: { N: String(event.expiresAt) },
      },
      'attribute_not_exists(pk) OR expiresAt < :now',
      { ':now': nowValue() },
    );
  }

  public async takeEvent(key: string): Promise<KeptEvent | undefined> {
    const item = await this.take(`E#${key}`);
    return (
      item && {
        key,
        eventId: item.eventId.S!,
        output: JSON.parse(item.output.S!),
        expiresAt: Number(item.expiresAt.N),
      }
    );
  }

  public async markSeen(eventId: string, expiresAt: number): Promise<boolean> {
    return this.conditionalPut(
      { pk: { S: `D#${eventId}` }, expiresAt: { N: String(expiresAt) } },
      'attribute_not_exists(pk) OR expiresAt < :now',
      { ':now': nowValue() },
    );
  }

  public async unmarkSeen(eventId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: `D#${eventId}` } } }),
    );
  }

  private async conditionalPut(
    item: Record<string, { S: string } | { N: string }>,
    condition: string,
    values?: Record<string, { S: string } | { N: string }>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async take(
    pk: string,
    only?: { condition: string; values: Record<string, { S: string }> },
  ) {
    let result;
    try {
      result = await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: pk } },
          ReturnValues: 'ALL_OLD',
          ConditionExpression: only?.condition,
          ExpressionAttributeValues: only?.values,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
    const item = result.Attributes;
    // An expired item may linger until DynamoDB's TTL sweep removes it.
    if (!item || Number(item.expiresAt?.N ?? Infinity) < Date.now() / 1000) return undefined;
    return item;
  }
}

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error).name === 'ConditionalCheckFailedException'
  );
}

function nowValue(): { N: string } {
  return { N: String(Math.floor(Date.now() / 1000)) };
}

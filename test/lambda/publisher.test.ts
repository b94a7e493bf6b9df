import { taskEventDetail, taskEventId } from '../../lambda/runtime/publisher';

const payload = {
  metadata: { correlationId: 'c-1', causationId: 'evt-0' },
  data: {},
  task: 'PlaceOrder',
  executionArn: 'arn:aws:states:us-east-1:1:execution:Orders:e-1',
  workflow: 'Orders',
};

describe('events published by handlers', () => {
  it('derives a stable UUID-shaped id from the execution, the task and the event', () => {
    const id = taskEventId(payload.executionArn, 'PlaceOrder', 'OrderPlaced');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(taskEventId(payload.executionArn, 'PlaceOrder', 'OrderPlaced')).toBe(id);
  });

  it.each([
    [
      'another execution',
      'arn:aws:states:us-east-1:1:execution:Orders:e-2',
      'PlaceOrder',
      'OrderPlaced',
    ],
    ['another task', payload.executionArn, 'CompleteOrder', 'OrderPlaced'],
    ['another event', payload.executionArn, 'PlaceOrder', 'OrderCompleted'],
  ])('gives %s another id', (_what, arn, task, event) => {
    expect(taskEventId(arn, task, event)).not.toBe(
      taskEventId(payload.executionArn, 'PlaceOrder', 'OrderPlaced'),
    );
  });

  it('writes the same envelope as a workflow', () => {
    const detail = taskEventDetail(
      payload,
      'OrderPlaced',
      'orders',
      { orderId: 'o-1' },
      new Date(Date.UTC(2026, 0, 2)),
    );
    expect(detail).toEqual({
      metadata: {
        eventId: taskEventId(payload.executionArn, 'PlaceOrder', 'OrderPlaced'),
        correlationId: 'c-1',
        causationId: 'evt-0',
        occurredAt: '2026-01-02T00:00:00.000Z',
        context: 'orders',
        workflow: 'Orders',
        executionArn: payload.executionArn,
        state: 'PlaceOrder',
        schemaVersion: '1',
      },
      data: { orderId: 'o-1' },
    });
  });
});

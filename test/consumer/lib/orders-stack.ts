import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BoundedContext, type DomainEvent, type IDomainEventBus } from 'cdk-ensemble';

export interface OrdersStackProps extends StackProps {
  readonly bus: IDomainEventBus;
  /** The kitchen's event that an order waits for. */
  readonly mealCooked: DomainEvent;
}

/** The orders context: takes an order, waits for the kitchen, completes the order. */
export class OrdersStack extends Stack {
  public readonly orders: BoundedContext<'OrderPlaced' | 'OrderCompleted' | 'OrderTimedOut'>;

  constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id, props);
    const orders = new BoundedContext(this, 'Orders', {
      bus: props.bus,
      events: ['OrderPlaced', 'OrderCompleted', 'OrderTimedOut'],
    });
    orders.workflow(
      orders
        .task('PlaceOrder', { entry: 'lambda/place-order.ts', emits: 'OrderPlaced' })
        .next(
          orders.await('AwaitMeal', {
            events: [props.mealCooked],
            correlateBy: 'orderId',
            timeout: Duration.minutes(30),
            onTimeout: 'OrderTimedOut',
          }),
        )
        .next(
          orders.task('CompleteOrder', {
            entry: 'lambda/complete-order.ts',
            emits: 'OrderCompleted',
          }),
        ),
    );
    this.orders = orders;
  }
}

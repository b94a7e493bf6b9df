// Run: npx cdk synth FoodDelivery   (local run: npm run demo)
import * as path from 'node:path';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BoundedContext, DomainEventBus } from '../../lib';

const handlers = path.join(__dirname, '..', '..', 'lambda', 'food-delivery');
const entry = (file: string) => path.join(handlers, file);

/**
 * The food-delivery system of "Choreography vs Orchestration in the land of
 * serverless": Orders, Restaurants, Notifications and Promotions, each a
 * bounded context with its own workflow, talking only through domain events.
 */
export class FoodDeliveryStack extends Stack {
  public readonly bus: DomainEventBus;
  public readonly orders: BoundedContext<'OrderPlaced' | 'OrderCompleted'>;
  public readonly restaurants: BoundedContext<
    'RestaurantNotified' | 'OrderAccepted' | 'OrderRejected'
  >;
  public readonly notifications: BoundedContext<'UserNotified'>;
  public readonly promotions: BoundedContext<'VoucherIssued'>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.bus = new DomainEventBus(this, 'Bus', { appName: 'food' });
    const bus = this.bus;

    const orders = new BoundedContext(this, 'Orders', {
      bus,
      events: ['OrderPlaced', 'OrderCompleted'],
    });
    orders.workflow(
      orders
        .task('PlaceOrder', { entry: entry('orders/place-order.ts'), emits: 'OrderPlaced' })
        .next(
          orders.task('CompleteOrder', {
            entry: entry('orders/complete-order.ts'),
            emits: 'OrderCompleted',
          }),
        ),
    );

    const restaurants = new BoundedContext(this, 'Restaurants', {
      bus,
      events: ['RestaurantNotified', 'OrderAccepted', 'OrderRejected'],
    });
    restaurants.on(orders.event('OrderPlaced'));
    restaurants.workflow(
      restaurants
        .task('NotifyRestaurant', {
          entry: entry('restaurants/notify-restaurant.ts'),
          emits: 'RestaurantNotified',
        })
        .next(restaurants.task('ReviewOrder', { entry: entry('restaurants/review-order.ts') }))
        .next(
          new sfn.Choice(this, 'Decision', { stateName: 'Accepted?' })
            .when(
              sfn.Condition.stringEquals('$.data.decision', 'ACCEPTED'),
              restaurants.emit('OrderAccepted'),
            )
            .when(
              sfn.Condition.stringEquals('$.data.decision', 'REJECTED'),
              restaurants.emit('OrderRejected'),
            )
            .otherwise(new sfn.Pass(this, 'NoAnswer', { stateName: 'No answer' }))
            .afterwards(),
        ),
    );

    const notifications = new BoundedContext(this, 'Notifications', {
      bus,
      events: ['UserNotified'],
    });
    notifications.on(restaurants.event('OrderAccepted'));
    notifications.workflow(
      notifications.task('NotifyUser', {
        entry: entry('notifications/notify-user.ts'),
        emits: 'UserNotified',
      }),
    );

    const promotions = new BoundedContext(this, 'Promotions', { bus, events: ['VoucherIssued'] });
    promotions.on(orders.event('OrderCompleted'));
    promotions.workflow(
      promotions.task('IssueVoucher', {
        entry: entry('promotions/issue-voucher.ts'),
        emits: 'VoucherIssued',
      }),
    );

    this.orders = orders;
    this.restaurants = restaurants;
    this.notifications = notifications;
    this.promotions = promotions;
  }
}

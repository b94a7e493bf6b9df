// Run: npx cdk synth FoodDelivery   (run it locally end to end: npm run demo)
import * as path from 'node:path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BoundedContext, DomainEventBus, EnsembleDashboard } from '../../lib';
import {
  notificationsEvents,
  ordersEvents,
  promotionsEvents,
  restaurantsEvents,
} from '../../lambda/food-delivery/events';

const handlers = path.join(__dirname, '..', '..', 'lambda', 'food-delivery');
const entry = (file: string) => path.join(handlers, file);

/**
 * The food-delivery system of "Choreography vs Orchestration in the land of
 * serverless": Orders, Restaurants, Notifications and Promotions, each a
 * bounded context with its own workflow, talking only through domain events.
 *
 * Orders waits up to 10 minutes for the restaurant's answer: accepted, the
 * order completes and Promotions issues a voucher; rejected or no answer, the
 * order is cancelled and the customer notified.
 */
/** Properties of the example stack. */
export interface FoodDeliveryStackProps extends StackProps {
  /**
   * Who publishes the tasks' events: the workflow (a state after each task) or
   * the handlers themselves (one state transition fewer per task).
   *
   * @default 'workflow'
   */
  readonly publishFrom?: 'workflow' | 'handler';
  /**
   * The query language of the workflows, and of the example's own states.
   *
   * @default sfn.QueryLanguage.JSONATA
   */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * Run each context whose workflow does not await as an Express workflow
   * (billed per execution and duration instead of per state transition;
   * at-least-once): see the README's cost table.
   *
   * @default false - every workflow is Standard
   */
  readonly express?: boolean;
}

export class FoodDeliveryStack extends Stack {
  public readonly bus: DomainEventBus;
  public readonly orders: BoundedContext<
    'OrderPlaced' | 'OrderCompleted' | 'OrderCancelled' | 'OrderTimedOut'
  >;
  public readonly restaurants: BoundedContext<
    'RestaurantNotified' | 'OrderAccepted' | 'OrderRejected'
  >;
  public readonly notifications: BoundedContext<'UserNotified'>;
  public readonly promotions: BoundedContext<'VoucherIssued'>;

  constructor(scope: Construct, id: string, props: FoodDeliveryStackProps = {}) {
    super(scope, id, props);
    const { publishFrom, queryLanguage } = props;
    const jsonata = queryLanguage !== sfn.QueryLanguage.JSON_PATH;
    // Only the contexts that do not await may be Express.
    const workflowType = props.express ? sfn.StateMachineType.EXPRESS : undefined;
    const bus = (this.bus = new DomainEventBus(this, 'Bus', { appName: 'food' }));

    const orders = (this.orders = new BoundedContext(this, 'Orders', {
      bus,
      publishFrom,
      queryLanguage,
      events: ordersEvents,
    }));
    const restaurants = (this.restaurants = new BoundedContext(this, 'Restaurants', {
      bus,
      publishFrom,
      queryLanguage,
      workflowType,
      events: restaurantsEvents,
    }));
    const notifications = (this.notifications = new BoundedContext(this, 'Notifications', {
      bus,
      publishFrom,
      queryLanguage,
      workflowType,
      events: notificationsEvents,
    }));
    const promotions = (this.promotions = new BoundedContext(this, 'Promotions', {
      bus,
      publishFrom,
      queryLanguage,
      workflowType,
      events: promotionsEvents,
    }));

    // Orders: place the order, then wait for the restaurant (orchestration inside the context).
    const cancel = orders.task('CancelOrder', {
      entry: entry('orders/cancel-order.ts'),
      emits: 'OrderCancelled',
    });
    orders.workflow(
      orders
        .task('PlaceOrder', { entry: entry('orders/place-order.ts'), emits: 'OrderPlaced' })
        .next(
          orders
            .await('AwaitAcceptance', {
              events: [restaurants.event('OrderAccepted'), restaurants.event('OrderRejected')],
              correlateBy: 'orderId',
              timeout: Duration.minutes(10),
              onTimeout: 'OrderTimedOut',
            })
            .when(
              restaurants.event('OrderAccepted'),
              orders.task('CompleteOrder', {
                entry: entry('orders/complete-order.ts'),
                emits: 'OrderCompleted',
              }),
            )
            .when(restaurants.event('OrderRejected'), cancel)
            .whenTimedOut(cancel),
        ),
    );

    const decided = (decision: string) =>
      jsonata
        ? sfn.Condition.jsonata(`{% $states.input.data.decision = ${JSON.stringify(decision)} %}`)
        : sfn.Condition.stringEquals('$.data.decision', decision);

    // Restaurants: notified of every order, the kitchen accepts, rejects or stays silent.
    restaurants.on(orders.event('OrderPlaced'));
    restaurants.workflow(
      restaurants
        .task('NotifyRestaurant', {
          entry: entry('restaurants/notify-restaurant.ts'),
          emits: 'RestaurantNotified',
        })
        .next(restaurants.task('ReviewOrder', { entry: entry('restaurants/review-order.ts') }))
        .next(
          // The example's own states, written in the workflow's query language.
          (jsonata ? sfn.Choice.jsonata : sfn.Choice.jsonPath)(this, 'Decision', {
            stateName: 'Accepted?',
          })
            .when(decided('ACCEPTED'), restaurants.emit('OrderAccepted'))
            .when(decided('REJECTED'), restaurants.emit('OrderRejected'))
            .otherwise(new sfn.Pass(this, 'NoAnswer', { stateName: 'No answer' }))
            .afterwards(),
        ),
    );

    // Notifications and Promotions only react to events (choreography between contexts).
    notifications.on(restaurants.event('OrderAccepted'));
    notifications.on(orders.event('OrderCancelled'));
    notifications.workflow(
      notifications.task('NotifyUser', {
        entry: entry('notifications/notify-user.ts'),
        emits: 'UserNotified',
      }),
    );
    promotions.on(orders.event('OrderCompleted'));
    promotions.workflow(
      promotions.task('IssueVoucher', {
        entry: entry('promotions/issue-voucher.ts'),
        emits: 'VoucherIssued',
      }),
    );

    // One dashboard, a row per context; every context and the bus already have their alarms.
    new EnsembleDashboard(this, 'Dashboard');
  }
}

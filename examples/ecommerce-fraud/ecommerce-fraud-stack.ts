// Run: npx cdk synth EcommerceFraud
import * as path from 'node:path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BoundedContext, DomainEventBus, EnsembleDashboard } from '../../lib';
import {
  customersEvents,
  deliveryEvents,
  fraudDetectionEvents,
  inventoryEvents,
  ordersEvents,
  paymentsEvents,
} from '../../lambda/ecommerce-fraud/events';

const handlers = path.join(__dirname, '..', '..', 'lambda', 'ecommerce-fraud');
const entry = (file: string) => path.join(handlers, file);

/**
 * The e-commerce system of "Key Differences In Implementing Service
 * Orchestration vs. Choreography": fraud detection added by events, a payment
 * saga that refunds when fraud is suspected, stock released when the payment
 * is declined or fails, and delivery that ships only after an explicit
 * NoFraudDetected. A declined card, a suspected fraud and sold-out stock are
 * business outcomes: every execution succeeds. Outages still fail theirs.
 */
/** Properties of the example stack. */
export interface EcommerceFraudStackProps extends StackProps {
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

export class EcommerceFraudStack extends Stack {
  public readonly bus: DomainEventBus;
  public readonly customers: BoundedContext<'CustomerRegistered'>;
  public readonly orders: BoundedContext<
    'OrderPlaced' | 'OrderCompleted' | 'OrderCancelled' | 'OrderStalled' | 'OrderRejected'
  >;
  public readonly fraudDetection: BoundedContext<'PossibleFraud' | 'NoFraudDetected'>;
  public readonly inventory: BoundedContext<
    | 'StockReserved'
    | 'StockReleased'
    | 'StockCommitted'
    | 'ReservationExpired'
    | 'ReservationFailed'
  >;
  public readonly payments: BoundedContext<
    | 'PaymentCharged'
    | 'PaymentRefunded'
    | 'PaymentCaptured'
    | 'PaymentDeclined'
    | 'PaymentFailed'
    | 'FraudCheckTimedOut'
  >;
  public readonly delivery: BoundedContext<
    'ShipmentPrepared' | 'OrderShipped' | 'ShipmentCancelled' | 'ShipmentOnHold'
  >;

  constructor(scope: Construct, id: string, props: EcommerceFraudStackProps = {}) {
    super(scope, id, props);
    const { publishFrom, queryLanguage } = props;
    const jsonata = queryLanguage !== sfn.QueryLanguage.JSON_PATH;
    // Only the contexts that do not await may be Express.
    const workflowType = props.express ? sfn.StateMachineType.EXPRESS : undefined;
    const bus = (this.bus = new DomainEventBus(this, 'Bus', { appName: 'shop' }));
    const customers = (this.customers = new BoundedContext(this, 'Customers', {
      bus,
      publishFrom,
      queryLanguage,
      workflowType,
      events: customersEvents,
    }));
    const orders = (this.orders = new BoundedContext(this, 'Orders', {
      bus,
      publishFrom,
      queryLanguage,
      events: ordersEvents,
    }));
    const fraud = (this.fraudDetection = new BoundedContext(this, 'FraudDetection', {
      bus,
      publishFrom,
      queryLanguage,
      workflowType,
      events: fraudDetectionEvents,
    }));
    const inventory = (this.inventory = new BoundedContext(this, 'Inventory', {
      bus,
      publishFrom,
      queryLanguage,
      events: inventoryEvents,
    }));
    const payments = (this.payments = new BoundedContext(this, 'Payments', {
      bus,
      publishFrom,
      queryLanguage,
      events: paymentsEvents,
    }));
    const delivery = (this.delivery = new BoundedContext(this, 'Delivery', {
      bus,
      publishFrom,
      queryLanguage,
      events: deliveryEvents,
    }));

    customers.workflow(
      customers.task('RegisterCustomer', {
        entry: entry('customers/register-customer.ts'),
        emits: 'CustomerRegistered',
      }),
    );

    // Orders: place the order, then wait for the outcome decided by the other contexts:
    // shipped, or the stock released (which comes after any refund).
    const cancelOrder = orders.task('CancelOrder', {
      entry: entry('orders/cancel-order.ts'),
      emits: 'OrderCancelled',
    });
    orders.workflow(
      orders
        .task('PlaceOrder', { entry: entry('orders/place-order.ts'), emits: 'OrderPlaced' })
        .next(
          orders
            .await('AwaitOutcome', {
              events: [delivery.event('OrderShipped'), inventory.event('ReservationFailed')],
              correlateBy: 'orderId',
              timeout: Duration.hours(1),
              onTimeout: 'OrderStalled',
            })
            .when(
              delivery.event('OrderShipped'),
              orders.task('CompleteOrder', {
                entry: entry('orders/complete-order.ts'),
                emits: 'OrderCompleted',
              }),
            )
            .when(inventory.event('ReservationFailed'), cancelOrder)
            .whenTimedOut(cancelOrder),
        ),
      // A request PlaceOrder refuses is OrderRejected, for the client; an outage only WorkflowFailed.
      { failureEvents: { InvalidOrder: 'OrderRejected' } },
    );

    // FraudDetection was added later, by events only: nobody's workflow changed.
    fraud.on(orders.event('OrderPlaced'));
    fraud.on(customers.event('CustomerRegistered'));
    fraud.workflow(
      fraud.task('AssessRisk', { entry: entry('fraud-detection/assess-risk.ts') }).next(
        // The example's own state, written in the workflow's query language.
        (jsonata ? sfn.Choice.jsonata : sfn.Choice.jsonPath)(this, 'Risky?')
          .when(
            jsonata
              ? sfn.Condition.jsonata('{% $states.input.data.suspicious = true %}')
              : sfn.Condition.booleanEquals('$.data.suspicious', true),
            fraud.emit('PossibleFraud'),
          )
          .otherwise(fraud.emit('NoFraudDetected')),
      ),
    );

    // The events of a business refusal carry the workflow's data plus Error and Cause.
    const withReason = jsonata
      ? '{% $merge([$states.input.data, $states.input.error]) %}'
      : 'States.JsonMerge($.data, $.error, false)';

    // Inventory: reserve, and release the stock if the payment is declined, fails or never comes.
    inventory.on(orders.event('OrderPlaced'));
    const releaseStock = inventory.compensate('PaymentNotMade', {
      error: 'PaymentNotMade',
      cause: 'the payment for the reserved stock was declined or failed',
      then: inventory.emit('ReservationFailed', { stateName: 'Stock released', data: withReason }),
    });
    inventory.workflow(
      inventory
        .task('ReserveStock', {
          entry: entry('inventory/reserve-stock.ts'),
          emits: 'StockReserved',
          compensate: { entry: entry('inventory/release-stock.ts'), emits: 'StockReleased' },
        })
        .onError(
          'OutOfStock',
          inventory.emit('ReservationFailed', { stateName: 'Out of stock', data: withReason }),
        )
        .next(
          inventory
            .await('AwaitPayment', {
              events: [
                payments.event('PaymentCaptured'),
                payments.event('PaymentDeclined'),
                payments.event('PaymentFailed'),
              ],
              correlateBy: 'orderId',
              timeout: Duration.minutes(30),
              onTimeout: 'ReservationExpired',
              // Only why a payment was refused travels on to ReservationFailed, not Payments' data.
              keep: { data: ['Error', 'Cause'] },
            })
            .when(payments.event('PaymentCaptured'), inventory.emit('StockCommitted'))
            .when(payments.event('PaymentDeclined'), releaseStock)
            .when(payments.event('PaymentFailed'), releaseStock),
        ),
      // An outage, or the payment never came: Orders learns it from this event too.
      { failureEvent: 'ReservationFailed' },
    );

    // Payments: a saga. Charge, then capture only once fraud detection says no.
    // A declined card or a possible fraud (refunded) is PaymentDeclined, and
    // the execution succeeds; an outage or no verdict in time refunds and fails.
    payments.on(inventory.event('StockReserved'));
    payments.workflow(
      payments
        .task('ChargePayment', {
          entry: entry('payments/charge-payment.ts'),
          emits: 'PaymentCharged',
          compensate: { entry: entry('payments/refund-payment.ts'), emits: 'PaymentRefunded' },
        })
        .onError(
          'PaymentDeclined',
          payments.emit('PaymentDeclined', { stateName: 'Card declined', data: withReason }),
        )
        .next(
          payments
            .await('AwaitFraudCheck', {
              events: [fraud.event('NoFraudDetected'), fraud.event('PossibleFraud')],
              correlateBy: 'orderId',
              timeout: Duration.minutes(15),
              onTimeout: 'FraudCheckTimedOut',
            })
            .when(fraud.event('NoFraudDetected'), payments.emit('PaymentCaptured'))
            .when(
              fraud.event('PossibleFraud'),
              payments.compensate('FraudSuspected', {
                error: 'PossibleFraud',
                cause: 'fraud detection flagged the order',
                then: payments.emit('PaymentDeclined', {
                  stateName: 'Fraud refunded',
                  data: withReason,
                }),
              }),
            ),
        ),
      { failureEvent: 'PaymentFailed' },
    );

    // Delivery ships only after an explicit NoFraudDetected.
    delivery.on(payments.event('PaymentCaptured'));
    const cancelShipment = delivery.task('CancelShipment', {
      entry: entry('delivery/cancel-shipment.ts'),
      emits: 'ShipmentCancelled',
    });
    delivery.workflow(
      delivery
        .task('PrepareShipment', {
          entry: entry('delivery/prepare-shipment.ts'),
          emits: 'ShipmentPrepared',
        })
        .next(
          delivery
            .await('AwaitFraudClearance', {
              events: [fraud.event('NoFraudDetected'), fraud.event('PossibleFraud')],
              correlateBy: 'orderId',
              timeout: Duration.minutes(15),
              onTimeout: 'ShipmentOnHold',
            })
            .when(
              fraud.event('NoFraudDetected'),
              delivery.task('ShipOrder', {
                entry: entry('delivery/ship-order.ts'),
                emits: 'OrderShipped',
              }),
            )
            .when(fraud.event('PossibleFraud'), cancelShipment)
            .whenTimedOut(cancelShipment),
        ),
    );

    // One dashboard, a row per context; every context and the bus already have their alarms.
    new EnsembleDashboard(this, 'Dashboard');
  }
}

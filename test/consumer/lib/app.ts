import type { App } from 'aws-cdk-lib';
import { BusStack } from './bus-stack';
import { KitchenStack } from './kitchen-stack';
import { OrdersStack } from './orders-stack';

/** The shop: a stack with the bus, and a stack per bounded context. */
export function buildShop(app: App): void {
  const { bus } = new BusStack(app, 'ShopBus');
  const { kitchen } = new KitchenStack(app, 'ShopKitchen', { bus });
  const { orders } = new OrdersStack(app, 'ShopOrders', {
    bus,
    mealCooked: kitchen.event('MealCooked'),
  });
  // The kitchen cooks every placed order; the order waits for its meal.
  kitchen.on(orders.event('OrderPlaced'));
}

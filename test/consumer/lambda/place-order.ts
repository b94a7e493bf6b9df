import { taskHandler } from 'cdk-ensemble/lambda/runtime';
import { placeOrder, type Order } from './shop';

export const handler = taskHandler((order: Order) => placeOrder(order));

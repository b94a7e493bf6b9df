#!/usr/bin/env node
// Synthesizes the example apps: npx cdk synth
import { App } from 'aws-cdk-lib';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';

const app = new App();
new FoodDeliveryStack(app, 'FoodDelivery', {
  description:
    'cdk-ensemble example: food delivery (orders, restaurants, notifications, promotions)',
});
app.synth();

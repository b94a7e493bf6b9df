#!/usr/bin/env node
// Synthesizes the example apps: npx cdk synth
import { App } from 'aws-cdk-lib';
import { EcommerceFraudStack } from '../examples/ecommerce-fraud/ecommerce-fraud-stack';
import { FoodDeliveryStack } from '../examples/food-delivery/food-delivery-stack';

const app = new App();
new FoodDeliveryStack(app, 'FoodDelivery', {
  description:
    'cdk-ensemble example: food delivery (orders, restaurants, notifications, promotions)',
});
new EcommerceFraudStack(app, 'EcommerceFraud', {
  description: 'cdk-ensemble example: e-commerce with fraud detection and a payment saga',
});
app.synth();

import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BoundedContext, type IDomainEventBus } from 'cdk-ensemble';
import { kitchenEvents } from '../lambda/events';

export interface KitchenStackProps extends StackProps {
  readonly bus: IDomainEventBus;
}

/** The kitchen context: cooks an order and publishes `MealCooked`. */
export class KitchenStack extends Stack {
  public readonly kitchen: BoundedContext<'MealCooked'>;

  constructor(scope: Construct, id: string, props: KitchenStackProps) {
    super(scope, id, props);
    this.kitchen = new BoundedContext(this, 'Kitchen', { bus: props.bus, events: kitchenEvents });
    this.kitchen.workflow(
      this.kitchen.task('CookMeal', { entry: 'lambda/cook-meal.ts', emits: 'MealCooked' }),
    );
  }
}

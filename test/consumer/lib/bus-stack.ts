import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DomainEventBus } from 'cdk-ensemble';

/** The domain event bus the contexts share, in a stack of its own. */
export class BusStack extends Stack {
  public readonly bus: DomainEventBus;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.bus = new DomainEventBus(this, 'Bus', { appName: 'shop' });
  }
}

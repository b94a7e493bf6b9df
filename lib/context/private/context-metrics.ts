import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IDomainEventBus } from '../../bus/domain-event-bus';
import { DomainEvent, LifecycleEvent } from '../../events/domain-event';
import { ruleMetric } from '../../monitoring/alarms';
import { ContextAlarms } from '../../monitoring/context-alarms';

/**
 * The metrics, alarms and grants of a bounded context: the CloudWatch habits
 * CDK users expect (`metric*()`, `grant*()`), apart from the workflow wiring.
 */
export abstract class ContextMetrics<E extends string = string> extends Construct {
  /** The bus this context publishes on and subscribes to. */
  public abstract readonly bus: IDomainEventBus;
  /** Dead-letter queue of every subscription and await target of this context. */
  public abstract readonly deadLetterQueue: sqs.Queue;
  /** The state machine of this context's workflow. */
  public abstract get stateMachine(): sfn.StateMachine;
  /** A domain event this context publishes. */
  public abstract event(name: E | LifecycleEvent): DomainEvent;
  /** The alarms, once the workflow is defined. */
  protected _alarms?: ContextAlarms;
  /** The rules that deliver events to this context (subscriptions and awaits). */
  protected abstract receivingRules(): events.Rule[];

  /**
   * The context's alarms (failed, timed-out, throttled and aborted executions,
   * dead letters, rules' failed deliveries, await timeouts); empty until the
   * workflow is defined.
   */
  public get alarms(): cloudwatch.Alarm[] {
    return this._alarms?.alarms ?? [];
  }

  /** Send every alarm of this context to `action` (an SNS topic, for instance). */
  public addAlarmAction(...actions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.alarms) alarm.addAlarmAction(...actions);
  }

  /** Events this context published, counted from the bus's audit log; undefined for an imported bus. */
  public metricEventsPublished(): cloudwatch.Metric | undefined {
    return this._alarms?.eventsPublished;
  }

  /**
   * How many `event` events this context published (counted from the bus's
   * audit log, per detail-type): the count of a business outcome such as
   * `PaymentDeclined`. Undefined for an imported bus or before the workflow is defined.
   */
  public metricEventPublished(
    event: E | LifecycleEvent,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric | undefined {
    return this._alarms?.eventPublished(this.event(event).name, props);
  }

  /** Events delivered to this context (to start its workflow or resume an await). */
  public metricEventsReceived(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    const rules = this.receivingRules();
    const metrics = Object.fromEntries(
      rules.map((rule, i) => [`r${i}`, ruleMetric(this.bus.eventBus, rule, 'Invocations', props)]),
    );
    if (rules.length === 0)
      return new cloudwatch.MathExpression({
        expression: '0',
        usingMetrics: {},
        label: 'events received',
      });
    return new cloudwatch.MathExpression({
      expression: Object.keys(metrics).join(' + '),
      usingMetrics: metrics,
      label: 'events received',
      period: props?.period,
    });
  }

  /** Executions throttled. */
  public metricExecutionsThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricThrottled(props);
  }

  /** Executions aborted. */
  public metricExecutionsAborted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricAborted(props);
  }

  /** Executions started. */
  public metricExecutionsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricStarted(props);
  }

  /** Executions that succeeded. */
  public metricExecutionsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }

  /** How long executions take (from start to end). */
  public metricExecutionTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTime(props);
  }

  /** Allow `grantee` to start this context's workflow. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** A metric of this context's workflow (`AWS/States`), for example `ExecutionsFailed`. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metric(metricName, props);
  }

  /** Executions that failed. */
  public metricExecutionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** Executions that timed out. */
  public metricExecutionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut(props);
  }

  /** Messages waiting in this context's dead-letter queue: events that never reached the workflow. */
  public metricDeadLetters(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(props);
  }
}

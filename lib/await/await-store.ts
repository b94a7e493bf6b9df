import { Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../checks/acknowledge';
import { DomainEvent, pascalCase } from '../events/domain-event';
import {
  FunctionDefaults,
  handlerFunction,
  libraryHandlerEntry,
} from '../context/private/task-handler-function';
import { physicalRuleName } from '../monitoring/alarms';
import type { AwaitKeep } from './await-event';
import { DEFAULT_MAX_EVENT_AGE, DEFAULT_RETRY_ATTEMPTS } from '../routing/defaults';

/** One await, as the store's resumer sees it (mirrors lambda/runtime/await/config.ts). */
export interface AwaitRegistration {
  readonly name: string;
  readonly events: DomainEvent[];
  readonly correlateBy: string;
  readonly timeout: Duration;
  /** What of the awaited event the workflow receives. */
  readonly keep?: AwaitKeep;
}

/** Properties of an {@link AwaitStore}. */
export interface AwaitStoreProps {
  readonly eventBus: events.IEventBus;
  readonly contextName: string;
  readonly deadLetterQueue: sqs.IQueue;
  readonly defaults: FunctionDefaults;
}

/**
 * The plumbing behind a context's awaits: a correlation store (DynamoDB, TTL,
 * encrypted, point-in-time recovery), the generic resumer handler, and one
 * rule per awaited source feeding it.
 *
 * Created by the first `context.await(...)`; one per context, so the resumer
 * can resume only its own context's executions.
 */
export class AwaitStore extends Construct {
  /** The correlation store: waiters, early events and seen event ids. */
  public readonly table: dynamodb.Table;
  /** The resumer: registers waiters and resumes them when their event arrives. */
  public readonly resumer: lambda.Function;
  /** The rules that feed the resumer with awaited events. */
  public readonly rules: events.Rule[] = [];
  private readonly registrations: AwaitRegistration[] = [];
  private readonly props: AwaitStoreProps;

  constructor(scope: Construct, id: string, props: AwaitStoreProps) {
    super(scope, id);
    this.props = props;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Only in-flight correlations live here; the bus archive keeps the events.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.resumer = handlerFunction(this, 'Resumer', {
      entry: libraryHandlerEntry('await/resumer'),
      bundleKey: `${this.node.path}/Resumer`,
      serviceName: `${props.contextName}-resumer`,
      description: `Resumes the ${props.contextName} workflow when an awaited event arrives`,
      defaults: props.defaults,
      environment: {
        ENSEMBLE_AWAIT_TABLE: this.table.tableName,
        ENSEMBLE_AWAITS: Lazy.string({ produce: () => JSON.stringify(this.resumerConfig()) }),
      },
    });
    // Events that fail after Lambda's own asynchronous retries land in the context's DLQ,
    // through an on-failure destination (it records the error with the event).
    this.resumer.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(props.deadLetterQueue),
    });
    acknowledge(this.resumer, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          "Asynchronous failures go to the on-failure destination (the context's dead-letter queue), which supersedes a function DLQ.",
      },
    ]);
    this.table.grant(this.resumer, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
  }

  /** Add an await: a rule per awaited source, matching only events that carry the correlation field. */
  public register(registration: AwaitRegistration): void {
    this.registrations.push(registration);
    const bySource = new Map<string, DomainEvent[]>();
    for (const event of registration.events)
      bySource.set(event.source, [...(bySource.get(event.source) ?? []), event]);
    for (const [, awaited] of bySource) {
      const rule = new events.Rule(
        this,
        `${registration.name}${pascalCase(awaited[0].contextName)}`,
        {
          // A name of our own: the RuleName its metrics (and our alarm) are published with.
          ruleName: physicalRuleName(
            this,
            `${registration.name}${pascalCase(awaited[0].contextName)}`,
          ),
          eventBus: this.props.eventBus,
          description: `${this.props.contextName} ${registration.name} waits for ${awaited.map((e) => e.name).join(' or ')}`,
          eventPattern: {
            source: [awaited[0].source],
            detailType: awaited.map((e) => e.name),
            detail: { data: nestedExists(registration.correlateBy) },
          },
        },
      );
      this.rules.push(rule);
      rule.addTarget(
        new targets.LambdaFunction(this.resumer, {
          deadLetterQueue: this.props.deadLetterQueue,
          retryAttempts: DEFAULT_RETRY_ATTEMPTS,
          maxEventAge: DEFAULT_MAX_EVENT_AGE,
        }),
      );
    }
  }

  /**
   * Let the resumer resume executions of `stateMachine`, and no other.
   *
   * A policy of its own rather than the function's default policy: the state
   * machine's definition references the resumer, so the function must not
   * depend on a policy that references the state machine.
   */
  public allowResuming(stateMachine: sfn.IStateMachine): void {
    new iam.Policy(this, 'ResumePolicy', {
      roles: [this.resumer.role!],
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess'],
          resources: [stateMachine.stateMachineArn],
        }),
      ],
    });
  }

  private resumerConfig() {
    return this.registrations.map((r) => ({
      name: r.name,
      events: r.events.map((e) => ({ source: e.source, detailType: e.name })),
      correlateBy: r.correlateBy,
      timeoutSeconds: r.timeout.toSeconds(),
      keep: { data: r.keep?.data, metadata: r.keep?.metadata ?? false },
    }));
  }
}

function nestedExists(dottedPath: string): Record<string, unknown> {
  return dottedPath
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), [{ exists: true }]) as Record<
    string,
    unknown
  >;
}

import * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { dataParameters, envelopeMetadata } from '../events/envelope';

/** What a publish state needs to know about the event it puts on the bus. */
export interface PublishStateProps {
  /** The Step Functions state name. */
  readonly stateName: string;
  readonly eventBus: events.IEventBus;
  /** EventBridge `source`: `<app>.<context>`. */
  readonly source: string;
  /** EventBridge `detail-type`: the event name. */
  readonly eventName: string;
  /** The context name, written to `metadata.context`. */
  readonly contextName: string;
  /** The state the event is about, written to `metadata.state`. */
  readonly aboutState: string;
  /**
   * The event's `data`: a JSONPath into the state (`$.data`) or an object of
   * Parameters (`{ 'reason.$': '$.error.Cause' }`).
   */
  readonly data: string | Record<string, unknown>;
}

/**
 * A state that publishes one domain event with the native `events:putEvents`
 * integration and leaves the workflow state untouched.
 *
 * Publishing is retried with full jitter (throttling and transient failures are
 * the usual causes); a publish that still fails fails the workflow, because an
 * event that a consumer relies on must not be skipped silently.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
 */
export function publishState(
  scope: Construct,
  id: string,
  props: PublishStateProps,
): sfn.TaskStateBase {
  const state = new tasks.EventBridgePutEvents(scope, id, {
    stateName: props.stateName,
    entries: [
      {
        eventBus: props.eventBus,
        source: props.source,
        detailType: props.eventName,
        detail: sfn.TaskInput.fromObject({
          metadata: envelopeMetadata(props.contextName, props.aboutState),
          ...dataParameters(props.data),
        }),
      },
    ],
    resultPath: sfn.JsonPath.DISCARD,
  });
  state.addRetry({
    errors: ['States.TaskFailed'],
    interval: Duration.seconds(1),
    maxAttempts: 3,
    backoffRate: 2,
    maxDelay: Duration.seconds(10),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return state;
}

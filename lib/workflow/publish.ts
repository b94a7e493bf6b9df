import * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { dataParameters, envelopeMetadata } from '../events/envelope';
import {
  expr,
  isJsonata,
  JsonataMetadataSource,
  metadataObject,
  QUERY_EVALUATION_ERROR,
  STATE_METADATA,
} from './jsonata';

/**
 * At most 10 entries per `PutEvents` call.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
export const MAX_PUT_EVENTS_ENTRIES = 10;

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
   * The event's `data`. JSONPath: a path into the state (`$.data`) or an
   * object of Parameters (`{ 'reason.$': '$.error.Cause' }`). JSONata: a
   * `{% %}` expression or an object whose `{% %}` strings are expressions.
   */
  readonly data: string | Record<string, unknown>;
  /** @default sfn.QueryLanguage.JSON_PATH */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * JSONata only: where the envelope's ids and time come from.
   * @default - the state's input metadata and the time the state was entered
   */
  readonly metadata?: JsonataMetadataSource;
  /**
   * JSONata only: an expression around the whole `Detail` (the envelope check);
   * `data` must then be one `{% %}` expression.
   * @default - the envelope as is
   */
  readonly wrap?: (detail: string) => string;
  /**
   * JSONata only: the state's Output, an expression (without `{% %}`).
   * @default '$states.input' - the state's input, untouched
   */
  readonly output?: string;
}

/** One more event of a JSONata publish state (same bus and source). */
export interface JsonataEntry {
  readonly eventName: string;
  readonly aboutState: string;
  /** The `data`: a JSONata expression (without `{% %}`). */
  readonly data: string;
  /** @default - the state's input metadata and the time the state was entered */
  readonly metadata?: JsonataMetadataSource;
  /**
   * The whole `Detail` expression around the envelope (for the envelope check).
   * @default - the envelope as is
   */
  readonly wrap?: (detail: string) => string;
}

interface EntriesOf {
  readonly entries: tasks.EventBridgePutEventsEntry[];
  readonly props: PublishStateProps;
}

/** The entries of every JSONata publish state, which later wiring may add to. */
const ENTRIES = new WeakMap<sfn.State, EntriesOf>();

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
  if (isJsonata(props.queryLanguage)) return jsonataPublishState(scope, id, props);
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
  state.addRetry(PUBLISH_RETRY);
  return state;
}

const PUBLISH_RETRY: sfn.RetryProps = {
  errors: ['States.TaskFailed'],
  interval: Duration.seconds(1),
  maxAttempts: 3,
  backoffRate: 2,
  maxDelay: Duration.seconds(10),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * The JSONata publish state: its Output is its input (what `ResultPath: null`
 * does in JSONPath). An expression that fails is not retried: it would fail
 * the same way (States.TaskFailed, the publish retry, matches every error but
 * States.Timeout, so a MaxAttempts 0 retrier for it comes first).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error
 */
function jsonataPublishState(
  scope: Construct,
  id: string,
  props: PublishStateProps,
): sfn.TaskStateBase {
  const entries = [
    props.wrap || props.metadata
      ? entryOf(props, {
          eventName: props.eventName,
          aboutState: props.aboutState,
          data: unwrap(props.data),
          metadata: props.metadata,
          wrap: props.wrap,
        })
      : {
          eventBus: props.eventBus,
          source: props.source,
          detailType: props.eventName,
          detail: sfn.TaskInput.fromObject({
            metadata: expr(metadataObject(props.contextName, props.aboutState, props.eventName)),
            data: props.data,
          }),
        },
  ];
  const state = tasks.EventBridgePutEvents.jsonata(scope, id, {
    stateName: props.stateName,
    entries,
    outputs: expr(props.output ?? '$states.input'),
  });
  state.addRetry({ errors: [QUERY_EVALUATION_ERROR], maxAttempts: 0 });
  state.addRetry(PUBLISH_RETRY);
  ENTRIES.set(state, { entries, props });
  return state;
}

/** Whether `state` is a JSONata publish state with room for one more entry. */
export function canAddEntry(state: sfn.State): boolean {
  const of = ENTRIES.get(state);
  return of !== undefined && of.entries.length < MAX_PUT_EVENTS_ENTRIES;
}

/**
 * Adds an event to a JSONata publish state, first or last: the entries of a
 * `PutEvents` call are processed in the order of the request.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html
 */
export function addEntry(state: sfn.State, entry: JsonataEntry, position: 'first' | 'last'): void {
  const of = ENTRIES.get(state);
  if (!of || of.entries.length >= MAX_PUT_EVENTS_ENTRIES) {
    throw new Error(`${state.node.path} is not a JSONata publish state with room for an entry`);
  }
  const added = entryOf(of.props, entry);
  if (position === 'first') of.entries.unshift(added);
  else of.entries.push(added);
}

function entryOf(props: PublishStateProps, entry: JsonataEntry): tasks.EventBridgePutEventsEntry {
  const metadata = metadataObject(
    props.contextName,
    entry.aboutState,
    entry.eventName,
    entry.metadata ?? STATE_METADATA,
  );
  const detail = `{"metadata": ${metadata}, "data": ${entry.data}}`;
  return {
    eventBus: props.eventBus,
    source: props.source,
    detailType: entry.eventName,
    detail: sfn.TaskInput.fromText(expr(entry.wrap ? entry.wrap(detail) : detail)),
  };
}

/** The text of a `{% %}` expression. */
function unwrap(data: string | Record<string, unknown>): string {
  if (typeof data !== 'string' || !data.startsWith('{%') || !data.endsWith('%}')) {
    throw new Error(
      `a wrapped JSONata publish takes its data as one {% %} expression, not ${JSON.stringify(data)}`,
    );
  }
  return data.slice(2, -2).trim();
}

/** The event names a JSONata publish state puts, in order. */
export function entryNames(state: sfn.State): string[] {
  return ENTRIES.get(state)?.entries.map((e) => e.detailType) ?? [];
}

/**
 * The fields only JSONPath states have: a JSONata state has `Arguments` and
 * `Output` instead of the five JSONPath fields, and its Choice rules, Wait,
 * Fail and Map states, timeouts and heartbeats take expressions, not paths.
 * This module imports nothing, so the constructs' synth check and the engine
 * share it without either loading the other.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
export const JSONPATH_ONLY_FIELDS: readonly string[] = [
  'InputPath',
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'OutputPath',
  'ItemsPath',
  'SecondsPath',
  'TimestampPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'ErrorPath',
  'CausePath',
];

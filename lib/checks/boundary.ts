import { Reference, Tokenization } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';

/** A resource that a workflow state references. */
export interface StateReference {
  /** The state name. */
  readonly stateName: string;
  /** The construct the state references (a Lambda function, a state machine, ...). */
  readonly target: IConstruct;
}

/**
 * Every construct referenced (by `Ref` or `Fn::GetAtt`) from the states
 * reachable from `start`, including error handlers.
 *
 * Works on the rendered state JSON, so it sees references however the state
 * was built: by this library, or by hand with `tasks.LambdaInvoke`,
 * `tasks.StepFunctionsStartExecution` or `tasks.CallAwsService`.
 */
export function referencedConstructs(start: sfn.State): StateReference[] {
  const found: StateReference[] = [];
  for (const state of sfn.State.findReachableStates(start, { includeErrorHandlers: true })) {
    const json = state.toStateJson();
    for (const target of referencesIn(json)) {
      found.push({ stateName: state.stateId, target });
    }
  }
  return found;
}

function referencesIn(value: unknown): IConstruct[] {
  if (typeof value === 'string') {
    return Tokenization.reverseString(value)
      .tokens.filter((t): t is Reference => t instanceof Reference)
      .map((t) => t.target);
  }
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).flatMap(referencesIn);
  }
  return [];
}

import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ValidationError } from '../../checks/validation-error';
import { JSONPATH_ONLY_FIELDS } from '../../runtime/engine/jsonpath-only-fields';

/** A rendered state, or a part of one. */
type Json = Record<string, unknown>;

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** The first JSONPath-only field of a rendered state, as `field` and the value found. */
function jsonPathField(json: Json): [string, unknown] | undefined {
  for (const field of JSONPATH_ONLY_FIELDS)
    if (json[field] !== undefined && json[field] !== null) return [field, json[field]];
  for (const [i, c] of list(json.Catch).entries())
    if (c.ResultPath !== undefined) return [`Catch[${i}].ResultPath`, c.ResultPath];
  const variable = (rule: Json, at: string): [string, unknown] | undefined => {
    if (rule.Variable !== undefined) return [`${at}.Variable`, rule.Variable];
    for (const key of ['And', 'Or'])
      for (const [i, r] of list(rule[key]).entries()) {
        const found = variable(r, `${at}.${key}[${i}]`);
        if (found) return found;
      }
    return rule.Not ? variable(rule.Not as Json, `${at}.Not`) : undefined;
  };
  for (const [i, rule] of list(json.Choices).entries()) {
    const found = variable(rule, `Choices[${i}]`);
    if (found) return found;
  }
  return undefined;
}

/** The states of a rendered state's branches and item processor, by name. */
function nestedStates(json: Json): [string, Json][] {
  const graphs = [...list(json.Branches), json.ItemProcessor as Json, json.Iterator as Json];
  return graphs
    .filter((g) => g !== undefined)
    .flatMap((g) => Object.entries((g.States ?? {}) as Record<string, Json>));
}

/**
 * Refuses a JSONPath state in a JSONata workflow: aws-cdk-lib refuses a
 * state set to JSONPath under a JSONata state machine, and a state built
 * without `.jsonata()` renders JSONPath fields that a JSONata state machine
 * cannot run.
 */
export function validateJsonataStates(start: sfn.State): void {
  const fix =
    "This context writes JSONata (the default). Write the state with its .jsonata() factory (sfn.Choice.jsonata, sfn.Pass.jsonata, sfn.Condition.jsonata('{% ... %}'), tasks.LambdaInvoke.jsonata, ...), or set queryLanguage: sfn.QueryLanguage.JSON_PATH on the context to keep JSONPath states.";
  for (const state of sfn.State.findReachableStates(start, { includeErrorHandlers: true })) {
    let json: Json;
    try {
      json = state.toStateJson(sfn.QueryLanguage.JSONATA) as Json;
    } catch (error) {
      if (!/ConflictingQueryLanguages|can not be 'JSONPath'/.test(String(error))) throw error;
      throw new ValidationError(state.node.path, 'queryLanguage', 'JSONPath', fix);
    }
    const found = jsonPathField(json);
    if (found) {
      throw new ValidationError(
        state.node.path,
        `${found[0]} of state '${state.stateId}'`,
        // A token (JsonPath.DISCARD, a path helper) shown as what it renders.
        Stack.of(state).resolve(found[1]),
        fix,
      );
    }
    for (const [name, nested] of nestedStates(json)) {
      const inner = jsonPathField(nested);
      if (inner || nested.QueryLanguage === 'JSONPath') {
        throw new ValidationError(
          state.node.path,
          `${inner ? inner[0] : 'QueryLanguage'} of state '${name}' (inside '${state.stateId}')`,
          Stack.of(state).resolve(inner ? inner[1] : 'JSONPath'),
          fix,
        );
      }
    }
  }
}

/**
 * Refuses an event `data` written for JSONPath in a JSONata workflow: a
 * string that is not a `{% %}` expression would be published as that string,
 * and a `key.$` field as a field of that name.
 */
export function validateJsonataData(path: string, data: string | Record<string, unknown>): void {
  const fix =
    "This context writes JSONata (the default): give data as a JSONata expression, such as '{% $states.input.data %}' (the workflow's data) or '{% $merge([$states.input.data, $states.input.error]) %}' (with the error's Error and Cause), or as an object whose '{% %}' strings are expressions; or set queryLanguage: sfn.QueryLanguage.JSON_PATH on the context.";
  if (typeof data === 'string') {
    if (!/^\{%[\s\S]*%\}$/.test(data)) throw new ValidationError(path, 'data', data, fix);
    return;
  }
  const jsonPathKey = (value: unknown): string | undefined => {
    if (value === null || typeof value !== 'object') return undefined;
    for (const [key, inner] of Object.entries(value)) {
      if (key.endsWith('.$')) return key;
      const found = jsonPathKey(inner);
      if (found) return found;
    }
    return undefined;
  };
  const key = jsonPathKey(data);
  if (key) throw new ValidationError(path, 'data', data, fix);
}

/**
 * Why `name` cannot be an error the library routes or records as a business
 * outcome, or undefined when it can.
 *
 * Error names are matched exactly (`ErrorEquals`); those that begin with
 * `States.` are Step Functions' own (`States.ALL`, `States.Timeout`,
 * `States.TaskFailed`, ...): routing one would turn outages into business
 * outcomes, and recording one would hide which failure it was.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-error-representation
 */
export function businessErrorProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') {
    return "Give the error's name, the `name` of the error class the handler throws (for example 'PaymentDeclined').";
  }
  if (name.startsWith('States.')) {
    return "Names that begin with 'States.' are Step Functions' own errors (timeouts, failed tasks, every error): they mean an outage, not a business outcome. Name the handler's own error (for example 'PaymentDeclined'), and leave the others to the failure path.";
  }
  return undefined;
}

/** How one await of a context is configured; passed to the resumer in `ENSEMBLE_AWAITS`. */
export interface AwaitConfig {
  /** The await's state name. */
  readonly name: string;
  /** The awaited events. */
  readonly events: { readonly source: string; readonly detailType: string }[];
  /** Dotted path of the correlation field in the events' `data`. */
  readonly correlateBy: string;
  /** The await's timeout: how long an early event is kept, and a waiter remembered. */
  readonly timeoutSeconds: number;
}

/** The field at a dotted path of an object, or undefined. */
export function fieldAt(value: unknown, dottedPath: string): unknown {
  return dottedPath
    .split('.')
    .reduce<unknown>(
      (current, key) =>
        current !== null && typeof current === 'object'
          ? (current as Record<string, unknown>)[key]
          : undefined,
      value,
    );
}

/** Parse `ENSEMBLE_AWAITS`. */
export function parseAwaitConfigs(json: string | undefined): AwaitConfig[] {
  if (!json)
    throw new Error(
      'ENSEMBLE_AWAITS is not set: this function is configured by BoundedContext.await()',
    );
  return JSON.parse(json) as AwaitConfig[];
}

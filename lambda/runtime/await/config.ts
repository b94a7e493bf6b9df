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
  /**
   * What of the event the workflow receives besides its identity: the whole
   * `data` or only the fields at these dotted paths, and its `metadata` or not.
   */
  readonly keep?: { readonly data?: string[]; readonly metadata?: boolean };
}

/**
 * The fields of `value` at the dotted paths, in the same nesting; paths that
 * point at nothing are left out.
 */
export function pickFields(
  value: unknown,
  dottedPaths: readonly string[],
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const path of dottedPaths) {
    const field = fieldAt(value, path);
    if (field === undefined) continue;
    const keys = path.split('.');
    let target = picked;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      target = (target[key] = next !== null && typeof next === 'object' ? next : {}) as Record<
        string,
        unknown
      >;
    }
    target[keys[keys.length - 1]] = field;
  }
  return picked;
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

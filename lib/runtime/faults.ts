import { suggestion, UnknownNameError } from './names';

/** A fault to inject into a handler. */
export interface FaultSpec {
  /** The error name the handler fails with (`Lambda.ServiceException`, `PaymentDeclined`). */
  readonly error: string;
  /** @default 'injected fault' */
  readonly message?: string;
  /** Fail this many invocations, then behave normally. @default - every invocation while probability applies */
  readonly times?: number;
  /** Fail with this probability (0 to 1), from a seeded generator so runs repeat. @default 1 */
  readonly probability?: number;
}

/** An error thrown by an injected fault. */
export class InjectedFault extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

/**
 * Faults injected into handlers, by task name (`PlaceOrder`), function logical
 * id, or construct path, to exercise retries, catches and compensation.
 */
export class FaultInjector {
  private readonly faults = new Map<string, ActiveFault[]>();
  private readonly random: () => number;

  /**
   * @param known the names of the app's handlers: a fault on any other name
   * would never fire and let a test pass without testing anything, so it is
   * refused. @default - any name is accepted
   */
  constructor(
    seed = 42,
    private readonly known?: { readonly targets: Set<string>; readonly tasks: string[] },
  ) {
    this.random = seededRandom(seed);
  }

  /** Make the handler known as `target` fail as `spec` says. */
  public inject(target: string, spec: FaultSpec): void {
    if (this.known && !this.known.targets.has(target)) {
      throw new UnknownNameError(
        `injectFault('${target}'): no handler of the app has that name. ${suggestion(target, this.known.targets)}` +
          `Tasks: ${this.known.tasks.join(', ')} (a function's logical id or construct path works too).`,
      );
    }
    if (spec.probability !== undefined && (spec.probability < 0 || spec.probability > 1)) {
      throw new Error(`fault probability must be between 0 and 1, got ${spec.probability}`);
    }
    const list = this.faults.get(target) ?? [];
    list.push({ ...spec, remaining: spec.times ?? Infinity });
    this.faults.set(target, list);
  }

  /** Remove every fault. */
  public clear(): void {
    this.faults.clear();
  }

  /** Throw if a fault applies to an invocation of a handler known by any of `names`. */
  public check(names: (string | undefined)[]): void {
    for (const name of names) {
      if (!name) continue;
      for (const fault of this.faults.get(name) ?? []) {
        if (fault.remaining <= 0) continue;
        if (fault.probability !== undefined && this.random() >= fault.probability) continue;
        fault.remaining--;
        throw new InjectedFault(fault.error, fault.message ?? 'injected fault');
      }
    }
  }
}

/** A repeatable generator of numbers in [0, 1) (mulberry32: small and fast). */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

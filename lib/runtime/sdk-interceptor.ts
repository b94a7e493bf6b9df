import Module from 'node:module';
/** A call a handler made through an AWS SDK v3 client. */
export interface SdkCall {
  /** The client's service id (`EventBridge`, `SFN`, `DynamoDB`). */
  readonly service: string;
  /** The command name without `Command` (`PutEvents`). */
  readonly action: string;
  readonly input: Record<string, unknown>;
}

/** Serves SDK calls; throws for calls it does not serve. */
export type SdkRouter = (call: SdkCall) => Promise<unknown>;

/** Thrown for an SDK call the local runtime does not serve. */
export class UnsupportedCallError extends Error {
  constructor(what: string) {
    super(`the local runtime does not serve ${what}; it would have gone to AWS`);
    this.name = 'LocalRuntime.Unsupported';
  }
}

/** Where smithy's base `Client` lives: its own package, or (newer SDKs) a submodule of @smithy/core. */
const SMITHY_MODULE = /[\\/]@smithy[\\/]/;
const ORIGINAL = Symbol.for('cdk-ensemble.local-runtime.original-send');

type SendFn = (
  command: { constructor: { name: string }; input: Record<string, unknown> },
  ...rest: unknown[]
) => Promise<unknown>;

/**
 * Routes every AWS SDK v3 call made in this process to the local runtime.
 *
 * All v3 clients extend `@smithy/smithy-client`'s `Client`; its `send` is
 * replaced in every copy of that module that has been loaded, so nothing a
 * handler does reaches the network. A call the runtime does not serve fails
 * with `LocalRuntime.Unsupported`, naming the service and action.
 */
export class SdkInterceptor {
  private readonly patched = new Set<{ prototype: Record<string | symbol, unknown> }>();
  private router?: SdkRouter;

  /** Route calls to `router` from now on. */
  public install(router: SdkRouter): void {
    this.router = router;
    this.patchLoaded();
  }

  /** Patch SDK modules loaded since the last call (a handler bundle may load new ones). */
  public patchLoaded(): void {
    // Loading the SDK the project depends on makes sure at least that copy is patched.
    for (const name of ['@smithy/core/client', '@smithy/smithy-client']) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(name);
      } catch {
        // not installed: nothing to patch until a handler brings it
      }
    }
    // Both module caches: this library's (a test sandbox has its own) and Node's, where the
    // handler bundles load the SDK.
    const caches = [
      require.cache,
      (Module as unknown as { _cache: NodeJS.Dict<NodeJS.Module> })._cache,
    ];
    for (const [file, mod] of caches.flatMap((cache) => Object.entries(cache))) {
      const client = mod?.exports?.Client as
        { prototype: Record<string | symbol, unknown> } | undefined;
      if (!SMITHY_MODULE.test(file) || !isSmithyClient(client) || this.patched.has(client))
        continue;
      this.patched.add(client);
      client.prototype[ORIGINAL] = client.prototype.send;
      const route = (service: string, command: Parameters<SendFn>[0]) =>
        this.route(service, command);
      client.prototype.send = function (
        this: { config?: { serviceId?: string } },
        command: Parameters<SendFn>[0],
      ) {
        return route(this.config?.serviceId ?? 'Unknown', command);
      };
    }
  }

  /** Restore the SDK's own `send`. */
  public uninstall(): void {
    for (const client of this.patched) {
      client.prototype.send = client.prototype[ORIGINAL];
      delete client.prototype[ORIGINAL];
    }
    this.patched.clear();
    this.router = undefined;
  }

  private async route(service: string, command: Parameters<SendFn>[0]): Promise<unknown> {
    const action = command.constructor.name.replace(/Command$/, '');
    if (!this.router) throw new UnsupportedCallError(`${service}.${action}`);
    return this.router({ service, action, input: command.input ?? {} });
  }
}

function isSmithyClient(
  candidate: unknown,
): candidate is { prototype: Record<string | symbol, unknown> } {
  const prototype = (candidate as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  return typeof prototype?.send === 'function' && typeof prototype?.destroy === 'function';
}

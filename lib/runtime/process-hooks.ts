import { currentInvocation } from './lambda-host';
import { SdkInterceptor, SdkRouter, UnsupportedCallError } from './sdk-interceptor';

interface Hooks {
  readonly route: SdkRouter;
  readonly echoLogs: boolean;
}

const active: Hooks[] = [];
const interceptor = new SdkInterceptor();
let restoreOutput: (() => void) | undefined;

/**
 * Route this process's AWS SDK calls and handler logs to a local runtime
 * until the returned function is called.
 *
 * The hooks are process-wide, so they are shared: the most recently
 * activated runtime receives the calls, and the hooks come off when the last
 * runtime is disposed. Several runtimes may be alive (a test file with one per
 * test), in any order of disposal.
 */
export function activate(hooks: Hooks): { patchLoaded(): void; deactivate(): void } {
  active.push(hooks);
  if (active.length === 1) {
    interceptor.install((call) => {
      const top = active[active.length - 1];
      if (!top)
        throw new UnsupportedCallError(
          `${call.service}.${call.action} (no local runtime is active)`,
        );
      return top.route(call);
    });
    restoreOutput = captureLogs(() => active[active.length - 1]?.echoLogs ?? true);
  }
  let done = false;
  return {
    patchLoaded: () => interceptor.patchLoaded(),
    deactivate: () => {
      if (done) return;
      done = true;
      active.splice(active.indexOf(hooks), 1);
      if (active.length === 0) {
        interceptor.uninstall();
        restoreOutput?.();
        restoreOutput = undefined;
      }
    },
  };
}

/**
 * Keep the handlers' log lines (Powertools writes JSON lines to stdout) in the
 * invocation that wrote them, using the async context of the invocation.
 */
function captureLogs(echo: () => boolean): () => void {
  const original = process.stdout.write;
  const originalErr = process.stderr.write;
  const capture = (stream: NodeJS.WriteStream, write: typeof original) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      const scope = currentInvocation.getStore();
      if (scope) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          try {
            scope.logs.push(JSON.parse(line));
          } catch {
            scope.logs.push(line);
          }
        }
        if (!echo()) return true;
      }
      return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof original;
  process.stdout.write = capture(process.stdout, original);
  process.stderr.write = capture(process.stderr, originalErr);
  return () => {
    process.stdout.write = original;
    process.stderr.write = originalErr;
  };
}

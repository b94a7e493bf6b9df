import * as vm from 'node:vm';
import { currentInvocation } from './lambda-host';

const mainProcess = vm.runInThisContext('process') as NodeJS.Process;
import { SdkInterceptor, SdkRouter, UnsupportedCallError } from './sdk-interceptor';

interface Hooks {
  readonly route: SdkRouter;
  readonly echoLogs: boolean;
}

const active: Hooks[] = [];
const interceptor = new SdkInterceptor();
let restoreOutput: (() => void) | undefined;
let installed = false;

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
  if (!installed) {
    installed = true;
    interceptor.install((call) => {
      const top = active[active.length - 1];
      if (!top)
        throw new UnsupportedCallError(
          `${call.service}.${call.action} (no local runtime is active)`,
        );
      return top.route(call);
    });
  }
  if (active.length === 1) {
    restoreOutput = captureLogs(() => active[active.length - 1]?.echoLogs ?? true);
  }
  let done = false;
  return {
    patchLoaded: () => interceptor.patchLoaded(),
    deactivate: () => {
      if (done) return;
      done = true;
      active.splice(active.indexOf(hooks), 1);
      // The SDK stays patched: a handler still running after its runtime is gone
      // gets LocalRuntime.Unsupported, never a call to AWS.
      if (active.length === 0) {
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
  // The bundles write to the main realm's streams, which a test sandbox may not share.
  const streams = [
    ...new Set([process.stdout, process.stderr, mainProcess.stdout, mainProcess.stderr]),
  ];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    const write = originals[i];
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const scope = currentInvocation.getStore();
      if (scope) {
        for (const line of String(chunk).split('\n')) if (line) scope.output.push(line);
        if (!echo()) return true;
      }
      return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as NodeJS.WriteStream['write'];
  });
  return () => streams.forEach((stream, i) => (stream.write = originals[i]));
}

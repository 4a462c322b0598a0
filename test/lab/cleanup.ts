/**
 * Last-chance cleanup for labs: namespaces outlive the process that made them, so they are torn
 * down synchronously on exit and on the usual termination signals. `destroy()` in `afterAll`
 * remains the normal path; this covers a crash or an interrupted run.
 */
const hooks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const hook of [...hooks]) {
    hooks.delete(hook);
    try {
      hook();
    } catch {
      // Best effort: one failed teardown must not stop the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      runAll();
      // Leave the decision to exit to other listeners (a test runner) when there are any.
      if (process.listenerCount(signal) === 0)
        process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    };
    process.once(signal, onSignal);
  }
}

/** Registers a synchronous teardown; returns its removal, for when the normal path already ran. */
export function onProcessExit(hook: () => void): () => void {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}

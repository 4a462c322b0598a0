/**
 * Polls `check` every `everyMs` until it holds; resolves the elapsed ms, rejects after `timeoutMs`.
 * `what` may be a function, read at the timeout, so the error tells what the last check saw.
 */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string | (() => string),
  everyMs = 50,
): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) {
      const described = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${described}`);
    }
    await sleep(everyMs);
  }
  return performance.now() - start;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

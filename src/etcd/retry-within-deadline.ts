import { monotonicNow } from '../ports/clock.js';

/**
 * Runs `attempt` again while it fails with an error `retryable` accepts and time is left before
 * `deadline` (on the monotonic clock, see `monotonicNow`). For calls to an etcd cluster with a member down: a refused connection fails in
 * milliseconds, so another attempt (on another member) still fits in the same deadline.
 */
export async function retryWithinDeadline<T>(
  attempt: (deadline: number) => Promise<T>,
  options: {
    deadline: number;
    retryable: (error: unknown) => boolean;
    now?: () => number;
    /** Attempts at most (default 3, one per member of a usual cluster). */
    maxAttempts?: number;
    /** Try again only with at least this much of the deadline left (default 100 ms). */
    minLeftMs?: number;
  },
): Promise<T> {
  const now = options.now ?? monotonicNow;
  const maxAttempts = options.maxAttempts ?? 3;
  const minLeft = options.minLeftMs ?? 100;
  for (let n = 1; ; n++) {
    try {
      return await attempt(options.deadline);
    } catch (error) {
      if (n >= maxAttempts || options.deadline - now() < minLeft || !options.retryable(error)) throw error;
    }
  }
}

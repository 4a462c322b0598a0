import { ConstantBackoff, handleWhen, retry } from 'cockatiel';
import { monotonicNow } from '../ports/clock.js';

/**
 * Runs `attempt` again while it fails with an error `retryable` accepts and time is left before
 * `deadline` (on the monotonic clock, see `monotonicNow`). For calls to an etcd cluster with a member down: a refused connection fails in
 * milliseconds, so another attempt (on another member) still fits in the same deadline.
 */
export function retryWithinDeadline<T>(
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
  const minLeft = options.minLeftMs ?? 100;
  const worthAnother = (error: Error) => options.deadline - now() >= minLeft && options.retryable(error);
  return retry(handleWhen(worthAnother), {
    maxAttempts: (options.maxAttempts ?? 3) - 1,
    backoff: new ConstantBackoff(0),
  }).execute(() => attempt(options.deadline));
}

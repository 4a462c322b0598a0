import type { LockPort } from '../ports/coordination.js';

/**
 * Lock calls one agent keeps in flight at most (campaigns and releases together): what the etcd
 * adapter sends in its few batched transactions at once (4 of 64 calls, see `GroupCommit`).
 */
export const MAX_LOCK_CALLS_IN_FLIGHT = 256;

/**
 * A LockPort whose campaigns and releases wait for one of `max` slots. Thousands of VIPs starting
 * at once (a bulk create, a restart) otherwise sent thousands of transactions together: on a busy
 * host their answers came after the call deadline, each failure was retried a second later, and
 * the storm kept the event loop too busy for the host lease's keepalive. Queued calls get their
 * etcd deadline when they are sent, not when they are queued. Reads and the watch pass through.
 */
export function pacedLocks(locks: LockPort, max = MAX_LOCK_CALLS_IN_FLIGHT): LockPort {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const paced = async <T>(call: () => Promise<T>): Promise<T> => {
    if (inFlight >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else inFlight += 1;
    try {
      return await call();
    } finally {
      const next = waiting.shift();
      // The slot passes straight to the next caller, so a burst cannot overtake the queue.
      if (next) next();
      else inFlight -= 1;
    }
  };
  return {
    campaign: (key, holder, leaseId) => paced(() => locks.campaign(key, holder, leaseId)),
    release: (key, leaseId) => paced(() => locks.release(key, leaseId)),
    read: (key) => locks.read(key),
    readAll: (prefix) => locks.readAll(prefix),
    watch: (prefix, handlers) => locks.watch(prefix, handlers),
  };
}

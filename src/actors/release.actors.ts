import { fromPromise } from 'xstate';
import type { ElectionInput, HandoverInput } from '../machines/vip.machine.js';
import { keys } from '../model/keys.js';
import type { LockPort } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort } from '../ports/network.js';
import type { HostLease } from './host-lease.js';
import type { LockWatcher } from './lock-watcher.js';

export interface ReleaseDeps {
  hostLease: HostLease;
  locks: LockPort;
  watcher: LockWatcher;
  address: AddressPort;
  logger: Logger;
  /** How long a stopping holder keeps the VIP bound while waiting for a successor. */
  handoverTimeoutMs: number;
}

/** FAILING: delete our lock so a healthy host takes over at once (only if it is ours). */
export function createReleaseLockActor(deps: ReleaseDeps) {
  return fromPromise<void, ElectionInput>(async ({ input }) => {
    const lease = deps.hostLease.inForce;
    if (!lease) return;
    await deps.locks.release(keys.lock(input.electionKey), lease.leaseId);
  });
}

/**
 * STOPPING: make-before-break. Release the lock, keep the VIP bound until another host holds the
 * lock (or the handover timeout passes), then unbind. A `hold` stop keeps both for a quick restart.
 */
export function createHandoverActor(deps: ReleaseDeps) {
  return fromPromise<void, HandoverInput>(async ({ input }) => {
    if (input.mode === 'hold') return;
    const key = keys.lock(input.electionKey);
    const lease = deps.hostLease.inForce;
    let released = false;
    if (lease) {
      const successor = deps.watcher.waitFor(
        key,
        (lock) => lock !== undefined && lock.leaseId !== lease.leaseId,
        deps.handoverTimeoutMs,
      );
      try {
        released = await deps.locks.release(key, lease.leaseId);
      } catch (error) {
        deps.logger.warn({ err: error, key }, 'could not release the lock; it expires with the lease');
      }
      if (released) {
        const outcome = await successor;
        deps.logger.info(
          { key, successor: outcome === 'timeout' ? null : outcome?.holder },
          outcome === 'timeout' ? 'no successor within the handover timeout' : 'handed over',
        );
      }
    }
    if (await deps.address.has(input.ip)) await deps.address.remove(input.ip);
  });
}

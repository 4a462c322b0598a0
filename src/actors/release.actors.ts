import { fromPromise } from 'xstate';
import type { HandoverInput, LockKeyInput } from '../machines/vip.machine.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { LockPort } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort, AnnouncerPort } from '../ports/network.js';
import type { HostLease } from './host-lease.js';
import type { LockWatcher } from './lock-watcher.js';

export interface ReleaseDeps {
  hostLease: HostLease;
  locks: LockPort;
  watcher: LockWatcher;
  address: AddressPort;
  /** Sees the successor's announcement of the VIP (a claim from another station). */
  announcer: Pick<AnnouncerPort, 'watchConflicts'>;
  clock: Clock;
  logger: Logger;
  /** How long a stopping holder keeps the VIP bound while waiting for a successor. */
  handoverTimeoutMs: number;
  /** Wait before retrying a failed release of a failing VIP's lock. */
  retryMs: number;
}

/**
 * FAILING: delete our lock so a healthy host takes over at once (only if it is ours). A failed
 * delete is retried for as long as the VIP stays FAILING: a lock left behind would keep every
 * other host out until the backend came back (hundreds of VIPs failing at once can time out).
 */
export function createReleaseLockActor(deps: ReleaseDeps) {
  return fromPromise<void, LockKeyInput>(async ({ input, signal }) => {
    const key = keys.lock(input.electionKey);
    while (!signal.aborted) {
      const lease = deps.hostLease.inForce;
      if (!lease) return;
      try {
        await deps.locks.release(key, lease.leaseId);
        return;
      } catch (error) {
        deps.logger.warn({ err: error, key }, 'could not release the lock of a failing VIP; retrying');
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          deps.clock.clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = deps.clock.setTimeout(done, deps.retryMs);
        signal.addEventListener('abort', done);
      });
    }
  });
}

/**
 * STOPPING: make-before-break. Release the lock, keep the VIP bound until another host holds the
 * lock and has announced the VIP, so neighbours already point there (or the handover timeout
 * passes), then unbind. A `hold` stop keeps both for a quick restart.
 */
export function createHandoverActor(deps: ReleaseDeps) {
  return fromPromise<void, HandoverInput>(async ({ input }) => {
    if (input.mode === 'hold') return;
    const key = keys.lock(input.electionKey);
    const lease = deps.hostLease.inForce;
    const deadline = deps.clock.now() + deps.handoverTimeoutMs;
    // Watch from the start: the successor may announce before its lock reaches our watch.
    let announced = false;
    let onAnnounced: (() => void) | undefined;
    const unwatch = deps.announcer.watchConflicts(input.ip, () => {
      announced = true;
      onAnnounced?.();
    });
    try {
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
          if (outcome !== 'timeout' && !announced) {
            await new Promise<void>((resolve) => {
              const timer = deps.clock.setTimeout(resolve, Math.max(0, deadline - deps.clock.now()));
              onAnnounced = () => {
                deps.clock.clearTimeout(timer);
                resolve();
              };
            });
          }
          deps.logger.info(
            { key, successor: outcome === 'timeout' ? null : outcome?.holder, announced },
            outcome === 'timeout' ? 'no successor within the handover timeout' : 'handed over',
          );
        }
      }
    } finally {
      unwatch();
    }
    if (await deps.address.has(input.ip)) await deps.address.remove(input.ip);
  });
}

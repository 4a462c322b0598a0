import { fromPromise } from 'xstate';
import type { AddressInput, HandoverInput, LockKeyInput } from '../machines/vip.machine.js';
import { keys } from '../model/keys.js';
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
  logger: Logger;
}

/**
 * FAILING: one attempt to delete our lock so a healthy host takes over at once (only if it is
 * ours). A failed delete rejects; the statechart tries again after `retryDelay` for as long as the
 * VIP stays FAILING (hundreds of VIPs failing at once can time out).
 */
export function createReleaseLockActor(deps: ReleaseDeps) {
  return fromPromise<void, LockKeyInput>(async ({ input }) => {
    const key = keys.lock(input.electionKey);
    const lease = deps.hostLease.inForce;
    if (!lease) return;
    try {
      await deps.locks.release(key, lease.leaseId);
    } catch (error) {
      deps.logger.warn({ err: error, key }, 'could not release the lock of a failing VIP; retrying');
      throw error;
    }
  });
}

/**
 * STOPPING: make-before-break. Releases the lock and resolves once another host holds it and has
 * announced the VIP, so neighbours already point there. The statechart bounds the wait
 * (`handoverTimeout`) and unbinds after it (`unbindOnStop`).
 */
export function createHandoverActor(deps: ReleaseDeps) {
  return fromPromise<void, HandoverInput>(async ({ input, signal }) => {
    const key = keys.lock(input.electionKey);
    const lease = deps.hostLease.inForce;
    if (!lease) return;
    let announced = false;
    let successor: string | undefined;
    let done: (() => void) | undefined;
    const settled = new Promise<void>((resolve) => {
      done = resolve;
    });
    const check = () => {
      if (announced && successor !== undefined) done?.();
    };
    // Watch from the start: the successor may announce before its lock reaches our watch.
    const unwatch = deps.announcer.watchConflicts(input.ip, () => {
      announced = true;
      check();
    });
    const off = deps.watcher.on(key, (lock) => {
      if (lock !== undefined && lock.leaseId !== lease.leaseId) {
        successor = lock.holder;
        check();
      }
    });
    const timedOut = () => {
      deps.logger.info(
        { key, successor: successor ?? null, announced },
        'no successor within the handover timeout',
      );
      done?.();
    };
    signal.addEventListener('abort', timedOut);
    try {
      let released = false;
      try {
        released = await deps.locks.release(key, lease.leaseId);
      } catch (error) {
        deps.logger.warn({ err: error, key }, 'could not release the lock; it expires with the lease');
      }
      if (!released || signal.aborted) return;
      await settled;
      if (!signal.aborted) deps.logger.info({ key, successor, announced }, 'handed over');
    } finally {
      signal.removeEventListener('abort', timedOut);
      unwatch();
      off();
    }
  });
}

/** STOPPING, last: the VIP leaves the interface (after the handover, or with no successor in time). */
export function createUnbindOnStopActor(deps: Pick<ReleaseDeps, 'address'>) {
  return fromPromise<void, AddressInput>(async ({ input }) => {
    if (await deps.address.has(input.ip)) await deps.address.remove(input.ip);
  });
}

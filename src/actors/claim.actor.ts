import { fromCallback } from 'xstate';
import type { VipEvent } from '../machines/vip.events.js';
import type { LockKeyInput } from '../machines/vip.machine.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { LockPort } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import type { HostLease } from './host-lease.js';
import type { LockWatcher } from './lock-watcher.js';

export interface ClaimDeps {
  hostname: string;
  hostLease: HostLease;
  locks: LockPort;
  /** The agent's watch on `/link/claims/`. */
  claims: LockWatcher;
  clock: Clock;
  logger: Logger;
  retryMs: number;
}

/**
 * STANDBY.claiming: holds the VIP's claim key (create-if-absent, bound to the host lease), so the
 * holder hands the VIP over to this host and the other standbys let it win the lock. One claimant
 * at a time; a later one waits for the key to be free. Leaving the state withdraws the claim.
 */
export function createClaimActor(deps: ClaimDeps) {
  return fromCallback<VipEvent, LockKeyInput>(({ input }) => {
    const key = keys.claim(input.electionKey);
    let stopped = false;
    let timer: unknown;
    let heldWith: string | undefined;

    const claim = async () => {
      const lease = deps.hostLease.inForce;
      if (stopped || !lease) return;
      try {
        const lock = await deps.locks.campaign(key, deps.hostname, lease.leaseId);
        if (lock.leaseId === lease.leaseId) {
          heldWith = lease.leaseId;
          if (stopped) void withdraw();
          else deps.logger.info({ key }, 'claiming the VIP back: this host is preferred and stable');
        }
      } catch (error) {
        deps.logger.debug({ err: error, key }, 'could not claim the VIP; retrying');
        deps.clock.clearTimeout(timer);
        timer = deps.clock.setTimeout(() => void claim(), deps.retryMs);
      }
    };

    const withdraw = async () => {
      const leaseId = heldWith;
      heldWith = undefined;
      if (!leaseId) return;
      await deps.locks.release(key, leaseId).catch((error: unknown) => {
        deps.logger.debug({ err: error, key }, 'could not withdraw the claim; it expires with the lease');
      });
    };

    const off = deps.claims.on(key, (lock) => {
      if (!lock) void claim();
    });
    void claim();
    return () => {
      stopped = true;
      deps.clock.clearTimeout(timer);
      off();
      void withdraw();
    };
  });
}

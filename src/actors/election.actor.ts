import { fromCallback } from 'xstate';
import type { ElectionCommand, VipEvent } from '../machines/vip.events.js';
import type { ElectionInput } from '../machines/vip.machine.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { LockPort, LockState } from '../ports/coordination.js';
import { type Logger, lazyChild } from '../ports/logger.js';
import type { HostLease } from './host-lease.js';
import type { LockWatcher } from './lock-watcher.js';

export interface ElectionDeps {
  hostname: string;
  hostLease: HostLease;
  locks: LockPort;
  watcher: LockWatcher;
  /** The agent's watch on `/link/claims/`: who claims each VIP back (preferred hosts, spread). */
  claims: LockWatcher;
  clock: Clock;
  logger: Logger;
  /** Wait before retrying a failed campaign. */
  retryMs: number;
  /** After an operator failover, how long we stay out of the race to let another host win. */
  yieldMs: number;
  onEtcdError?: (operation: string) => void;
  /**
   * How long a claim ended early could still live (0: none), asked by `release` VIPs when they win
   * a lock, so they bind only once the previous holder's own deadline has passed.
   */
  endedClaimHoldOff?: () => Promise<number>;
}

/**
 * Campaigns for one VIP's lock with a create-if-absent transaction bound to the host lease, then
 * follows the lock through the shared watch: a delete makes us contend at once, a put tells us who
 * holds it. Reports `elected`, `demoted`, `fault` and `lease.expiring` to the VIP statechart, and
 * `claim` when another host claims the VIP back. While another host claims it, a free lock is
 * left to that host for `yieldMs` before this one campaigns, so the VIP moves once, to the claimant.
 */
export function createElectionActor(deps: ElectionDeps) {
  return fromCallback<ElectionCommand, ElectionInput>(({ input, sendBack, receive }) => {
    const key = keys.lock(input.electionKey);
    const claimKey = keys.claim(input.electionKey);
    const log = lazyChild(deps.logger, { electionKey: input.electionKey });
    const send = (event: VipEvent) => {
      if (!stopped) sendBack(event);
    };
    let stopped = false;
    let inFlight = false;
    let again = false;
    // After an etcd fault or our own yield, neighbours may follow another announcement than the
    // lock's: the next `elected` asks to announce again, the next `demoted` to keep the VIP until
    // the holder has announced it.
    let unsettled = false;
    let yieldUntil = 0;
    let retryTimer: unknown;
    // Another host's claim on this VIP; read once on the first win, then followed by the watch.
    let claimant: string | undefined;
    let claimKnown = false;
    let holding = false;

    const ours = (lock: LockState) => lock.leaseId === deps.hostLease.inForce?.leaseId;
    // The lock as last seen (a campaign's answer or the watch), undefined once deleted.
    let lastLock: LockState | undefined;

    // The lock revision we last reported as ours: a fresh win of a `release` VIP asks first
    // whether a claim ended early could still be alive.
    let wonRevision: string | undefined;

    const report = (lock: LockState, holdOffMs = 0) => {
      lastLock = lock;
      // Our lock seen while yielding is the release still in flight: the retry after the yield decides.
      if (ours(lock) && deps.clock.now() < yieldUntil) return;
      if (ours(lock)) {
        wonRevision = lock.revision;
        // Winning again after a yield that nobody took: assert the VIP again (and defend it).
        send({
          type: 'elected',
          holder: lock.holder,
          revision: lock.revision,
          reannounce: unsettled,
          ...(holdOffMs > 0 ? { holdOffMs } : {}),
        });
        if (!holding) {
          holding = true;
          if (claimant !== undefined) send({ type: 'preferred.claim', claimant });
          else if (!claimKnown) void readClaim();
        }
      } else {
        holding = false;
        // After a fault we may have bound the VIP too (activate policy): the holder re-announces only
        // once it sees etcd again, maybe later. After a yield the successor is still binding.
        send({
          type: 'demoted',
          holder: lock.holder,
          revision: lock.revision,
          ...(unsettled ? { awaitHolder: true } : {}),
        });
      }
      unsettled = false;
    };

    const retryLater = (ms: number) => {
      deps.clock.clearTimeout(retryTimer);
      retryTimer = deps.clock.setTimeout(() => void campaign(), ms);
    };

    const campaign = async (): Promise<void> => {
      if (stopped) return;
      if (inFlight) {
        again = true;
        return;
      }
      const lease = deps.hostLease.inForce;
      if (!lease) return; // `lease.granted` starts the race
      const yieldLeft = yieldUntil - deps.clock.now();
      inFlight = true;
      try {
        if (yieldLeft > 0) {
          const lock = await deps.locks.read(key);
          if (lock) report(lock);
          else retryLater(yieldLeft);
        } else {
          const lock = await deps.locks.campaign(key, deps.hostname, lease.leaseId);
          const fresh = ours(lock) && lock.revision !== wonRevision;
          const holdOff =
            fresh && input.waitsOutEndedClaims && deps.endedClaimHoldOff ? await deps.endedClaimHoldOff() : 0;
          report(lock, holdOff);
        }
      } catch (error) {
        log.debug({ err: error }, 'campaign failed; retrying');
        deps.onEtcdError?.('campaign');
        retryLater(deps.retryMs);
      } finally {
        inFlight = false;
        if (again) {
          again = false;
          void campaign();
        }
      }
    };

    const noteClaim = (lock: LockState | undefined) => {
      claimKnown = true;
      const next = lock && lock.holder !== deps.hostname ? lock.holder : undefined;
      if (next === claimant) return;
      claimant = next;
      send({ type: 'preferred.claim', claimant });
    };

    const readClaim = async () => {
      try {
        const lock = await deps.locks.read(claimKey);
        if (!claimKnown) noteClaim(lock);
      } catch (error) {
        log.debug({ err: error }, 'could not read the claim; the watch reports the next one');
      }
    };

    const offLock = deps.watcher.on(key, (lock) => {
      lastLock = lock;
      // Our own fresh win of a `release` VIP is reported by the campaign, after its hold-off.
      const freshWin = lock && ours(lock) && lock.revision !== wonRevision && input.waitsOutEndedClaims;
      if (lock && !freshWin) report(lock);
      else {
        // Leave a free lock to the claimant for a while; campaign after it if nobody took it.
        if (!lock && claimant !== undefined)
          yieldUntil = Math.max(yieldUntil, deps.clock.now() + deps.yieldMs);
        void campaign();
      }
    });
    const offClaim = deps.claims.on(claimKey, noteClaim);
    const offResync = deps.watcher.onResync(() => void campaign());
    const offLease = deps.hostLease.subscribe((event) => {
      switch (event.type) {
        case 'lease.granted':
          // Another host's lock is still its own: the watch reports its delete, and we campaign
          // then. Campaigning anyway made every standby VIP of a host whose lease lapsed under
          // load (10 000 of them) ask etcd again, which kept the host too busy to renew it.
          if (lastLock && lastLock.holder !== deps.hostname) break;
          void campaign();
          break;
        case 'etcd.up':
          void campaign();
          break;
        case 'etcd.down':
          unsettled = true;
          send({ type: 'fault', reason: `etcd unreachable: ${event.reason}` });
          break;
        case 'lease.expiring':
          // The holder may go silent past the deadline (see the holder actor): if the lease turns
          // out to be renewed, the next `elected` asks it to announce again.
          unsettled = true;
          send({ type: 'lease.expiring', deadline: event.deadline });
          break;
      }
    });

    receive((command) => {
      if (command.type !== 'yield') return;
      const lease = deps.hostLease.inForce;
      yieldUntil = deps.clock.now() + deps.yieldMs;
      if (!lease) return;
      unsettled = true;
      deps.locks.release(key, lease.leaseId).then(
        (released) => log.info({ released }, 'lock released for an operator failover'),
        (error) => log.warn({ err: error }, 'could not release the lock for a failover'),
      );
      retryLater(deps.yieldMs);
    });

    if (!deps.hostLease.etcdReachable) {
      unsettled = true;
      send({ type: 'fault', reason: 'etcd unreachable at start' });
    }
    void campaign();

    return () => {
      stopped = true;
      deps.clock.clearTimeout(retryTimer);
      offLock();
      offClaim();
      offResync();
      offLease();
    };
  });
}

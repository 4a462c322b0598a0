import { createAddressCheckActor } from '../actors/address-check.actor.js';
import type { BoundVips } from '../actors/address-reconciler.js';
import type { AnnounceRequests } from '../actors/announce-requests.js';
import { createClaimActor } from '../actors/claim.actor.js';
import { createElectionActor } from '../actors/election.actor.js';
import { endedClaimHoldOff } from '../actors/ended-claims.js';
import { createHealthActor } from '../actors/health.actor.js';
import { createHolderActor } from '../actors/holder.actor.js';
import type { HostLease } from '../actors/host-lease.js';
import { LastWord } from '../actors/last-word.js';
import type { LockWatcher } from '../actors/lock-watcher.js';
import {
  createHandoverActor,
  createReleaseLockActor,
  createUnbindOnStopActor,
} from '../actors/release.actors.js';
import { createUnbinderActor } from '../actors/unbinder.actor.js';
import type { AgentObserver } from '../agent/agent-observer.js';
import type { AgentSettings } from '../agent/agent-settings.js';
import { type VIP_DELAYS, vipMachine } from '../machines/vip.machine.js';
import { electionKeyOf } from '../model/endpoint.js';
import type { Clock } from '../ports/clock.js';
import type { LockPort } from '../ports/coordination.js';
import type { ProbePort } from '../ports/health.js';
import type { LivenessStorePort } from '../ports/liveness.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort, AnnouncerPort } from '../ports/network.js';
import { pacedLocks } from './paced-locks.js';

export interface VipActorDeps {
  hostname: string;
  announceRequests?: AnnounceRequests;
  hostLease: HostLease;
  locks: LockPort;
  liveness: LivenessStorePort;
  watcher: LockWatcher;
  /** The agent's watch on `/link/claims/`. */
  claims: LockWatcher;
  address: AddressPort;
  /** The host-wide reconcile's record of bound VIPs (see the agent statechart). */
  bound: BoundVips;
  announcer: AnnouncerPort;
  probe: ProbePort;
  clock: Clock;
  logger: Logger;
  settings: AgentSettings;
  observer?: AgentObserver;
}

const RETRY_MS = 1000;
/** ARP probes or DAD solicitations per address check, as RFC 5227 sends. */
const ADDRESS_PROBES = 3;

/** The VIP statechart with its real actors: the one place where machine meets I/O. */
export function provideVipMachine(deps: VipActorDeps) {
  const { settings: s, clock, logger, observer } = deps;
  const locks = pacedLocks(deps.locks);
  // Per VIP: whether neighbours may still point here (see LastWord).
  const lastWord = new LastWord(clock);
  deps.announcer.watchOwnClaims?.((ip) => lastWord.ownClaim(ip));
  const release = {
    hostLease: deps.hostLease,
    locks,
    watcher: deps.watcher,
    address: deps.address,
    announcer: deps.announcer,
    logger,
  };
  return vipMachine.provide({
    guards: { addressCheckOn: () => s.bindCheckMs > 0 },
    actors: {
      addressCheck: createAddressCheckActor({
        announcer: deps.announcer,
        clock,
        logger,
        probes: ADDRESS_PROBES,
        // Spread over the first half of the window, so the last probe's answer has time to come.
        probeIntervalMs: s.bindCheckMs / (2 * ADDRESS_PROBES),
      }),
      election: createElectionActor({
        hostname: deps.hostname,
        hostLease: deps.hostLease,
        locks,
        watcher: deps.watcher,
        claims: deps.claims,
        clock,
        logger,
        retryMs: RETRY_MS,
        yieldMs: s.handoverTimeoutMs,
        endedClaimHoldOff: () => endedClaimHoldOff(deps.liveness),
        ...(observer ? { onEtcdError: (op: string) => observer.etcdError(op) } : {}),
      }),
      health: createHealthActor({
        probe: deps.probe,
        clock,
        defaultIntervalMs: s.healthIntervalMs,
        timeoutMs: s.healthTimeoutMs,
        fall: s.healthFall,
        rise: s.healthRise,
        ...(observer ? { onRound: (key: string, ok: boolean) => observer.healthResult(key, ok) } : {}),
      }),
      holder: createHolderActor({
        address: deps.address,
        bound: deps.bound,
        announcer: deps.announcer,
        clock,
        logger,
        arpCount: s.arpCount,
        arpIntervalMs: s.arpIntervalMs,
        arpRefreshMs: s.arpRefreshMs,
        conflictHoldoffMs: 10_000,
        leaseInForce: () => deps.hostLease.inForceNow,
        ...(deps.announceRequests
          ? {
              onAnnounceRequest: (ip: string, listener: (from: string) => void) =>
                (deps.announceRequests as AnnounceRequests).on(electionKeyOf(ip), listener),
            }
          : {}),
        onAnnounced: (ip: string) => {
          lastWord.ownClaim(ip);
          observer?.announced?.(ip);
        },
        onConflict: (ip: string, mac: string) => {
          lastWord.otherClaim(ip);
          observer?.conflict?.(ip, mac);
        },
      }),
      unbinder: createUnbinderActor({
        address: deps.address,
        announcer: deps.announcer,
        spokeLast: (ip) => lastWord.ours(ip),
        ...(deps.announceRequests
          ? { askHolder: (ip: string) => deps.announceRequests?.ask(electionKeyOf(ip)) }
          : {}),
        clock,
        logger,
        retryMs: RETRY_MS,
      }),
      releaseLock: createReleaseLockActor(release),
      handover: createHandoverActor(release),
      unbindOnStop: createUnbindOnStopActor(release),
      preferredClaim: createClaimActor({
        hostname: deps.hostname,
        hostLease: deps.hostLease,
        locks: deps.locks,
        claims: deps.claims,
        clock,
        logger,
        retryMs: RETRY_MS,
      }),
    },
    delays: {
      preemptDelay: s.preemptDelayMs,
      bindCheck: s.bindCheckMs,
      bindRecheck: s.bindRecheckMs,
      retryDelay: RETRY_MS,
      // Another host has had one lease TTL to take a VIP this host could not bind.
      bindFailureHoldoff: s.leaseTtlSeconds * 1000,
      handoverTimeout: s.handoverTimeoutMs,
      // A holder that has not renewed its lease within one TTL has lost the lock.
      awaitHolderTimeout: s.leaseTtlSeconds * 1000,
    } satisfies Record<'preemptDelay' | 'bindCheck' | 'bindRecheck' | keyof typeof VIP_DELAYS, number>,
  });
}

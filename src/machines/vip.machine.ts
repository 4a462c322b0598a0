import { and, assign, fromCallback, fromPromise, not, sendTo, setup } from 'xstate';
import { type Endpoint, electionKeyOf } from '../model/endpoint.js';
import { outranks } from '../model/placement.js';
import type { HealthCheck } from '../ports/health.js';
import type { ElectionCommand, HolderCommand, VipEvent } from './vip.events.js';

export interface VipInput {
  endpoint: Endpoint;
  hostname: string;
  /** The host is drained for maintenance: the VIP starts out of the election. */
  drained?: boolean;
  /** Cluster-wide spread placement: hosts not in `preferredHosts` rank by rendezvous hashing. */
  spread?: boolean;
}

export interface HealthSnapshot {
  ok: boolean;
  detail: string;
}

export interface VipContext {
  endpoint: Endpoint;
  hostname: string;
  /** Lock holder as last reported by the election actor. */
  holder: string | undefined;
  /** Create revision of the lock key: a fencing token for the current holder. */
  revision: string | undefined;
  health: HealthSnapshot | undefined;
  lastFault: string | undefined;
  lastNetError: string | undefined;
  conflicts: number;
  stopMode: 'release' | 'hold';
  /** Elected after a claim ended early (`release` VIPs): wait this long before binding. */
  holdOffMs: number;
  drained: boolean;
  spread: boolean;
  /** The interface's link as last reported; a VIP without link goes FAILING like a failed check. */
  link: { up: boolean; detail: string };
  /** Another host claiming this VIP back, if any. */
  claimant: string | undefined;
  /** The address was probed free on the segment once: later elections bind without asking. */
  addressChecked: boolean;
  /** The MAC of the station that answered the last probe, while the address is in use. */
  conflictMac: string | undefined;
  /** Binds that failed in a row; at `BIND_ATTEMPTS` the VIP gives its lock up (FAILING). */
  bindFailures: number;
}

/**
 * Failed binds in a row (`retryDelay` apart) before a holder that cannot bind its VIP (`ip`
 * refused: EPERM, a timeout) goes FAILING and releases the lock, so a host that can takes over.
 */
export const BIND_ATTEMPTS = 3;

export interface LockKeyInput {
  electionKey: string;
}
export interface ElectionInput extends LockKeyInput {
  /** `release` VIPs ask, when elected, how long an ended claim could still live. */
  waitsOutEndedClaims: boolean;
}
export interface HealthInput {
  electionKey: string;
  checks: HealthCheck[];
  intervalSeconds: number;
}
export interface AddressInput {
  ip: string;
}
export interface HolderInput extends AddressInput {
  /**
   * Whether this host holds the lock (entered on `elected`), so answers other stations' claims.
   * Bound only by the fault policy, it gives way to a claim: most likely the lock's holder.
   */
  defend: boolean;
}
export interface UnbindInput extends AddressInput {
  /**
   * HANDING_BACK: do not unbind; report `handback.done` once another station announced the
   * address, or at once when neighbours cannot be pointing here (not bound, or not our last word).
   */
  awaitHolder: boolean;
}
export interface AddressCheckInput {
  ip: string;
}
export interface HandoverInput {
  electionKey: string;
  ip: string;
}

/**
 * The timers an operator may wonder about, as named delays: the values here are the defaults of
 * linkd's settings, and the composition root (daemon/vip-actors.ts) provides the configured ones.
 */
export const VIP_DELAYS = {
  /** Before a failed bind, or a failed release of a failing VIP's lock, is tried again. */
  retryDelay: 1000,
  /**
   * How long a VIP that gave up binding stays FAILING before it contends again (if healthy):
   * one lease TTL (`--lease-ttl`), time enough for another host to take it.
   */
  bindFailureHoldoff: 6000,
  /** How long a holder stopping or draining keeps the VIP for a successor to announce it (`--handover-timeout`). */
  handoverTimeout: 2000,
  /**
   * How long a host demoted after an etcd fault keeps a VIP neighbours may still point at
   * (HANDING_BACK), for the holder to announce it: one lease TTL (`--lease-ttl`), by which a holder
   * that has not renewed its lease has lost the lock.
   */
  awaitHolderTimeout: 6000,
};

/**
 * Make-before-break: the handover releases the VIP's lock and watches its address for the
 * successor's announcement; `next` once it has, once it failed, or after `handoverTimeout`.
 */
function handingOverTo<const Next extends string>(next: Next) {
  return {
    invoke: {
      id: 'handover',
      src: 'handover',
      input: ({ context }: { context: VipContext }): HandoverInput => ({
        electionKey: electionKeyOf(context.endpoint.ip),
        ip: context.endpoint.ip,
      }),
      onDone: next,
      onError: { target: next, actions: 'recordActorError' },
    },
    after: { handoverTimeout: next },
  } as const;
}

/** Elected from BOOTING or STANDBY: wait out an ended claim, look at a never-held address, or take it. */
const takeTheLock = [
  { guard: 'mustWaitOldLease', target: 'AWAITING_OLD_LEASE', actions: 'recordLock' },
  { guard: and(['firstTake', 'addressCheckOn']), target: 'CHECKING_ADDRESS', actions: 'recordLock' },
  { target: 'ACTIVATED', actions: 'recordLock' },
] as const;

/**
 * Another host holds the lock. After an etcd fault this host may have bound and announced the VIP
 * meanwhile (`awaitHolder`): it hands it back (HANDING_BACK) before it goes STANDBY and unbinds.
 */
const demote = [
  { guard: 'demotedAfterFault', target: 'HANDING_BACK', actions: 'recordLock' },
  { target: 'STANDBY', actions: 'recordLock' },
] as const;

/**
 * Demoted while holding: neighbours may have been told last that the VIP is here, by this host's
 * own defence against the new holder's claim, say (a heal after a partition the peers saw first).
 * It hands the VIP back like a host demoted after a fault; the unbinder ends the wait at once when
 * nobody can be pointing here (not bound, or another station spoke last).
 */
const handBack = { target: 'HANDING_BACK', actions: 'recordLock' } as const;

/** etcd is away and the endpoint's fault policy is `activate`: bind the VIP, whoever holds the lock. */
const activateOnFault = { guard: 'faultActivates', target: 'ACTIVATED', actions: 'recordFault' } as const;

/** The lock is ours but the VIP not bound yet: a demotion ends the wait, a new election is noted. */
const lockHeldBeforeBinding = {
  demoted: demote,
  elected: { actions: 'recordLock' },
} as const;

/**
 * One VIP on one host. The transition table on BOOTING/STANDBY/ACTIVATED/FAILING is LinK's; the
 * actors below are typed placeholders, replaced once at the composition root with `.provide()`, so
 * this file imports no I/O and the exported diagram is exactly what runs.
 */
export const vipMachine = setup({
  types: {
    context: {} as VipContext,
    events: {} as VipEvent,
    input: {} as VipInput,
    output: {} as { id: string },
  },
  actors: {
    // Typed placeholders; each comment names the file of the real actor (wired in daemon/vip-actors.ts).
    /**
     * Campaigns for the lock and watches it; reports elected, demoted, fault and lease.expiring.
     * src/actors/election.actor.ts
     */
    election: fromCallback<ElectionCommand, ElectionInput>(() => {}),
    /** Probes every configured check; reports health_check_fail and health_check_success. src/actors/health.actor.ts */
    health: fromCallback<VipEvent, HealthInput>(() => {}),
    /**
     * Binds the VIP (at start, again on `bind`), announces it, re-binds it when the host-wide reconcile finds it gone, and defends
     * it against conflicting claims while ACTIVATED; reports net.bound or bind.failed.
     * src/actors/holder.actor.ts
     */
    holder: fromCallback<HolderCommand, HolderInput>(() => {}),
    /**
     * Unbinds the VIP, retrying until it is gone; in HANDING_BACK, instead reports `handback.done`
     * once the holder has announced it. src/actors/unbinder.actor.ts
     */
    unbinder: fromCallback<VipEvent, UnbindInput>(() => {}),
    /**
     * Probes the address on the segment (ARP probe / DAD, claiming nothing) and reports
     * `address.taken` with the MAC of a station that answers (src/actors/address-check.actor.ts).
     */
    addressCheck: fromCallback<VipEvent, AddressCheckInput>(() => {}),
    /** One attempt to delete our lock key so another host takes over at once. src/actors/release.actors.ts */
    releaseLock: fromPromise<void, LockKeyInput>(async () => {}),
    /** On stop and drain: releases the lock, resolves once a successor holds and announced the VIP. src/actors/release.actors.ts */
    handover: fromPromise<void, HandoverInput>(async () => {}),
    /** On stop, last: removes the VIP from the interface. src/actors/release.actors.ts */
    unbindOnStop: fromPromise<void, AddressInput>(async () => {}),
    /** Claims the VIP back from a less preferred holder while this host is preferred and stable. src/actors/claim.actor.ts */
    preferredClaim: fromCallback<VipEvent, LockKeyInput>(() => {}),
  },
  delays: {
    /**
     * How long a preferred standby must stay healthy before it claims its VIP back (keepalived's
     * preempt_delay); a failed health verdict or a lost link (FAILING) starts it over. Set at the
     * composition root.
     */
    preemptDelay: 30_000,
    /** Until the previous holder's lease, whose claim was ended early, could have expired. */
    oldLeaseDeadline: ({ context }) => context.holdOffMs,
    /** How long the address probes wait for an answer before the address counts as free. */
    bindCheck: 1000,
    /** How often an address found in use is probed again. */
    bindRecheck: 10_000,
    ...VIP_DELAYS,
  },
  guards: {
    faultActivates: ({ context }) => context.endpoint.faultPolicy === 'activate',
    releasesOnLeaseExpiry: ({ context }) => context.endpoint.faultPolicy === 'release',
    asksReannounce: ({ event }) => event.type === 'elected' && event.reannounce === true,
    demotedAfterFault: ({ event }) => event.type === 'demoted' && event.awaitHolder === true,
    mustWaitOldLease: ({ event }) => event.type === 'elected' && (event.holdOffMs ?? 0) > 0,
    holdsOnStop: ({ context }) => context.stopMode === 'hold',
    isDrained: ({ context }) => context.drained,
    linkUp: ({ context }) => context.link.up,
    /** No failed health verdict (none yet counts as healthy, as at start). */
    checksPass: ({ context }) => context.health?.ok !== false,
    /** This failed bind is the last one allowed before giving the lock up. */
    bindGivesUp: ({ context }) => context.bindFailures + 1 >= BIND_ATTEMPTS,
    /** FAILING because binds failed (not only health or link), within its hold-off. */
    gaveUpBinding: ({ context }) => context.bindFailures >= BIND_ATTEMPTS,
    /** Healthy as far as known: no failed verdict and a link. */
    healthy: ({ context }) => context.health?.ok !== false && context.link.up,
    /** This host should hold the VIP rather than the current holder. */
    outranksHolder: ({ context }) =>
      context.holder !== undefined &&
      outranks(placementOf(context), electionKeyOf(context.endpoint.ip), context.hostname, context.holder),
    /** The claimant should hold the VIP rather than this host. */
    outranksUs: ({ context, event }) =>
      event.type === 'preferred.claim' &&
      event.claimant !== undefined &&
      outranks(placementOf(context), electionKeyOf(context.endpoint.ip), event.claimant, context.hostname),
    /** Taking the address for the first time: never probed, and no LinK host seen holding it. */
    firstTake: ({ context }) => !context.addressChecked && context.holder === undefined,
    /** `--bind-check` above 0; provided at the composition root (off in the bare machine). */
    addressCheckOn: () => false,
  },
  actions: {
    recordLock: assign(({ event }) =>
      event.type === 'elected' || event.type === 'demoted'
        ? {
            holder: event.holder,
            revision: event.revision,
            holdOffMs: event.type === 'elected' ? (event.holdOffMs ?? 0) : 0,
          }
        : {},
    ),
    recordHealth: assign(({ event }) =>
      event.type === 'health_check_fail' || event.type === 'health_check_success'
        ? { health: { ok: event.type === 'health_check_success', detail: event.detail } }
        : {},
    ),
    recordFault: assign(({ event }) => (event.type === 'fault' ? { lastFault: event.reason } : {})),
    recordNetError: assign(({ event }) =>
      event.type === 'net.error' || event.type === 'bind.failed' ? { lastNetError: event.detail } : {},
    ),
    clearNetError: assign({ lastNetError: undefined }),
    countBindFailure: assign({ bindFailures: ({ context }) => context.bindFailures + 1 }),
    resetBindFailures: assign({ bindFailures: 0 }),
    countConflict: assign({ conflicts: ({ context }) => context.conflicts + 1 }),
    recordAddressTaken: assign(({ event }) =>
      event.type === 'address.taken' ? { conflictMac: event.mac } : {},
    ),
    markAddressChecked: assign({ addressChecked: true, conflictMac: undefined }),
    updateChecks: assign(({ context, event }) =>
      event.type === 'checks.update'
        ? {
            endpoint: {
              ...context.endpoint,
              checks: event.checks,
              healthcheckInterval: Math.round(event.intervalMs / 1000),
            },
          }
        : {},
    ),
    forwardChecks: sendTo('health', ({ event }) => event),
    yieldLock: sendTo('election', { type: 'yield' } satisfies ElectionCommand),
    reannounce: sendTo('holder', { type: 'reannounce' } satisfies HolderCommand),
    stopDefending: sendTo('holder', { type: 'yield' } satisfies HolderCommand),
    bind: sendTo('holder', { type: 'bind' } satisfies HolderCommand),
    recordStopMode: assign(({ event }) => (event.type === 'stop' ? { stopMode: event.mode } : {})),
    forgetLock: assign({ holder: undefined, revision: undefined }),
    recordDrained: assign(({ event }) => ({ drained: event.type === 'drain' })),
    recordLink: assign(({ event }) =>
      event.type === 'link.down'
        ? { link: { up: false, detail: event.detail } }
        : event.type === 'link.up'
          ? { link: { up: true, detail: 'link up' } }
          : {},
    ),
    recordClaim: assign(({ event }) =>
      event.type === 'preferred.claim' ? { claimant: event.claimant } : {},
    ),
    recordActorError: assign(({ event }) => ({
      lastNetError: `actor error: ${String((event as { error?: unknown }).error)}`,
    })),
  },
}).createMachine({
  id: 'vip',
  context: ({ input }) => ({
    endpoint: input.endpoint,
    hostname: input.hostname,
    holder: undefined,
    revision: undefined,
    health: undefined,
    lastFault: undefined,
    lastNetError: undefined,
    conflicts: 0,
    bindFailures: 0,
    stopMode: 'release',
    holdOffMs: 0,
    drained: input.drained === true,
    spread: input.spread === true,
    link: { up: true, detail: 'not checked yet' },
    claimant: undefined,
    addressChecked: false,
    conflictMac: undefined,
  }),
  initial: 'running',
  output: ({ context }) => ({ id: context.endpoint.id }),
  states: {
    running: {
      invoke: [
        {
          id: 'health',
          src: 'health',
          input: ({ context }) => ({
            electionKey: electionKeyOf(context.endpoint.ip),
            checks: context.endpoint.checks,
            intervalSeconds: context.endpoint.healthcheckInterval,
          }),
          onError: { actions: 'recordActorError' },
        },
      ],
      on: {
        drain: { target: '.DRAINING', actions: 'recordDrained' },
        undrain: { actions: 'recordDrained' },
        // From the supervisor, which follows the interface's link once for every VIP.
        'link.down': { actions: 'recordLink' },
        'link.up': { actions: 'recordLink' },
        'preferred.claim': { actions: 'recordClaim' },
        stop: { target: 'STOPPING', actions: 'recordStopMode' },
        'checks.update': { actions: ['updateChecks', 'forwardChecks'] },
        health_check_success: { actions: 'recordHealth' },
        health_check_fail: { actions: 'recordHealth' },
        fault: { actions: 'recordFault' },
        'net.error': { actions: 'recordNetError' },
        'net.bound': { actions: 'clearNetError' },
        'arp.conflict': { actions: 'countConflict' },
      },
      initial: 'starting',
      states: {
        /** A VIP created or restored on a drained host never enters the election. */
        starting: {
          always: [{ guard: 'isDrained', target: 'DRAINED' }, { target: 'contending' }],
        },
        contending: {
          invoke: {
            id: 'election',
            src: 'election',
            input: ({ context }) => ({
              electionKey: electionKeyOf(context.endpoint.ip),
              waitsOutEndedClaims: context.endpoint.faultPolicy === 'release',
            }),
            onError: { actions: 'recordActorError' },
          },
          on: {
            health_check_fail: { target: 'FAILING', actions: 'recordHealth' },
            'link.down': { target: 'FAILING', actions: 'recordLink' },
          },
          initial: 'BOOTING',
          states: {
            BOOTING: {
              on: {
                elected: takeTheLock,
                demoted: demote,
                fault: activateOnFault,
              },
            },
            // Demoted while holding, or after an etcd fault, while neighbours may still point here: the VIP stays
            // bound until the holder has announced it (the unbinder hears it), this long at most.
            // A demotion heard again does not restart the wait.
            HANDING_BACK: {
              invoke: {
                id: 'unbinder',
                src: 'unbinder',
                input: ({ context }) => ({ ip: context.endpoint.ip, awaitHolder: true }),
                onError: { target: 'STANDBY', actions: 'recordActorError' },
              },
              after: { awaitHolderTimeout: 'STANDBY' },
              on: {
                'handback.done': 'STANDBY',
                elected: takeTheLock,
                demoted: { actions: 'recordLock' },
                fault: activateOnFault,
              },
            },
            STANDBY: {
              invoke: {
                id: 'unbinder',
                src: 'unbinder',
                input: ({ context }) => ({ ip: context.endpoint.ip, awaitHolder: false }),
                onError: { actions: 'recordActorError' },
              },
              on: {
                elected: takeTheLock,
                demoted: { target: '.following', actions: 'recordLock' },
                fault: activateOnFault,
                'holder.alive': '.following',
                'holder.confirmed': '.HOLDER_CONFIRMED',
                'holder.claim_ended': '.HOLDER_CLAIM_ENDED',
              },
              // The holder's host as this host's peer monitor sees it: a claim ended early deletes
              // the lock, and the election below proceeds as for an expired lease.
              initial: 'following',
              states: {
                // A preferred host that stays healthy while following the holder claims the VIP back.
                following: {
                  initial: 'settling',
                  states: {
                    /** Healthy since entering STANDBY; a preferred host waits this out before claiming. */
                    settling: {
                      after: { preemptDelay: 'stable' },
                    },
                    stable: {
                      always: { guard: 'outranksHolder', target: 'claiming' },
                    },
                    /** Asks the holder to hand over: it yields make-before-break, other standbys let us win. */
                    claiming: {
                      invoke: {
                        id: 'preferredClaim',
                        src: 'preferredClaim',
                        input: ({ context }) => ({ electionKey: electionKeyOf(context.endpoint.ip) }),
                        onError: { actions: 'recordActorError' },
                      },
                      always: { guard: not('outranksHolder'), target: 'stable' },
                    },
                  },
                },
                HOLDER_CONFIRMED: {},
                HOLDER_CLAIM_ENDED: {},
              },
            },
            // The lock is ours, but the previous holder's lease was revoked early and, for a
            // `release` VIP, that host may still bind it until its own deadline passes.
            AWAITING_OLD_LEASE: {
              after: { oldLeaseDeadline: 'ACTIVATED' },
              on: lockHeldBeforeBinding,
            },
            // The lock is ours and nobody of LinK has held the address: look before taking it. A
            // station that answers keeps its address; nothing is bound or announced for it.
            CHECKING_ADDRESS: {
              invoke: {
                id: 'addressCheck',
                src: 'addressCheck',
                input: ({ context }) => ({ ip: context.endpoint.ip }),
                onError: { actions: 'recordActorError' },
              },
              after: { bindCheck: { target: 'ACTIVATED', actions: 'markAddressChecked' } },
              on: {
                'address.taken': { target: 'ADDRESS_CONFLICT', actions: 'recordAddressTaken' },
                ...lockHeldBeforeBinding,
              },
            },
            // Keeps the lock, so no other LinK host binds the address either, until it is free.
            ADDRESS_CONFLICT: {
              after: { bindRecheck: 'CHECKING_ADDRESS' },
              on: lockHeldBeforeBinding,
            },
            ACTIVATED: {
              invoke: {
                id: 'holder',
                src: 'holder',
                input: ({ context, event }) => ({ ip: context.endpoint.ip, defend: event.type !== 'fault' }),
                onError: { actions: 'recordActorError' },
              },
              on: {
                demoted: handBack,
                elected: [
                  { guard: 'asksReannounce', actions: ['recordLock', 'reannounce'] },
                  { actions: 'recordLock' },
                ],
                failover: { actions: ['yieldLock', 'stopDefending'] },
                // A preferred (or better spread) host is stable and claims the VIP: hand it over the
                // same make-before-break way as an operator failover.
                'preferred.claim': [
                  { guard: 'outranksUs', actions: ['recordClaim', 'yieldLock', 'stopDefending'] },
                  { actions: 'recordClaim' },
                ],
                'lease.expiring': { guard: 'releasesOnLeaseExpiry', target: 'STANDBY' },
              },
              initial: 'binding',
              states: {
                binding: {
                  on: {
                    'net.bound': { target: 'bound', actions: ['clearNetError', 'resetBindFailures'] },
                    'bind.failed': [
                      {
                        guard: 'bindGivesUp',
                        target: '#vip.running.FAILING',
                        actions: ['recordNetError', 'countBindFailure'],
                      },
                      { target: 'bindRetry', actions: ['recordNetError', 'countBindFailure'] },
                    ],
                  },
                },
                bindRetry: { after: { retryDelay: { target: 'binding', actions: 'bind' } } },
                // The host-wide reconcile (agent statechart) checks nobody removed the address.
                bound: {
                  // Removed, and binding it again failed: not bound until a retry succeeds.
                  on: {
                    'bind.failed': { target: 'bindRetry', actions: ['recordNetError', 'countBindFailure'] },
                  },
                },
              },
            },
          },
        },
        FAILING: {
          invoke: {
            id: 'unbinder',
            src: 'unbinder',
            input: ({ context }) => ({ ip: context.endpoint.ip, awaitHolder: false }),
            onError: { actions: 'recordActorError' },
          },
          // A lock left behind would keep every other host out until the backend came back.
          initial: 'releasingLock',
          states: {
            releasingLock: {
              invoke: {
                id: 'releaseLock',
                src: 'releaseLock',
                input: ({ context }) => ({ electionKey: electionKeyOf(context.endpoint.ip) }),
                onDone: 'lockReleased',
                onError: 'lockReleaseRetry',
              },
            },
            lockReleaseRetry: { after: { retryDelay: 'releasingLock' } },
            lockReleased: {},
          },
          exit: 'resetBindFailures',
          // Gave up binding: contend again after the hold-off, when nothing else keeps it FAILING;
          // either way the hold-off is over (a failed check meanwhile keeps it FAILING until `rise`).
          after: {
            bindFailureHoldoff: [
              { guard: and(['gaveUpBinding', 'healthy']), target: 'contending.STANDBY' },
              { actions: 'resetBindFailures' },
            ],
          },
          on: {
            health_check_success: [
              {
                guard: and(['linkUp', not('gaveUpBinding')]),
                target: 'contending.STANDBY',
                actions: 'recordHealth',
              },
              { actions: 'recordHealth' },
            ],
            health_check_fail: { actions: 'recordHealth' },
            'link.up': [
              { guard: 'checksPass', target: 'contending.STANDBY', actions: 'recordLink' },
              { actions: 'recordLink' },
            ],
          },
        },
        /** Maintenance: the graceful stop's make-before-break handover, without stopping. */
        DRAINING: {
          // DRAINED unbinds the VIP.
          ...handingOverTo('DRAINED'),
          on: {
            drain: {},
            undrain: { target: 'contending', actions: 'recordDrained' },
          },
        },
        /** Out of the election until the operator undrains the host; the VIP stays unbound. */
        DRAINED: {
          // Out of the election, this host no longer follows the lock: no holder is better than a stale one.
          entry: 'forgetLock',
          invoke: {
            id: 'unbinder',
            src: 'unbinder',
            input: ({ context }) => ({ ip: context.endpoint.ip, awaitHolder: false }),
            onError: { actions: 'recordActorError' },
          },
          on: {
            drain: {},
            undrain: [
              { guard: not('healthy'), target: 'FAILING', actions: 'recordDrained' },
              { target: 'contending', actions: 'recordDrained' },
            ],
          },
        },
      },
    },
    // Make-before-break: the VIP stays bound until a successor announced it, or the timeout passed.
    // A `hold` stop keeps lock and address for a quick restart.
    STOPPING: {
      initial: 'handingOver',
      states: {
        handingOver: {
          always: { guard: 'holdsOnStop', target: '#vip.STOPPED' },
          ...handingOverTo('unbinding'),
        },
        unbinding: {
          invoke: {
            id: 'unbindOnStop',
            src: 'unbindOnStop',
            input: ({ context }) => ({ ip: context.endpoint.ip }),
            onDone: '#vip.STOPPED',
            onError: { target: '#vip.STOPPED', actions: 'recordActorError' },
          },
        },
      },
    },
    STOPPED: { type: 'final' },
  },
});

export type VipMachine = typeof vipMachine;

function placementOf(context: VipContext) {
  return { preferredHosts: context.endpoint.preferredHosts ?? [], spread: context.spread };
}

import { assign, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import { type Endpoint, electionKeyOf } from '../model/endpoint.js';
import type { HealthCheck } from '../ports/health.js';
import type { ElectionCommand, HolderCommand, VipEvent } from './vip.events.js';

export interface VipInput {
  endpoint: Endpoint;
  hostname: string;
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
  /** Set by a demotion after an etcd fault: STANDBY unbinds only once the holder has announced the VIP. */
  awaitHolder: boolean;
  /** Elected after a claim ended early (`release` VIPs): wait this long before binding. */
  holdOffMs: number;
}

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
  /** Keep the address until another station announces it (bounded), if neighbours may point here. */
  awaitHolder: boolean;
}
export interface HandoverInput {
  electionKey: string;
  ip: string;
  mode: 'release' | 'hold';
}

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
    /** Campaigns for the lock and watches it; reports elected, demoted, fault and lease.expiring. */
    election: fromCallback<ElectionCommand, ElectionInput>(() => {}),
    /** Probes every configured check; reports health_check_fail and health_check_success. */
    health: fromCallback<VipEvent, HealthInput>(() => {}),
    /** Binds the VIP, announces it, keeps it bound, and reports conflicts while ACTIVATED. */
    holder: fromCallback<HolderCommand, HolderInput>(() => {}),
    /** Unbinds the VIP, retrying until it is gone; after a fault, once the holder has announced it. */
    unbinder: fromCallback<VipEvent, UnbindInput>(() => {}),
    /** Deletes our lock key so another host takes over at once. */
    releaseLock: fromPromise<void, LockKeyInput>(async () => {}),
    /** On stop: release the lock, wait for a new holder (bounded), then unbind, unless holding. */
    handover: fromPromise<void, HandoverInput>(async () => {}),
  },
  guards: {
    faultActivates: ({ context }) => context.endpoint.faultPolicy === 'activate',
    releasesOnLeaseExpiry: ({ context }) => context.endpoint.faultPolicy === 'release',
    asksReannounce: ({ event }) => event.type === 'elected' && event.reannounce === true,
    mustWaitOldLease: ({ event }) => event.type === 'elected' && (event.holdOffMs ?? 0) > 0,
  },
  delays: {
    /** Until the previous holder's lease, whose claim was ended early, could have expired. */
    oldLeaseDeadline: ({ context }) => context.holdOffMs,
  },
  actions: {
    recordLock: assign(({ event }) =>
      event.type === 'elected' || event.type === 'demoted'
        ? {
            holder: event.holder,
            revision: event.revision,
            awaitHolder: event.type === 'demoted' && event.awaitHolder === true,
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
    recordNetError: assign(({ event }) => (event.type === 'net.error' ? { lastNetError: event.detail } : {})),
    clearNetError: assign({ lastNetError: undefined }),
    countConflict: assign({ conflicts: ({ context }) => context.conflicts + 1 }),
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
    recordStopMode: assign(({ event }) => (event.type === 'stop' ? { stopMode: event.mode } : {})),
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
    stopMode: 'release',
    awaitHolder: false,
    holdOffMs: 0,
  }),
  initial: 'running',
  output: ({ context }) => ({ id: context.endpoint.id }),
  states: {
    running: {
      invoke: {
        id: 'health',
        src: 'health',
        input: ({ context }) => ({
          electionKey: electionKeyOf(context.endpoint.ip),
          checks: context.endpoint.checks,
          intervalSeconds: context.endpoint.healthcheckInterval,
        }),
        onError: { actions: 'recordActorError' },
      },
      on: {
        stop: { target: 'STOPPING', actions: 'recordStopMode' },
        'checks.update': { actions: ['updateChecks', 'forwardChecks'] },
        health_check_success: { actions: 'recordHealth' },
        health_check_fail: { actions: 'recordHealth' },
        fault: { actions: 'recordFault' },
        'net.error': { actions: 'recordNetError' },
        'net.bound': { actions: 'clearNetError' },
        'arp.conflict': { actions: 'countConflict' },
      },
      initial: 'contending',
      states: {
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
          },
          initial: 'BOOTING',
          states: {
            BOOTING: {
              on: {
                elected: [
                  { guard: 'mustWaitOldLease', target: 'AWAITING_OLD_LEASE', actions: 'recordLock' },
                  { target: 'ACTIVATED', actions: 'recordLock' },
                ],
                demoted: { target: 'STANDBY', actions: 'recordLock' },
                fault: { guard: 'faultActivates', target: 'ACTIVATED', actions: 'recordFault' },
              },
            },
            STANDBY: {
              invoke: {
                id: 'unbinder',
                src: 'unbinder',
                input: ({ context }) => ({ ip: context.endpoint.ip, awaitHolder: context.awaitHolder }),
                onError: { actions: 'recordActorError' },
              },
              on: {
                elected: [
                  { guard: 'mustWaitOldLease', target: 'AWAITING_OLD_LEASE', actions: 'recordLock' },
                  { target: 'ACTIVATED', actions: 'recordLock' },
                ],
                demoted: { target: '.following', actions: 'recordLock' },
                fault: { guard: 'faultActivates', target: 'ACTIVATED', actions: 'recordFault' },
                'holder.alive': '.following',
                'holder.suspected': '.HOLDER_SUSPECTED',
                'holder.confirmed': '.HOLDER_CONFIRMED',
                'holder.claim_ended': '.HOLDER_CLAIM_ENDED',
              },
              // The holder's host as this host's peer monitor sees it: a claim ended early deletes
              // the lock, and the election below proceeds as for an expired lease.
              initial: 'following',
              states: {
                following: {},
                HOLDER_SUSPECTED: {},
                HOLDER_CONFIRMED: {},
                HOLDER_CLAIM_ENDED: {},
              },
            },
            // The lock is ours, but the previous holder's lease was revoked early and, for a
            // `release` VIP, that host may still bind it until its own deadline passes.
            AWAITING_OLD_LEASE: {
              after: { oldLeaseDeadline: 'ACTIVATED' },
              on: {
                demoted: { target: 'STANDBY', actions: 'recordLock' },
                elected: { actions: 'recordLock' },
              },
            },
            ACTIVATED: {
              invoke: {
                id: 'holder',
                src: 'holder',
                input: ({ context, event }) => ({ ip: context.endpoint.ip, defend: event.type !== 'fault' }),
                onError: { actions: 'recordActorError' },
              },
              on: {
                demoted: { target: 'STANDBY', actions: 'recordLock' },
                elected: [
                  { guard: 'asksReannounce', actions: ['recordLock', 'reannounce'] },
                  { actions: 'recordLock' },
                ],
                failover: { actions: ['yieldLock', 'stopDefending'] },
                'lease.expiring': { guard: 'releasesOnLeaseExpiry', target: 'STANDBY' },
              },
            },
          },
        },
        FAILING: {
          invoke: [
            {
              id: 'unbinder',
              src: 'unbinder',
              input: ({ context }) => ({ ip: context.endpoint.ip, awaitHolder: false }),
              onError: { actions: 'recordActorError' },
            },
            {
              id: 'releaseLock',
              src: 'releaseLock',
              input: ({ context }) => ({ electionKey: electionKeyOf(context.endpoint.ip) }),
              onError: { actions: 'recordActorError' },
            },
          ],
          on: {
            health_check_success: { target: 'contending.STANDBY', actions: 'recordHealth' },
            health_check_fail: { actions: 'recordHealth' },
          },
        },
      },
    },
    STOPPING: {
      invoke: {
        id: 'handover',
        src: 'handover',
        input: ({ context }) => ({
          electionKey: electionKeyOf(context.endpoint.ip),
          ip: context.endpoint.ip,
          mode: context.stopMode,
        }),
        onDone: 'STOPPED',
        onError: { target: 'STOPPED', actions: 'recordActorError' },
      },
    },
    STOPPED: { type: 'final' },
  },
});

export type VipMachine = typeof vipMachine;

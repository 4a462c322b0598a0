import { assign, fromCallback, fromPromise, setup } from 'xstate';

/** How fast a dead host is found, and how cautiously; from settings (see `src/agent/settings.ts`). */
export interface PeerTiming {
  /** No probe answered for this long: suspect the host. */
  suspectAfterMs: number;
  /** How long a published suspicion stands unrefuted before it counts as confirmed. */
  confirmWindowMs: number;
  /** With other observers in the cluster: how long to wait for a second one to agree. */
  secondObserverTimeoutMs: number;
  /** First wait after a refuted suspicion; doubles with every refutation, up to the maximum. */
  backoffMs: number;
  maxBackoffMs: number;
}

export interface PeerInput {
  /** The watched host, its lease (what ending its claim revokes) and its probe address. */
  host: string;
  leaseId: string;
  address: string;
  port: number;
  /** Live hosts besides this one and the watched host: when any, a second observer must agree. */
  otherObservers: number;
  timing: PeerTiming;
}

export interface PeerContext extends PeerInput {
  /** Observers other than this host whose suspicion of the watched host stands in etcd. */
  agreeing: string[];
  /** Revision of our published suspicion; a refutation written after it proves the host alive. */
  suspicionRevision: string | undefined;
  backoffMs: number;
}

export type PeerEvent =
  /** The host's kernel answered a probe (SYN-ACK or RST). */
  | { type: 'probe.answered' }
  /**
   * This host's own event loop ran late (a stall, a saturated process): the silence it measured
   * may be its own, so it counts as no evidence and starts over.
   */
  | { type: 'observer.lagged'; lateMs: number }
  /** Our suspicion is in etcd, at this revision. */
  | { type: 'suspicion.published'; revision: string }
  /** Another observer's suspicion of the host appeared (or vanished). */
  | { type: 'observer.suspects'; observer: string }
  | { type: 'observer.withdrew'; observer: string }
  /** The host's own agent answered a suspicion through etcd, at this revision. */
  | { type: 'host.refuted'; revision: string }
  | { type: 'observers.changed'; otherObservers: number };

export interface ProberInput {
  address: string;
  port: number;
}
export interface SuspicionInput {
  host: string;
}
export interface EndClaimInput {
  host: string;
  leaseId: string;
}

/**
 * One peer host that holds VIPs this host stands by for. Its kernel is probed every few tens of
 * milliseconds; silence makes it SUSPECTED (published in etcd), a suspicion that stands
 * unrefuted (and, with 3+ hosts, agreed by a second observer) CONFIRMED, and a confirmed failure
 * ends the host's claim by revoking its lease: its locks vanish and the standbys' lock watches
 * elect a successor as for an expired lease. A refutation backs off, with growing waits.
 */
export const peerMachine = setup({
  types: {
    context: {} as PeerContext,
    events: {} as PeerEvent,
    input: {} as PeerInput,
  },
  actors: {
    /** Probes the host's kernel every probe interval; reports `probe.answered` (src/actors/peer.actors.ts). */
    prober: fromCallback<PeerEvent, ProberInput>(() => {}),
    /** Publishes our suspicion while it runs and withdraws it when stopped (src/actors/peer.actors.ts). */
    suspicion: fromCallback<PeerEvent, SuspicionInput>(() => {}),
    /** Records how long the old lease could live, then revokes it (src/actors/peer.actors.ts). */
    endClaim: fromPromise<void, EndClaimInput>(async () => {}),
  },
  delays: {
    suspectAfter: ({ context }) => context.timing.suspectAfterMs,
    confirmWindow: ({ context }) => context.timing.confirmWindowMs,
    secondObserverTimeout: ({ context }) => context.timing.secondObserverTimeoutMs,
    suspicionBackoff: ({ context }) => context.backoffMs,
  },
  guards: {
    /** Published, unrefuted, and agreed by a second observer whenever one could be asked. */
    confirmed: ({ context }) =>
      context.suspicionRevision !== undefined &&
      (context.otherObservers === 0 || context.agreeing.length > 0),
    published: ({ context }) => context.suspicionRevision !== undefined,
    /** Written after our suspicion (or before ours reached etcd): the host's agent lives. */
    refutesOurs: ({ context, event }) =>
      event.type === 'host.refuted' &&
      (context.suspicionRevision === undefined || BigInt(event.revision) > BigInt(context.suspicionRevision)),
  },
  actions: {
    recordPublished: assign(({ event }) =>
      event.type === 'suspicion.published' ? { suspicionRevision: event.revision } : {},
    ),
    forgetPublished: assign({ suspicionRevision: undefined }),
    addObserver: assign(({ context, event }) =>
      event.type === 'observer.suspects' && !context.agreeing.includes(event.observer)
        ? { agreeing: [...context.agreeing, event.observer] }
        : {},
    ),
    removeObserver: assign(({ context, event }) =>
      event.type === 'observer.withdrew'
        ? { agreeing: context.agreeing.filter((o) => o !== event.observer) }
        : {},
    ),
    recordObservers: assign(({ event }) =>
      event.type === 'observers.changed' ? { otherObservers: event.otherObservers } : {},
    ),
    growBackoff: assign({
      backoffMs: ({ context }) => Math.min(context.backoffMs * 2, context.timing.maxBackoffMs),
    }),
  },
}).createMachine({
  id: 'peer',
  context: ({ input }) => ({
    ...input,
    agreeing: [],
    suspicionRevision: undefined,
    backoffMs: input.timing.backoffMs,
  }),
  // The prober spans every state until the claim ends, so an answer still aborts a confirmation.
  invoke: {
    id: 'prober',
    src: 'prober',
    input: ({ context }) => ({ address: context.address, port: context.port }),
  },
  initial: 'ALIVE',
  on: {
    'observer.suspects': { actions: 'addObserver' },
    'observer.withdrew': { actions: 'removeObserver' },
    'observers.changed': { actions: 'recordObservers' },
  },
  states: {
    ALIVE: {
      after: { suspectAfter: 'suspecting' },
      on: {
        'probe.answered': { target: 'ALIVE', reenter: true },
        'observer.lagged': { target: 'ALIVE', reenter: true },
      },
    },
    suspecting: {
      entry: 'forgetPublished',
      invoke: {
        id: 'suspicion',
        src: 'suspicion',
        input: ({ context }) => ({ host: context.host }),
      },
      on: {
        'probe.answered': 'ALIVE',
        // Our own stall, not the host's silence: its answers may wait behind it. Look again for a
        // whole window, keeping the suspicion published: withdrawing it on every stall left a
        // busy observer (thousands of VIPs) unable ever to agree with the other one.
        'observer.lagged': '.SUSPECTED',
        'suspicion.published': { actions: 'recordPublished' },
        'host.refuted': { guard: 'refutesOurs', target: 'BACKING_OFF' },
      },
      initial: 'SUSPECTED',
      states: {
        SUSPECTED: {
          after: {
            confirmWindow: [
              { guard: 'confirmed', target: '#peer.CONFIRMED' },
              { guard: 'published', target: 'AWAITING_SECOND_OBSERVER' },
              { target: '#peer.BACKING_OFF' },
            ],
          },
        },
        AWAITING_SECOND_OBSERVER: {
          always: { guard: 'confirmed', target: '#peer.CONFIRMED' },
          after: { secondObserverTimeout: '#peer.BACKING_OFF' },
        },
      },
    },
    CONFIRMED: {
      // Ending the claim first asks etcd how long the lease could live: an answer queued behind a
      // stalled event loop arrives meanwhile and aborts it before the revoke.
      invoke: {
        id: 'endClaim',
        src: 'endClaim',
        input: ({ context }) => ({ host: context.host, leaseId: context.leaseId }),
        onDone: 'CLAIM_ENDED',
        onError: 'BACKING_OFF',
      },
      on: {
        'probe.answered': 'ALIVE',
        'observer.lagged': 'RECHECKING',
        'host.refuted': { guard: 'refutesOurs', target: 'BACKING_OFF' },
      },
    },
    // Our own stall while ending the claim: answers may wait behind it, so look again for one
    // suspect-after period before ending it. Dropping the confirmation instead (back to ALIVE and
    // a whole new suspicion) left the busy survivors of a crash at scale never ending the claim.
    RECHECKING: {
      after: { suspectAfter: 'CONFIRMED' },
      on: {
        'probe.answered': 'ALIVE',
        'observer.lagged': { target: 'RECHECKING', reenter: true },
        'host.refuted': { guard: 'refutesOurs', target: 'BACKING_OFF' },
      },
    },
    // While the host stays silent to us but alive in etcd (a cut between us), suspect it again only
    // after a wait that doubles each time; its first answer ends the episode.
    BACKING_OFF: {
      exit: 'growBackoff',
      after: { suspicionBackoff: 'ALIVE' },
      on: { 'probe.answered': 'ALIVE' },
    },
    CLAIM_ENDED: { type: 'final' },
  },
});

export type PeerMachine = typeof peerMachine;

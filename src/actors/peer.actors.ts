import { fromCallback, fromPromise } from 'xstate';
import type { EndClaimInput, PeerEvent, ProberInput, SuspicionInput } from '../machines/peer.machine.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { HostProbePort, LivenessStorePort } from '../ports/liveness.js';
import type { Logger } from '../ports/logger.js';
import type { HostLease } from './host-lease.js';

export interface PeerActorDeps {
  hostname: string;
  hostLease: HostLease;
  store: LivenessStorePort;
  probe: HostProbePort;
  clock: Clock;
  logger: Logger;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** A probe tick later than this says our own event loop stalled. */
  lagToleranceMs: number;
  onProbe?: (answered: boolean) => void;
  onSuspicion?: (host: string) => void;
  onClaimEnded?: (host: string) => void;
}

const PUBLISH_RETRY_MS = 100;

/** The real actors of the peer statechart (`src/machines/peer.machine.ts`). */
export function createPeerActors(deps: PeerActorDeps) {
  const { clock, logger } = deps;

  /**
   * One probe every interval, whatever the number of VIPs the host holds. A probe still waiting
   * for its answer does not hold up the next: a dead host's probes time out side by side.
   */
  const prober = fromCallback<PeerEvent, ProberInput>(({ input, sendBack }) => {
    let stopped = false;
    let timer: unknown;
    let lastTick = clock.now();
    const tick = () => {
      if (stopped) return;
      // Ticks are timers too: one that fires late says this event loop stalled, and its timers
      // (the suspicion's among them) run before the answers that waited behind the stall.
      const lateMs = clock.now() - lastTick - deps.probeIntervalMs;
      lastTick = clock.now();
      if (lateMs > deps.lagToleranceMs) sendBack({ type: 'observer.lagged', lateMs });
      timer = clock.setTimeout(tick, deps.probeIntervalMs);
      void deps.probe.probe(input.address, input.port, deps.probeTimeoutMs).then((answered) => {
        if (stopped) return;
        deps.onProbe?.(answered);
        if (answered) sendBack({ type: 'probe.answered' });
      });
    };
    tick();
    return () => {
      stopped = true;
      clock.clearTimeout(timer);
    };
  });

  /** Our suspicion rides our own lease: if this host dies, its suspicions vanish with it. */
  const suspicion = fromCallback<PeerEvent, SuspicionInput>(({ input, sendBack }) => {
    const key = keys.suspicion(input.host, deps.hostname);
    let stopped = false;
    let written = false;
    let timer: unknown;
    deps.onSuspicion?.(input.host);
    logger.warn({ peer: input.host }, 'peer host silent: suspected');
    const publish = async () => {
      const lease = deps.hostLease.inForce;
      if (stopped || !lease) return;
      try {
        const revision = await deps.store.put(key, deps.hostname, lease.leaseId);
        written = true;
        if (stopped) void withdraw();
        else sendBack({ type: 'suspicion.published', revision });
      } catch (error) {
        logger.debug({ err: error, peer: input.host }, 'could not publish a suspicion; retrying');
        timer = clock.setTimeout(() => void publish(), PUBLISH_RETRY_MS);
      }
    };
    const withdraw = () =>
      deps.store.delete(key).catch((error: unknown) => {
        logger.debug(
          { err: error, peer: input.host },
          'could not withdraw a suspicion; it ends with our lease',
        );
      });
    void publish();
    return () => {
      stopped = true;
      clock.clearTimeout(timer);
      if (written) void withdraw();
    };
  });

  /**
   * Ends a confirmed-dead host's claim: first asks etcd how long its lease could still live and
   * records that under `/link/ended/` (on a lease of its own that lives as long), so a successor
   * for a `release` VIP waits it out; then revokes the lease, which deletes every lock on it.
   */
  const endClaim = fromPromise<void, EndClaimInput>(async ({ input, signal }) => {
    const ttl = await deps.store.timeToLive(input.leaseId);
    if (signal.aborted || ttl <= 0) return;
    // etcd: "the lease will expire in under TTL+1 seconds".
    const waitMs = (ttl + 1) * 1000;
    const recordLease = await deps.store.grant(ttl + 2);
    await deps.store.put(
      keys.ended(input.leaseId),
      JSON.stringify({ host: input.host, lease_id: input.leaseId, wait_ms: waitMs }),
      recordLease,
    );
    if (signal.aborted) return;
    await deps.store.revoke(input.leaseId);
    deps.onClaimEnded?.(input.host);
    logger.warn(
      { peer: input.host, leaseId: input.leaseId },
      'peer host confirmed dead: its lease is revoked',
    );
  });

  return { prober, suspicion, endClaim };
}

import { type Actor, createActor } from 'xstate';
import { type PeerEvent, type PeerTiming, peerMachine } from '../machines/peer.machine.js';
import { keys, parseLivenessKey } from '../model/keys.js';
import type { LeaseId } from '../ports/coordination.js';
import type { LivenessRecord } from '../ports/liveness.js';
import { createPeerActors, type PeerActorDeps } from './peer.actors.js';

/** What this host knows of a peer host's fate, as the VIPs standing by for it are told. */
export type PeerVerdict = 'alive' | 'suspected' | 'confirmed' | 'claim_ended';

export interface PeerMonitorObserver {
  probe(answered: boolean): void;
  suspicion(): void;
  confirmation(): void;
  claimEnded(): void;
  refutation(): void;
}

export interface PeerMonitorOptions
  extends Pick<
    PeerActorDeps,
    'hostname' | 'hostLease' | 'store' | 'probe' | 'clock' | 'logger' | 'probeIntervalMs' | 'probeTimeoutMs'
  > {
  /** Where peers probe this host; without one, this host publishes nothing (and is never suspected). */
  probeAddress: string | undefined;
  probePort: number;
  timing: PeerTiming;
  observer?: PeerMonitorObserver;
  onVerdict?: (host: string, verdict: PeerVerdict) => void;
}

interface Reachable {
  address: string;
  port: number;
  leaseId: LeaseId;
}

interface Watched {
  leaseId: LeaseId;
  actor: Actor<typeof peerMachine>;
}

const RETRY_MS = 1000;

/**
 * Host liveness between agents. Each agent publishes its probe address bound to its host lease;
 * it probes only the hosts that hold VIPs it stands by for (one peer statechart per host, whatever
 * the number of VIPs), plus, on demand, a host another observer suspects, to give a second opinion.
 * Through one watch on `/link/liveness/` it also answers suspicions of itself at once: a host
 * whose agent reaches etcd refutes them, so a host cut off from its peers alone is never ended.
 */
export class PeerMonitor {
  private readonly directory = new Map<string, Reachable>();
  /** Suspect -> observers other than this host. */
  private readonly suspicions = new Map<string, Set<string>>();
  private standbyHolders = new Set<string>();
  private readonly watched = new Map<string, Watched>();
  private readonly actors: ReturnType<typeof createPeerActors>;
  private cancelWatch: (() => Promise<void>) | undefined;
  private retryTimer: unknown;
  private resyncTimer: unknown;
  private running = false;
  private offLease: (() => void) | undefined;

  constructor(private readonly opts: PeerMonitorOptions) {
    const { observer } = opts;
    this.actors = createPeerActors({
      hostname: opts.hostname,
      hostLease: opts.hostLease,
      store: opts.store,
      probe: opts.probe,
      clock: opts.clock,
      logger: opts.logger,
      probeIntervalMs: opts.probeIntervalMs,
      probeTimeoutMs: opts.probeTimeoutMs,
      lagToleranceMs: opts.timing.suspectAfterMs / 2,
      ...(observer
        ? {
            onProbe: (answered: boolean) => observer.probe(answered),
            onSuspicion: () => observer.suspicion(),
            onClaimEnded: () => observer.claimEnded(),
          }
        : {}),
    });
  }

  async start(): Promise<void> {
    this.running = true;
    this.offLease = this.opts.hostLease.subscribe((event) => {
      if (event.type === 'lease.granted' && !event.reused) void this.publishProbeAddress();
    });
    if (this.opts.hostLease.inForce) void this.publishProbeAddress();
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.offLease?.();
    this.opts.clock.clearTimeout(this.retryTimer);
    this.opts.clock.clearTimeout(this.resyncTimer);
    for (const host of [...this.watched.keys()]) this.unwatch(host);
    await this.cancelWatch?.().catch(() => {});
    this.cancelWatch = undefined;
  }

  /** The hosts that hold a VIP this host stands by for. */
  setStandbyHolders(hosts: ReadonlySet<string>): void {
    this.standbyHolders = new Set(hosts);
    this.reconcile();
  }

  /** Peer statechart snapshots, for tests and the API. */
  peers(): Map<string, ReturnType<Actor<typeof peerMachine>['getSnapshot']>> {
    return new Map([...this.watched].map(([host, w]) => [host, w.actor.getSnapshot()]));
  }

  private async publishProbeAddress(): Promise<void> {
    const { probeAddress, probePort, hostname, hostLease, store, logger } = this.opts;
    const lease = hostLease.inForce;
    if (!probeAddress || !lease || !this.running) return;
    try {
      await store.put(
        keys.probeAddress(hostname),
        JSON.stringify({ address: probeAddress, port: probePort }),
        lease.leaseId,
      );
    } catch (error) {
      logger.warn({ err: error }, 'could not publish the probe address; retrying');
      this.opts.clock.setTimeout(() => void this.publishProbeAddress(), RETRY_MS);
    }
  }

  private async open(): Promise<void> {
    if (!this.running) return;
    const { store, logger } = this.opts;
    try {
      this.cancelWatch ??= await store.watch(keys.livenessPrefix, {
        onPut: (record) => this.onPut(record),
        onDelete: (key) => this.onDelete(key),
        onReconnect: () => this.resyncOrRetry(),
        onError: (error) => {
          logger.warn({ err: error }, 'liveness watch broke; re-opening it');
          this.cancelWatch = undefined;
          this.retry();
        },
      });
      await this.resync();
    } catch (error) {
      logger.warn({ err: error }, 'could not open the liveness watch; retrying');
      this.retry();
    }
  }

  private retry(): void {
    if (!this.running) return;
    this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.opts.clock.setTimeout(() => void this.open(), RETRY_MS);
  }

  /**
   * A re-read after the watch resumed, from a callback nothing awaits: right after an etcd fault it
   * can time out, and an unhandled rejection would end the agent; so it is retried until it succeeds.
   */
  private resyncOrRetry(): void {
    if (!this.running) return;
    this.resync().catch((error: unknown) => {
      this.opts.logger.warn({ err: error }, 'could not re-read the liveness records; retrying');
      this.opts.clock.clearTimeout(this.resyncTimer);
      this.resyncTimer = this.opts.clock.setTimeout(() => this.resyncOrRetry(), RETRY_MS);
    });
  }

  /** Re-reads every liveness record, e.g. after the watch broke and may have missed some. */
  private async resync(): Promise<void> {
    const records = await this.opts.store.list(keys.livenessPrefix);
    this.directory.clear();
    this.suspicions.clear();
    for (const record of records) this.onPut(record, false);
    this.reconcile();
  }

  private onPut(record: LivenessRecord, reconcile = true): void {
    const parsed = parseLivenessKey(record.key);
    if (!parsed) return;
    const self = this.opts.hostname;
    switch (parsed.kind) {
      case 'probe': {
        const reachable = parseProbeRecord(record);
        if (!reachable) return;
        this.directory.set(parsed.host, reachable);
        break;
      }
      case 'suspect': {
        if (parsed.host === self) {
          void this.refute(parsed.observer);
          return;
        }
        if (parsed.observer === self) return;
        let set = this.suspicions.get(parsed.host);
        if (!set) {
          set = new Set();
          this.suspicions.set(parsed.host, set);
        }
        set.add(parsed.observer);
        this.tell(parsed.host, { type: 'observer.suspects', observer: parsed.observer });
        break;
      }
      case 'refute':
        this.tell(parsed.host, { type: 'host.refuted', revision: record.revision });
        return;
    }
    if (reconcile) this.reconcile();
  }

  private onDelete(key: string): void {
    const parsed = parseLivenessKey(key);
    if (!parsed) return;
    if (parsed.kind === 'probe') {
      this.directory.delete(parsed.host);
      // Our own address vanished with our lease: someone ended our claim, or it expired. Learn it
      // now rather than at the next keepalive.
      if (parsed.host === this.opts.hostname) this.opts.hostLease.renewNow();
    } else if (parsed.kind === 'suspect') {
      this.suspicions.get(parsed.host)?.delete(parsed.observer);
      this.tell(parsed.host, { type: 'observer.withdrew', observer: parsed.observer });
    } else {
      return;
    }
    this.reconcile();
  }

  /** A suspicion of this host, seen through etcd: our agent runs and reaches etcd, so say so. */
  private async refute(observer: string): Promise<void> {
    const { hostLease, store, hostname, logger } = this.opts;
    const lease = hostLease.inForce;
    if (!lease) return;
    try {
      await store.put(keys.refutation(hostname), observer, lease.leaseId);
      this.opts.observer?.refutation();
      logger.info({ observer }, 'a peer suspected this host: refuted');
    } catch (error) {
      logger.warn({ err: error, observer }, 'could not refute a suspicion of this host');
    }
  }

  private otherObservers(host: string): number {
    let n = 0;
    for (const other of this.directory.keys()) if (other !== host && other !== this.opts.hostname) n += 1;
    return n;
  }

  /** Starts a peer statechart for each host to watch, stops the others. */
  private reconcile(): void {
    if (!this.running) return;
    const self = this.opts.hostname;
    const wanted = new Set<string>();
    for (const host of this.standbyHolders) wanted.add(host);
    for (const [host, observers] of this.suspicions) if (observers.size > 0) wanted.add(host);
    wanted.delete(self);
    for (const host of [...this.watched.keys()]) {
      const reachable = this.directory.get(host);
      if (!wanted.has(host) || !reachable || reachable.leaseId !== this.watched.get(host)?.leaseId)
        this.unwatch(host);
    }
    for (const host of wanted) {
      const reachable = this.directory.get(host);
      if (!reachable || this.watched.has(host)) continue;
      this.watch(host, reachable);
    }
    for (const host of this.watched.keys())
      this.tell(host, { type: 'observers.changed', otherObservers: this.otherObservers(host) });
  }

  /** Sends to the peer statechart of `host`, unless there is none or it has ended the claim. */
  private tell(host: string, event: PeerEvent): void {
    const actor = this.watched.get(host)?.actor;
    if (actor?.getSnapshot().status === 'active') actor.send(event);
  }

  private watch(host: string, reachable: Reachable): void {
    const { clock, timing } = this.opts;
    const actor = createActor(peerMachine.provide({ actors: this.actors }), {
      clock,
      input: {
        host,
        leaseId: reachable.leaseId,
        address: reachable.address,
        port: reachable.port,
        otherObservers: this.otherObservers(host),
        timing,
      },
      // Every state change with the event behind it, at debug level: why a suspicion did or did not
      // end a claim is the question when a failover took the lease path.
      inspect: (inspection) => {
        if (inspection.type !== '@xstate.snapshot' || inspection.actorRef !== actor) return;
        const snapshot = inspection.snapshot as ReturnType<typeof actor.getSnapshot>;
        const state = stateName(snapshot.value);
        if (state === lastState) return;
        this.opts.logger.debug(
          {
            peer: host,
            from: lastState,
            to: state,
            event: inspection.event.type,
            agreeing: snapshot.context.agreeing,
            published: snapshot.context.suspicionRevision !== undefined,
          },
          'peer statechart transition',
        );
        lastState = state;
      },
    });
    let lastState = 'ALIVE';
    let last: PeerVerdict = 'alive';
    actor.subscribe({
      next: (snapshot) => {
        const verdict = verdictOf(snapshot.value);
        if (verdict === last) return;
        last = verdict;
        if (verdict === 'confirmed') this.opts.observer?.confirmation();
        this.opts.onVerdict?.(host, verdict);
      },
      error: (error) => this.opts.logger.error({ err: error, peer: host }, 'peer statechart failed'),
    });
    this.watched.set(host, { leaseId: reachable.leaseId, actor });
    actor.start();
    for (const observer of this.suspicions.get(host) ?? [])
      actor.send({ type: 'observer.suspects', observer });
  }

  private unwatch(host: string): void {
    const watched = this.watched.get(host);
    if (!watched) return;
    this.watched.delete(host);
    const ended = watched.actor.getSnapshot().status === 'done';
    watched.actor.stop();
    if (!ended) this.opts.onVerdict?.(host, 'alive');
  }
}

/** `suspecting.SUSPECTED` for `{ suspecting: 'SUSPECTED' }`. */
function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([parent, child]) => `${parent}.${stateName(child)}`)
    .join(',');
}

function verdictOf(value: unknown): PeerVerdict {
  // Rechecking after our own stall is still a confirmation: the VIPs are not told otherwise.
  if (value === 'CONFIRMED' || value === 'RECHECKING') return 'confirmed';
  if (value === 'CLAIM_ENDED') return 'claim_ended';
  if (value && typeof value === 'object' && 'suspecting' in value) return 'suspected';
  return 'alive';
}

function parseProbeRecord(record: LivenessRecord): Reachable | undefined {
  try {
    const { address, port } = JSON.parse(record.value) as { address?: unknown; port?: unknown };
    if (typeof address !== 'string' || typeof port !== 'number' || record.leaseId === '0') return undefined;
    return { address, port, leaseId: record.leaseId };
  } catch {
    return undefined;
  }
}

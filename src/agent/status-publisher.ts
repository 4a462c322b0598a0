import type { HostLease } from '../actors/host-lease.js';
import { VIP_STATUSES, type VipStatus } from '../machines/vip.status.js';
import type { Endpoint } from '../model/endpoint.js';
import { electionKeyOf } from '../model/endpoint.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { KvPort, KvWrite } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import type { EndpointView, PeerStatus, TransitionRecord } from './agent-service.js';

/** `localeCompare`'s order, without building a collator per comparison (30 000 statuses at 10 000 VIPs). */
const collator = new Intl.Collator();

export interface StatusPublisherDeps {
  hostname: string;
  kv: KvPort;
  hostLease: HostLease;
  logger: Logger;
  enabled: boolean;
  clock: Clock;
  /** How long writes gather before they go out together (default 100 ms). */
  flushMs?: number;
}

/** A key's latest wanted state: written with the lease in force when it goes out. */
type Pending = { type: 'put'; value: string } | { type: 'delete' };

/** After a failed write, how long before the keys it carried are tried again. */
const RETRY_MS = 1000;

/**
 * Writes what other agents need to see: the link key saying this host participates for a VIP and
 * this host's status per VIP. Both ride the host lease, so a dead host disappears from `hosts` and
 * from the cluster view on its own (LinK's link keys stayed forever). Transitions go to the durable
 * history instead (`src/history`), which outlives the host.
 *
 * Writes gather for `flushMs` and go out in etcd transactions of up to 128 keys, the latest value
 * of each key only: a bulk create of 10 000 VIPs, or a host taking over thousands, made one put per
 * link and per transition, and that flood kept etcd too busy to renew the host leases in time.
 */
export class StatusPublisher {
  private readonly pending = new Map<string, Pending>();
  private waiting: Array<() => void> = [];
  private timer: unknown;
  private flushing = false;

  constructor(private readonly deps: StatusPublisherDeps) {}

  private leaseId(): string | undefined {
    return this.deps.hostLease.inForce?.leaseId;
  }

  /** Queues a write; the promise resolves once it went out (or failed and was queued again). */
  private queue(key: string, wanted: Pending): Promise<void> {
    this.pending.set(key, wanted);
    const done = new Promise<void>((resolve) => this.waiting.push(resolve));
    this.schedule(this.deps.flushMs ?? 100);
    return done;
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined || this.flushing) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private async flush(): Promise<void> {
    const leaseId = this.leaseId();
    const batch = [...this.pending];
    const waiting = this.waiting;
    this.pending.clear();
    this.waiting = [];
    // Without a lease, puts wait for `lease.granted`, which republishes everything.
    const writes = batch.flatMap(([key, wanted]): KvWrite[] =>
      wanted.type === 'delete'
        ? [{ type: 'delete', key }]
        : leaseId
          ? [{ type: 'put', key, value: wanted.value, leaseId }]
          : [],
    );
    this.flushing = true;
    let failed = false;
    try {
      if (writes.length > 0) await this.deps.kv.writeBatch(writes);
    } catch (error) {
      failed = true;
      this.deps.logger.debug({ err: error, keys: writes.length }, 'status writes failed; retrying');
      // A key written again meanwhile keeps its newer value.
      for (const [key, wanted] of batch) if (!this.pending.has(key)) this.pending.set(key, wanted);
    } finally {
      this.flushing = false;
      for (const resolve of waiting) resolve();
    }
    if (this.pending.size > 0) this.schedule(failed ? RETRY_MS : (this.deps.flushMs ?? 100));
  }

  /**
   * Says this host takes part for a VIP (written within `flushMs`). Failovers and drains look for
   * these records, so a failed write (etcd busy right after a new lease, a circuit breaker still
   * open) is tried again while a lease lasts; a new lease writes every record again anyway.
   */
  link(electionKey: string): void {
    void this.queue(keys.link(electionKey, this.deps.hostname), {
      type: 'put',
      value: JSON.stringify({ updated_at: new Date().toISOString() }),
    });
  }

  async unlink(electionKey: string): Promise<void> {
    await Promise.all([
      this.queue(keys.link(electionKey, this.deps.hostname), { type: 'delete' }),
      this.queue(keys.status(electionKey, this.deps.hostname), { type: 'delete' }),
    ]);
  }

  publish(record: TransitionRecord, view: EndpointView | null): void {
    if (!this.deps.enabled || record.to === 'STOPPED') return;
    this.putStatus({
      hostname: this.deps.hostname,
      electionKey: record.electionKey,
      status: record.to,
      holder: view?.holder ?? null,
      updatedAt: record.at,
    });
  }

  /** This host's status for one VIP outside a transition, e.g. when it sees a new holder. */
  refresh(view: EndpointView, at: number): void {
    if (!this.deps.enabled) return;
    this.putStatus({
      hostname: this.deps.hostname,
      electionKey: view.election_key,
      status: view.status,
      holder: view.holder,
      updatedAt: at,
    });
  }

  private putStatus(status: PeerStatus): void {
    void this.queue(keys.status(status.electionKey, this.deps.hostname), {
      type: 'put',
      value: JSON.stringify(status),
    });
  }

  /** After a new lease, lease-bound keys from the old one are gone: write them again. */
  republish(endpoints: Endpoint[], view: (id: string) => EndpointView | undefined): void {
    for (const endpoint of endpoints) {
      this.link(electionKeyOf(endpoint.ip));
      const current = view(endpoint.id);
      if (current) this.refresh(current, Date.now());
    }
  }

  /** Every host that says it takes part for `electionKey`, this one included, sorted. */
  async linkedHosts(electionKey: string): Promise<string[]> {
    const prefix = keys.linksOf(electionKey);
    const links = await this.deps.kv.list(prefix);
    return [...links.keys()].map((key) => key.slice(prefix.length)).sort();
  }

  /** Election key -> the hosts that say they take part for it, for every VIP, in one read. */
  async allLinks(): Promise<Map<string, string[]>> {
    const links = await this.deps.kv.list(keys.linksPrefix);
    const linked = new Map<string, string[]>();
    for (const key of links.keys()) {
      const [electionKey = '', host = ''] = key.slice(keys.linksPrefix.length).split('/');
      linked.set(electionKey, [...(linked.get(electionKey) ?? []), host]);
    }
    return linked;
  }

  async readAll(): Promise<PeerStatus[]> {
    return this.parsed(await this.deps.kv.list(keys.statusPrefix));
  }

  /** The statuses of a few VIPs, one prefix read each, in the order of `electionKeys`. */
  async readOf(electionKeys: readonly string[]): Promise<PeerStatus[]> {
    const reads = await Promise.all(
      electionKeys.map((electionKey) => this.deps.kv.list(keys.statusesOf(electionKey))),
    );
    return reads.flatMap((statuses) => this.parsed(statuses));
  }

  private parsed(all: Map<string, string>): PeerStatus[] {
    const out: PeerStatus[] = [];
    for (const [key, raw] of all) {
      try {
        const status = JSON.parse(raw) as PeerStatus;
        if (VIP_STATUSES.includes(status.status as VipStatus)) out.push(status);
      } catch {
        this.deps.logger.warn({ key }, 'ignoring a corrupt status record');
      }
    }
    return out.sort(
      (a, b) => collator.compare(a.electionKey, b.electionKey) || collator.compare(a.hostname, b.hostname),
    );
  }
}

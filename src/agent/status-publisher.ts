import type { HostLease } from '../actors/host-lease.js';
import { VIP_STATUSES, type VipStatus } from '../machines/vip.status.js';
import type { Endpoint } from '../model/endpoint.js';
import { electionKeyOf } from '../model/endpoint.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { KvPort } from '../ports/coordination.js';
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
  /** Wait before writing a participation record again after a failed write. */
  linkRetryMs?: number;
}

/**
 * Writes what other agents need to see: the link key saying this host participates for a VIP and
 * this host's status per VIP. Both ride the host lease, so a dead host disappears from `hosts` and
 * from the cluster view on its own (LinK's link keys stayed forever). Transitions go to the durable
 * history instead (`src/history`), which outlives the host.
 */
export class StatusPublisher {
  constructor(private readonly deps: StatusPublisherDeps) {}

  private leaseId(): string | undefined {
    return this.deps.hostLease.inForce?.leaseId;
  }

  /** VIPs this host takes part for: their participation record is kept written. */
  readonly #linked = new Set<string>();

  /**
   * Says this host takes part for a VIP. Failovers and drains look for these records, so a failed
   * write (etcd busy right after a new lease, a circuit breaker still open) is tried again while
   * the lease it was for lasts; a new lease writes every record again anyway.
   */
  async link(electionKey: string): Promise<void> {
    this.#linked.add(electionKey);
    const leaseId = this.leaseId();
    if (!leaseId) return; // re-linked on `lease.granted`
    const written = await this.quietly('link', () =>
      this.deps.kv.put(
        keys.link(electionKey, this.deps.hostname),
        JSON.stringify({ updated_at: new Date().toISOString() }),
        leaseId,
      ),
    );
    if (written) return;
    this.deps.clock.setTimeout(() => {
      if (this.#linked.has(electionKey) && this.leaseId() === leaseId) void this.link(electionKey);
    }, this.deps.linkRetryMs ?? 1000);
  }

  async unlink(electionKey: string): Promise<void> {
    this.#linked.delete(electionKey);
    await this.quietly('unlink', async () => {
      await this.deps.kv.delete(keys.link(electionKey, this.deps.hostname));
      await this.deps.kv.delete(keys.status(electionKey, this.deps.hostname));
    });
  }

  async publish(record: TransitionRecord, view: EndpointView | null): Promise<void> {
    if (!this.deps.enabled) return;
    const leaseId = this.leaseId();
    if (!leaseId) return;
    if (record.to === 'STOPPED') return;
    const status: PeerStatus = {
      hostname: this.deps.hostname,
      electionKey: record.electionKey,
      status: record.to,
      holder: view?.holder ?? null,
      updatedAt: record.at,
    };
    await this.quietly('status', () =>
      this.deps.kv.put(keys.status(record.electionKey, this.deps.hostname), JSON.stringify(status), leaseId),
    );
  }

  /** This host's status for one VIP outside a transition, e.g. when it sees a new holder. */
  async refresh(view: EndpointView, at: number): Promise<void> {
    if (!this.deps.enabled) return;
    const leaseId = this.leaseId();
    if (!leaseId) return;
    const status: PeerStatus = {
      hostname: this.deps.hostname,
      electionKey: view.election_key,
      status: view.status,
      holder: view.holder,
      updatedAt: at,
    };
    await this.quietly('status', () =>
      this.deps.kv.put(keys.status(view.election_key, this.deps.hostname), JSON.stringify(status), leaseId),
    );
  }

  /** After a new lease, lease-bound keys from the old one are gone: write them again. */
  async republish(endpoints: Endpoint[], view: (id: string) => EndpointView | undefined): Promise<void> {
    for (const endpoint of endpoints) {
      const electionKey = electionKeyOf(endpoint.ip);
      await this.link(electionKey);
      const current = view(endpoint.id);
      if (current && this.deps.enabled) {
        const leaseId = this.leaseId();
        if (!leaseId) return;
        const status: PeerStatus = {
          hostname: this.deps.hostname,
          electionKey,
          status: current.status,
          holder: current.holder,
          updatedAt: Date.now(),
        };
        await this.quietly('status', () =>
          this.deps.kv.put(keys.status(electionKey, this.deps.hostname), JSON.stringify(status), leaseId),
        );
      }
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

  /** Resolves whether the write went through; a failure is only logged. */
  private async quietly(what: string, write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      this.deps.logger.debug({ err: error, what }, 'status write failed; it is written again later');
      return false;
    }
  }
}

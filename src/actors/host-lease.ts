import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { KvPort, LeaseId, LeasePort } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import type { HostLeaseEvent } from './host-lease.events.js';

export interface HostLeaseOptions {
  hostname: string;
  ttlSeconds: number;
  keepaliveIntervalMs: number;
  /**
   * Consecutive failed keepalives before `etcd.down`, spanning at least one keepalive interval: a
   * member that dies fails calls in milliseconds, and the client needs a moment to reach another.
   */
  faultAfter: number;
  /** `lease.expiring` fires this long before the local deadline. */
  expiryMarginMs: number;
  /**
   * Wait before the next attempt after a failed keepalive (default 500 ms, at most the keepalive
   * interval). A failed call can take its whole deadline: waiting a full interval after it landed
   * past the TTL (3 s + 1.5 s + 3 s > 6 s), so one failed keepalive cost the lease.
   */
  retryMs?: number;
  lease: LeasePort;
  kv: KvPort;
  /**
   * This agent's own event-loop stalls: a keepalive that failed while the loop stalled for most
   * of its wait is not counted towards `etcd.down`, so a starved agent does not apply the fault
   * policy (binding VIPs other hosts hold) for an outage that is its own.
   */
  stalls?: { stalledSince(since: number): number };
  clock: Clock;
  logger: Logger;
  onEtcdError?: (operation: string) => void;
}

export interface LeaseInForce {
  leaseId: LeaseId;
  /** Local deadline: send time of the last successful keepalive plus the TTL etcd reported. */
  deadline: number;
}

/**
 * ONE etcd lease for the whole host: every VIP lock rides it, so etcd load does not grow with the
 * number of VIPs. It tracks its own deadline from the last successful keepalive because etcd3's
 * `lost` event can come only after two TTLs. The lease id is stored under `/link/config/<host>`
 * (LinK's layout), so an agent restarted within the TTL keeps its locks.
 */
export class HostLease {
  private current: LeaseInForce | undefined;
  private failures = 0;
  private firstFailureAt = 0;
  private down = false;
  private tickTimer: unknown;
  private expiryTimer: unknown;
  private running = false;
  /**
   * A keepalive or grant is in flight: a tick asked for meanwhile (`renewNow`) is left to its answer,
   * as each tick schedules the next. Two ticks in flight that both learnt the lease had expired
   * each granted a new one, and the second dropped the lease the first had just granted.
   */
  private ticking = false;
  /** `lease.expiring` went out for the lease in force and no renewal came since. */
  private warned = false;
  private readonly listeners = new Set<(event: HostLeaseEvent) => void>();

  constructor(private readonly opts: HostLeaseOptions) {}

  get inForce(): LeaseInForce | undefined {
    return this.current;
  }

  /** A lease exists and its local deadline has not passed (false after a pause longer than the TTL). */
  get inForceNow(): boolean {
    return this.current !== undefined && this.opts.clock.now() < this.current.deadline;
  }

  get etcdReachable(): boolean {
    return !this.down;
  }

  subscribe(listener: (event: HostLeaseEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reuses the stored lease if etcd still has it, otherwise grants one. Never throws. */
  async start(): Promise<void> {
    this.running = true;
    await this.restore();
    await this.tick();
  }

  /** Stops renewing; with `revoke`, deletes the lease so every lock of this host drops at once. */
  async stop({ revoke }: { revoke: boolean }): Promise<void> {
    this.running = false;
    this.opts.clock.clearTimeout(this.tickTimer);
    this.opts.clock.clearTimeout(this.expiryTimer);
    const lease = this.current;
    if (revoke && lease) {
      try {
        await this.opts.lease.revoke(lease.leaseId);
        this.current = undefined;
      } catch (error) {
        this.opts.logger.warn({ err: error }, 'could not revoke the host lease; it expires on its own');
      }
    }
  }

  /** Renews at once, e.g. when a sign says the lease may be gone: we learn it now, not at the next tick. */
  renewNow(): void {
    this.schedule(0);
  }

  private emit(event: HostLeaseEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private async restore(): Promise<void> {
    const { kv, lease, hostname, logger } = this.opts;
    try {
      const stored = await kv.get(keys.hostConfig(hostname));
      const leaseId = stored ? parseStoredLease(stored) : undefined;
      if (!leaseId) return;
      const sentAt = this.opts.clock.now();
      const ttl = await lease.keepAlive(leaseId);
      if (ttl > 0) {
        logger.info({ leaseId, ttl }, 'reusing the stored host lease');
        this.adopt(leaseId, sentAt + ttl * 1000, true);
      }
    } catch (error) {
      logger.warn({ err: error }, 'could not restore the stored host lease; a new one will be granted');
    }
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.opts.clock.clearTimeout(this.tickTimer);
    this.tickTimer = this.opts.clock.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (!this.running || this.ticking) return;
    this.ticking = true;
    try {
      await this.renewOrGrant();
    } finally {
      this.ticking = false;
    }
  }

  private async renewOrGrant(): Promise<void> {
    const { lease, clock, ttlSeconds, keepaliveIntervalMs } = this.opts;
    const sentAt = clock.now();
    try {
      if (this.current) {
        const ttl = await lease.keepAlive(this.current.leaseId);
        if (ttl > 0) {
          this.renewed(sentAt + ttl * 1000);
        } else {
          this.opts.logger.warn(
            { leaseId: this.current.leaseId },
            'host lease expired in etcd; granting a new one',
          );
          this.current = undefined;
          this.opts.clock.clearTimeout(this.expiryTimer);
          this.schedule(0);
          return;
        }
      } else {
        const leaseId = await lease.grant(ttlSeconds);
        this.adopt(leaseId, sentAt + ttlSeconds * 1000, false);
        await this.persist(leaseId);
      }
      this.succeeded();
    } catch (error) {
      // A call our own stall made miss its deadline (grpc's timer runs before the answer is read)
      // goes out again at once: the loop runs now, and the lease has no time to spare. Calls stay
      // a retry period apart all the same.
      const retryMs = Math.min(keepaliveIntervalMs, this.opts.retryMs ?? 500);
      const ownStall = this.failed(error, sentAt);
      this.schedule(ownStall ? Math.max(0, retryMs - (clock.now() - sentAt)) : retryMs);
      return;
    }
    // Counted from the send, as the deadline is: counted from a late answer, the next keepalive
    // left the lease only TTL - interval - twice the lateness, and leases lapsed on loaded hosts.
    this.schedule(Math.max(0, keepaliveIntervalMs - (clock.now() - sentAt)));
  }

  private adopt(leaseId: LeaseId, deadline: number, reused: boolean): void {
    this.current = { leaseId, deadline };
    this.warned = false;
    this.armExpiry(deadline);
    this.emit({ type: 'lease.granted', leaseId, reused });
  }

  private renewed(deadline: number): void {
    if (!this.current) return;
    this.current = { ...this.current, deadline };
    this.armExpiry(deadline);
    this.emit({ type: 'lease.renewed', leaseId: this.current.leaseId, deadline });
    if (this.warned) {
      // VIPs that let go on `lease.expiring` still own their locks on this lease: as for a
      // granted lease, they must campaign again to take them back.
      this.warned = false;
      this.emit({ type: 'lease.granted', leaseId: this.current.leaseId, reused: true });
    }
  }

  private armExpiry(deadline: number): void {
    const { clock, expiryMarginMs } = this.opts;
    clock.clearTimeout(this.expiryTimer);
    const at = Math.max(0, deadline - expiryMarginMs - clock.now());
    this.expiryTimer = clock.setTimeout(() => {
      this.warned = true;
      this.emit({ type: 'lease.expiring', deadline });
    }, at);
  }

  private async persist(leaseId: LeaseId): Promise<void> {
    const { kv, hostname } = this.opts;
    const record = { hostname, lease_id: Number(leaseId), lease_id_str: leaseId, data_version: 3 };
    await kv.put(keys.hostConfig(hostname), JSON.stringify(record));
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.down) {
      this.down = false;
      this.opts.logger.info({}, 'etcd reachable again');
      this.emit({ type: 'etcd.up' });
    }
  }

  /** Counts a failed call towards an etcd outage; returns true when our own stall explains it instead. */
  private failed(error: unknown, sentAt: number): boolean {
    this.opts.onEtcdError?.('keepalive');
    const now = this.opts.clock.now();
    const reason = error instanceof Error ? error.message : String(error);
    const stalledMs = this.opts.stalls?.stalledSince(sentAt) ?? 0;
    if (stalledMs > 0 && stalledMs * 2 >= now - sentAt) {
      this.opts.logger.warn(
        { reason, waitedMs: Math.round(now - sentAt), stalledMs: Math.round(stalledMs) },
        "host lease keepalive failed while this agent's event loop stalled: not counted as an etcd fault",
      );
      return true;
    }
    if (this.failures === 0) this.firstFailureAt = now;
    this.failures += 1;
    this.opts.logger.warn({ failures: this.failures, reason }, 'host lease keepalive failed');
    const failingFor = now - this.firstFailureAt;
    if (!this.down && this.failures >= this.opts.faultAfter && failingFor >= this.opts.keepaliveIntervalMs) {
      this.down = true;
      this.emit({ type: 'etcd.down', reason });
    }
    return false;
  }
}

/** Reads LinK's `{"lease_id": N}`; large ids lose precision as JSON numbers, so prefer our string copy. */
function parseStoredLease(raw: string): LeaseId | undefined {
  try {
    const record = JSON.parse(raw) as { lease_id?: unknown; lease_id_str?: unknown };
    if (typeof record.lease_id_str === 'string' && /^\d+$/.test(record.lease_id_str))
      return record.lease_id_str;
    if (typeof record.lease_id === 'number' && record.lease_id > 0) return String(record.lease_id);
  } catch {
    // A corrupt record only costs us the reuse: a new lease is granted.
  }
  return undefined;
}

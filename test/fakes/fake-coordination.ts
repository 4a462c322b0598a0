import type { Clock } from '../../src/ports/clock.js';
import type {
  CoordinationPort,
  KvPort,
  LeaseId,
  LeasePort,
  LockPort,
  LockState,
  WatchHandlers,
} from '../../src/ports/coordination.js';
import type { LivenessStorePort, LivenessWatchHandlers } from '../../src/ports/liveness.js';

interface Entry {
  value: string;
  leaseId: LeaseId | undefined;
  createRevision: number;
  modRevision: number;
}

/**
 * An in-memory etcd for unit tests: leases expire on the shared simulated clock, locks are
 * create-if-absent, watches see puts and deletes. `reachable = false` makes every call fail.
 */
export class FakeEtcd {
  reachable = true;
  revision = 0;
  readonly data = new Map<string, Entry>();
  readonly leases = new Map<LeaseId, number>(); // id -> expiry time
  readonly watchers = new Set<{ prefix: string; handlers: WatchHandlers }>();
  readonly recordWatchers = new Set<{ prefix: string; handlers: LivenessWatchHandlers }>();
  readonly calls = new Map<string, number>();
  private nextLease = 100;
  watchDelayMs = 10;
  /** When set, batch transactions fail after this many succeeded (counted over the fake's life). */
  failBatchAfter: number | undefined;
  private batches = 0;

  constructor(private readonly clock: Clock) {}

  private call(kind: string): void {
    this.calls.set(kind, (this.calls.get(kind) ?? 0) + 1);
    this.expire();
    if (!this.reachable) throw new Error('etcd unreachable (fake)');
  }

  /** Deletes keys of expired leases, as etcd's lessor does. */
  expire(): void {
    const now = this.clock.now();
    for (const [id, expiry] of this.leases) {
      if (expiry <= now) {
        this.leases.delete(id);
        for (const [key, entry] of this.data) if (entry.leaseId === id) this.del(key);
      }
    }
  }

  private put(key: string, value: string, leaseId?: LeaseId): void {
    const existing = this.data.get(key);
    this.revision += 1;
    const entry = {
      value,
      leaseId,
      createRevision: existing?.createRevision ?? this.revision,
      modRevision: this.revision,
    };
    this.data.set(key, entry);
    this.notify(key, toLock(entry));
    this.notifyRecord(key, entry);
  }

  private notifyRecord(key: string, entry: Entry | undefined): void {
    for (const { prefix, handlers } of this.recordWatchers) {
      if (!key.startsWith(prefix)) continue;
      this.clock.setTimeout(
        () => (entry ? handlers.onPut(toRecord(key, entry)) : handlers.onDelete(key)),
        this.watchDelayMs,
      );
    }
  }

  private del(key: string): void {
    if (!this.data.delete(key)) return;
    this.revision += 1;
    this.notify(key, undefined);
    this.notifyRecord(key, undefined);
  }

  private notify(key: string, lock: LockState | undefined): void {
    for (const { prefix, handlers } of this.watchers) {
      // Watch events travel over the network: deliver them a little later, as etcd does.
      if (key.startsWith(prefix))
        this.clock.setTimeout(() => handlers.onChange({ key, lock }), this.watchDelayMs);
    }
  }

  /** Test helper: another host grabs a lock. */
  forcePut(key: string, value: string, leaseId: LeaseId): void {
    this.put(key, value, leaseId);
  }

  grantExternal(ttlSeconds: number): LeaseId {
    const id = String(this.nextLease++);
    this.leases.set(id, this.clock.now() + ttlSeconds * 1000);
    return id;
  }

  port(): CoordinationPort {
    const lease: LeasePort = {
      grant: async (ttl) => {
        this.call('grant');
        return this.grantExternal(ttl);
      },
      keepAlive: async (id) => {
        this.call('keepalive');
        const expiry = this.leases.get(id);
        if (expiry === undefined) return 0;
        const ttl = 6;
        this.leases.set(id, this.clock.now() + ttl * 1000);
        return ttl;
      },
      revoke: async (id) => {
        this.call('revoke');
        this.leases.set(id, 0);
        this.expire();
      },
    };
    const lock: LockPort = {
      campaign: async (key, holder, leaseId) => {
        this.call('txn');
        if (!this.leases.has(leaseId)) throw new Error('requested lease not found');
        if (!this.data.has(key)) this.put(key, holder, leaseId);
        return toLock(this.data.get(key) as Entry);
      },
      release: async (key, leaseId) => {
        this.call('txn');
        const entry = this.data.get(key);
        if (!entry || entry.leaseId !== leaseId) return false;
        this.del(key);
        return true;
      },
      read: async (key) => {
        this.call('range');
        const entry = this.data.get(key);
        return entry ? toLock(entry) : undefined;
      },
      readAll: async (prefix) => {
        this.call('range');
        const locks = new Map<string, LockState>();
        for (const [key, entry] of this.data) if (key.startsWith(prefix)) locks.set(key, toLock(entry));
        return locks;
      },
      watch: async (prefix, handlers) => {
        this.call('watch');
        return watching(this.watchers, { prefix, handlers });
      },
    };
    const kv: KvPort = {
      get: async (key) => {
        this.call('range');
        return this.data.get(key)?.value;
      },
      put: async (key, value, leaseId) => {
        this.call('put');
        this.put(key, value, leaseId);
      },
      delete: async (key) => {
        this.call('delete');
        this.del(key);
      },
      list: async (prefix) => {
        this.call('range');
        return new Map([...this.data].filter(([k]) => k.startsWith(prefix)).map(([k, e]) => [k, e.value]));
      },
      writeBatch: async (writes, onApplied) => {
        for (let start = 0; start < writes.length; start += 128) {
          this.call('txn_batch');
          if (this.failBatchAfter !== undefined && this.batches++ >= this.failBatchAfter)
            throw new Error(`etcd refused a batch of writes: ${start} of ${writes.length} applied (fake)`);
          const chunk = writes.slice(start, start + 128);
          for (const write of chunk) {
            if (write.type === 'put') this.put(write.key, write.value, write.leaseId);
            else this.del(write.key);
          }
          onApplied?.(chunk);
          // A macrotask between transactions, as with a real etcd round trip.
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
    };
    const liveness: LivenessStorePort = {
      put: async (key, value, leaseId) => {
        this.call('put');
        if (!this.leases.has(leaseId)) throw new Error('requested lease not found');
        this.put(key, value, leaseId);
        return String(this.revision);
      },
      delete: async (key) => {
        this.call('delete');
        this.del(key);
      },
      list: async (prefix) => {
        this.call('range');
        return [...this.data].filter(([k]) => k.startsWith(prefix)).map(([k, e]) => toRecord(k, e));
      },
      watch: async (prefix, handlers) => {
        this.call('watch');
        return watching(this.recordWatchers, { prefix, handlers });
      },
      timeToLive: async (id) => {
        this.call('lease_ttl');
        const expiry = this.leases.get(id);
        return expiry === undefined ? -1 : Math.floor((expiry - this.clock.now()) / 1000);
      },
      grant: (ttl) => lease.grant(ttl),
      revoke: (id) => lease.revoke(id),
    };
    return { lease, lock, kv, liveness, close: async () => {} };
  }
}

function toRecord(key: string, entry: Entry) {
  return { key, value: entry.value, leaseId: entry.leaseId ?? '0', revision: String(entry.modRevision) };
}

function toLock(entry: Entry): LockState {
  return { holder: entry.value, leaseId: entry.leaseId ?? '0', revision: String(entry.createRevision) };
}

/** Keeps `watcher` in `watchers` until the returned stop is called. */
function watching<W>(watchers: Set<W>, watcher: W): () => Promise<void> {
  watchers.add(watcher);
  return async () => {
    watchers.delete(watcher);
  };
}

import type { LivenessStorePort } from './liveness.js';

/**
 * The etcd port: a host lease, one lock key per VIP, and a watch on the lock keys. Every call has a
 * deadline inside the adapter, so a silent network fails in bounded time instead of hanging.
 */

/** etcd lease ids are 64-bit: kept as decimal strings. */
export type LeaseId = string;

export interface LockState {
  /** Hostname stored as the lock's value. */
  holder: string;
  /** Lease the lock key is bound to. */
  leaseId: LeaseId;
  /** Create revision of the key: a fencing token that grows with every new holder. */
  revision: string;
}

export interface LeasePort {
  grant(ttlSeconds: number): Promise<LeaseId>;
  /** Renews the lease once; resolves the TTL left in seconds, 0 when the lease no longer exists. */
  keepAlive(leaseId: LeaseId): Promise<number>;
  revoke(leaseId: LeaseId): Promise<void>;
}

export type LockChange = { key: string; lock: LockState | undefined };

export interface LockPort {
  /** Creates `key` bound to `leaseId` if absent; resolves whoever holds it afterwards. */
  campaign(key: string, holder: string, leaseId: LeaseId): Promise<LockState>;
  /** Deletes `key` only if it is bound to `leaseId`; resolves whether it was deleted. */
  release(key: string, leaseId: LeaseId): Promise<boolean>;
  read(key: string): Promise<LockState | undefined>;
  /** Every lock under `prefix` at one revision, by key. */
  readAll(prefix: string): Promise<Map<string, LockState>>;
  /**
   * Watches every key under `prefix`. `onReconnect` fires when the watch resumes after a break, so
   * callers can re-read what they may have missed; `onError` when it broke for good.
   */
  watch(prefix: string, handlers: WatchHandlers): Promise<() => Promise<void>>;
}

export interface WatchHandlers {
  onChange: (change: LockChange) => void;
  onReconnect: () => void;
  onError: (error: Error) => void;
}

/** One write of a bulk change: a put (bound to a lease when given) or a delete. */
export type KvWrite =
  | { type: 'put'; key: string; value: string; leaseId?: LeaseId }
  | { type: 'delete'; key: string };

export interface KvPort {
  get(key: string): Promise<string | undefined>;
  /** Writes `value`; bound to `leaseId` when given, so it vanishes with the host. */
  put(key: string, value: string, leaseId?: LeaseId): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<Map<string, string>>;
  /**
   * Many puts and deletes in as few etcd transactions as etcd's per-transaction limit allows, in
   * order, one chunk after the other. Each chunk is all or nothing; when one fails, the chunks
   * before it stay written and the error says how many writes were applied. `onApplied` runs after
   * each chunk with its writes, so a caller can act on what is stored while the rest is written.
   */
  writeBatch(writes: readonly KvWrite[], onApplied?: (chunk: KvWrite[]) => void): Promise<void>;
}

export interface CoordinationPort {
  lease: LeasePort;
  lock: LockPort;
  kv: KvPort;
  liveness: LivenessStorePort;
  close(): Promise<void>;
}

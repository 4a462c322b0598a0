import type { LeaseId } from './coordination.js';

/**
 * Host liveness between agents: a probe that the peer's kernel answers (so a paused agent still
 * counts as a live host), and the etcd records through which observers share suspicions, suspects
 * refute them, and a confirmed failure ends the dead host's claim.
 */
export interface HostProbePort {
  /**
   * Resolves true when the host at `address` answered within `timeoutMs` (a SYN-ACK or a RST: either
   * proves its kernel runs), false on silence or an unreachable route. Never rejects.
   */
  probe(address: string, port: number, timeoutMs: number): Promise<boolean>;
}

/** One key under the liveness prefix, with the lease it rides and the revision that wrote it. */
export interface LivenessRecord {
  key: string;
  value: string;
  /** '0' when the key rides no lease. */
  leaseId: LeaseId;
  revision: string;
}

export interface LivenessWatchHandlers {
  onPut: (record: LivenessRecord) => void;
  onDelete: (key: string) => void;
  /** The watch resumed after a break: re-read what may have been missed. */
  onReconnect: () => void;
  onError: (error: Error) => void;
}

export interface LivenessStorePort {
  /** Writes `key` bound to `leaseId`; resolves the revision of the write. */
  put(key: string, value: string, leaseId: LeaseId): Promise<string>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<LivenessRecord[]>;
  watch(prefix: string, handlers: LivenessWatchHandlers): Promise<() => Promise<void>>;
  /** Seconds etcd still grants the lease; 0 or less when it is gone. */
  timeToLive(leaseId: LeaseId): Promise<number>;
  grant(ttlSeconds: number): Promise<LeaseId>;
  /** Ends the lease and every key on it; a lease already gone is not an error. */
  revoke(leaseId: LeaseId): Promise<void>;
}

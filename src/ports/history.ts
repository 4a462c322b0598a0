import type { TransitionRecord } from '../agent/agent-service.js';

/** Which transitions to read back; newest `limit` of those that match, returned oldest first. */
export interface HistoryQuery {
  endpointId?: string | undefined;
  hostname?: string | undefined;
  /** Epoch ms: only transitions at or after it. */
  since?: number | undefined;
  limit: number;
}

/**
 * The cluster-wide record of transitions, kept in etcd apart from any host's lease, so it outlives
 * the host that wrote it. Implemented by `src/etcd/etcd-history.ts`.
 */
export interface HistoryPort {
  /** Stores transitions (of this host), in as few etcd calls as its transaction limit allows. */
  append(records: readonly TransitionRecord[]): Promise<void>;
  query(query: HistoryQuery): Promise<TransitionRecord[]>;
}

import type { Etcd3 } from 'etcd3';
import type { TransitionRecord } from '../agent/agent-service.js';
import { keys } from '../model/keys.js';
import type { LeaseId } from '../ports/coordination.js';
import type { HistoryPort, HistoryQuery } from '../ports/history.js';
import { MAX_TXN_OPS } from './etcd-coordination.js';
import { prefixEnd } from './prefix-range.js';

export interface EtcdHistoryOptions {
  client: Etcd3;
  hostname: string;
  callTimeoutMs: number;
  /** Transitions kept cluster-wide; the oldest beyond are deleted after a write. */
  maxRecords: number;
  /** Transitions older than this vanish on their own (see the bucket leases below). */
  maxAgeSeconds: number;
  now?: () => number;
}

/** Count-based pruning is a range count over the whole history: not after every write. */
const PRUNE_EVERY_MS = 10_000;
/** Pages of the newest-first scan behind a filtered query. */
const PAGE = 500;

/**
 * Transitions under `/link/history/<epoch ms, 15 digits>/<hostname>/<sequence>`: sorted by time
 * across hosts, so `since` and "the newest N" are range reads. Age retention costs no calls: each
 * record is bound to a bucket lease (TTL = max age), one per bucket span shared by every writer and
 * never kept alive, so etcd deletes the bucket's records when it expires, whether or not the
 * writer still lives (its host lease plays no part). Count retention deletes the oldest keys
 * beyond `maxRecords` at most every 10 s, and only after writes: an idle cluster makes no calls.
 */
export class EtcdHistory implements HistoryPort {
  readonly #now: () => number;
  readonly #bucketSpanMs: number;
  #bucket: { leaseId: LeaseId; until: number } | undefined;
  #sequence = 0;
  #lastPrune = 0;

  constructor(private readonly options: EtcdHistoryOptions) {
    this.#now = options.now ?? Date.now;
    // Records expire between (max age - span) and max age after they were written.
    this.#bucketSpanMs = Math.max(1000, Math.floor((options.maxAgeSeconds * 1000) / 100));
  }

  async append(records: readonly TransitionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const lease = await this.#bucketLease();
    const { client } = this.options;
    for (let start = 0; start < records.length; start += MAX_TXN_OPS) {
      const success = records.slice(start, start + MAX_TXN_OPS).map((record) => ({
        request_put: {
          key: Buffer.from(this.#keyOf(record)),
          value: Buffer.from(JSON.stringify(record)),
          lease,
        },
      }));
      await client.kv.txn({ compare: [], success, failure: [] }, this.#opts());
    }
    if (this.#now() - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = this.#now();
      await this.prune();
    }
  }

  async query(query: HistoryQuery): Promise<TransitionRecord[]> {
    const prefix = keys.historyPrefix;
    const start = query.since === undefined ? prefix : `${prefix}${pad(query.since)}`;
    let end = prefixEnd(prefix);
    const found: TransitionRecord[] = [];
    while (found.length < query.limit) {
      const res = await this.options.client.kv.range(
        {
          key: Buffer.from(start),
          range_end: Buffer.from(end),
          sort_order: 'Descend',
          sort_target: 'Key',
          limit: PAGE,
        },
        this.#opts(),
      );
      for (const kv of res.kvs) {
        const record = parse(kv.value.toString());
        if (!record) continue;
        if (query.endpointId !== undefined && record.endpointId !== query.endpointId) continue;
        if (query.hostname !== undefined && record.hostname !== query.hostname) continue;
        found.push(record);
        if (found.length >= query.limit) break;
      }
      const last = res.kvs.at(-1);
      if (!last || res.kvs.length < PAGE) break;
      end = last.key.toString(); // exclusive: the next page starts just below it
    }
    return found.reverse();
  }

  /** Deletes the oldest records beyond `maxRecords`; resolves how many went. */
  async prune(): Promise<number> {
    const { client, maxRecords } = this.options;
    const prefix = Buffer.from(keys.historyPrefix);
    const rangeEnd = Buffer.from(prefixEnd(keys.historyPrefix));
    const counted = await client.kv.range(
      { key: prefix, range_end: rangeEnd, count_only: true },
      this.#opts(),
    );
    const excess = Number(counted.count) - maxRecords;
    if (excess <= 0) return 0;
    const oldest = await client.kv.range(
      {
        key: prefix,
        range_end: rangeEnd,
        keys_only: true,
        sort_order: 'Ascend',
        sort_target: 'Key',
        limit: excess,
      },
      this.#opts(),
    );
    const last = oldest.kvs.at(-1);
    if (!last) return 0;
    const res = await client.kv.deleteRange(
      { key: prefix, range_end: Buffer.concat([last.key, Buffer.from([0])]) },
      this.#opts(),
    );
    return Number(res.deleted);
  }

  /**
   * One bucket lease per span for the whole cluster, not per writer: its id is kept under
   * `/link/history-leases/<bucket>`, on that same lease (the key ends with it), and every writer
   * reuses it. Restarts and more hosts then add no leases: at most ~100 live at once (max age / span).
   */
  async #bucketLease(): Promise<LeaseId> {
    const now = this.#now();
    if (this.#bucket && now < this.#bucket.until) return this.#bucket.leaseId;
    const index = Math.floor(now / this.#bucketSpanMs);
    const until = (index + 1) * this.#bucketSpanMs;
    const key = Buffer.from(`${keys.historyLeasePrefix}${index}`);
    const { client } = this.options;
    const known = (await client.kv.range({ key }, this.#opts())).kvs[0]?.value.toString();
    if (known) {
      this.#bucket = { leaseId: known, until };
      return known;
    }
    const granted = await client.leaseClient.leaseGrant({ TTL: this.options.maxAgeSeconds }, this.#opts());
    const res = await client.kv.txn(
      {
        compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key, value: Buffer.from(granted.ID), lease: granted.ID } }],
        failure: [{ request_range: { key } }],
      },
      this.#opts(),
    );
    const winner = res.succeeded ? granted.ID : res.responses[0]?.response_range.kvs[0]?.value.toString();
    // Another writer granted this bucket's lease first: use it, and end ours now rather than in max age.
    if (!res.succeeded)
      await client.leaseClient.leaseRevoke({ ID: granted.ID }, this.#opts()).catch(() => undefined);
    if (!winner) throw new Error(`history bucket lease ${index}: neither written nor readable`);
    this.#bucket = { leaseId: winner, until };
    return winner;
  }

  #keyOf(record: TransitionRecord): string {
    this.#sequence = (this.#sequence + 1) % 1_000_000;
    return `${keys.historyPrefix}${pad(record.at)}/${this.options.hostname}/${String(this.#sequence).padStart(6, '0')}`;
  }

  #opts() {
    return { deadline: new Date(Date.now() + this.options.callTimeoutMs) };
  }
}

function pad(epochMs: number): string {
  return String(Math.max(0, Math.floor(epochMs))).padStart(15, '0');
}

/** The first key after every key that starts with `prefix`. */
/** A stored record, or undefined for one that is not (skipped, never fatal). */
function parse(raw: string): TransitionRecord | undefined {
  try {
    const data = JSON.parse(raw) as Partial<TransitionRecord>;
    if (typeof data.at !== 'number' || typeof data.endpointId !== 'string' || typeof data.to !== 'string')
      return undefined;
    return data as TransitionRecord;
  } catch {
    return undefined;
  }
}

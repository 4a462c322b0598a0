import type { TransitionRecord } from '../agent/agent-service.js';
import type { Clock } from '../ports/clock.js';
import type { HistoryPort, HistoryQuery } from '../ports/history.js';
import type { Logger } from '../ports/logger.js';

export interface HistoryRecorderOptions {
  store: HistoryPort;
  clock: Clock;
  logger: Logger;
  /** Transitions wait this long to go to etcd together: a failover of many VIPs costs a few writes. */
  flushMs?: number;
  /** Transitions kept while etcd is away; beyond, the oldest are lost (and counted). */
  maxPending?: number;
  /** This host's own recent transitions, answered when etcd cannot be read. */
  local: (query: HistoryQuery) => TransitionRecord[];
  onDropped?: (count: number) => void;
}

export interface HistoryAnswer {
  history: TransitionRecord[];
  /** `etcd`: every host's; `local`: etcd could not be read, this host's recent ones only. */
  source: 'etcd' | 'local';
}

/**
 * Writes every transition to the durable history off the statechart's path: `add` only queues;
 * a timer sends what queued in one go, and a failed write is tried again with what queued since,
 * so transitions are never slowed by etcd and survive a short outage. Reads merge what has not
 * been written yet, so a transition is visible at once.
 */
export class HistoryRecorder {
  readonly #pending: TransitionRecord[] = [];
  readonly #flushMs: number;
  readonly #maxPending: number;
  #timer: unknown;
  #writing: Promise<void> | undefined;

  constructor(private readonly options: HistoryRecorderOptions) {
    this.#flushMs = options.flushMs ?? 250;
    this.#maxPending = options.maxPending ?? 10_000;
  }

  add(record: TransitionRecord): void {
    this.#pending.push(record);
    const excess = this.#pending.length - this.#maxPending;
    if (excess > 0) {
      this.#pending.splice(0, excess);
      this.options.onDropped?.(excess);
    }
    this.#schedule(this.#flushMs);
  }

  /** Sends what is queued now; resolves when that write is done (or failed, to be retried). */
  async flush(): Promise<void> {
    this.options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writing) await this.#writing;
    if (this.#pending.length === 0) return;
    const batch = this.#pending.splice(0);
    this.#writing = this.options.store.append(batch).then(
      () => undefined,
      (error: unknown) => {
        // Put back in front of what queued meanwhile, in order; retried a second later.
        this.#pending.unshift(
          ...batch.slice(Math.max(0, batch.length + this.#pending.length - this.#maxPending)),
        );
        this.options.logger.warn(
          { err: error, pending: this.#pending.length },
          'history write failed; retrying',
        );
        this.#schedule(1000);
      },
    );
    await this.#writing;
    this.#writing = undefined;
  }

  async query(query: HistoryQuery): Promise<HistoryAnswer> {
    try {
      const stored = await this.options.store.query(query);
      const waiting = this.#pending.filter((r) => matches(r, query));
      const merged = [...stored, ...waiting].sort((a, b) => a.at - b.at);
      return { history: merged.slice(-query.limit), source: 'etcd' };
    } catch (error) {
      this.options.logger.warn({ err: error }, 'history read from etcd failed; answering local transitions');
      return { history: this.options.local(query), source: 'local' };
    }
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.options.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, ms);
  }
}

export function matches(record: TransitionRecord, query: HistoryQuery): boolean {
  return (
    (query.endpointId === undefined || record.endpointId === query.endpointId) &&
    (query.hostname === undefined || record.hostname === query.hostname) &&
    (query.since === undefined || record.at >= query.since)
  );
}

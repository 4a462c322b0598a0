import type { Clock } from '../ports/clock.js';
import type { LockPort, LockState } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import { EventSlices } from './event-slices.js';

type Listener = (lock: LockState | undefined) => void;

/**
 * ONE prefix watch on `/link/default/` for the whole agent, dispatched by key, so a thousand VIPs
 * cost one watch stream rather than a thousand, and standbys learn of a free lock at once instead of
 * polling for it.
 */
export class LockWatcher {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly resyncListeners = new Set<() => void>();
  private cancel: (() => Promise<void>) | undefined;
  private retryTimer: unknown;
  private running = false;
  private lastBreakAt = Number.NEGATIVE_INFINITY;
  /** Changes and re-syncs in the order etcd sent them, a slice per macrotask. */
  private readonly slices = new EventSlices((error) =>
    this.logger.error({ err: error }, 'a lock change listener failed'),
  );

  constructor(
    private readonly locks: LockPort,
    private readonly prefix: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    await this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.slices.clear();
    this.clock.clearTimeout(this.retryTimer);
    await this.cancel?.().catch(() => {});
    this.cancel = undefined;
  }

  /** Calls `listener` with every change of `key`; returns an unsubscribe. */
  on(key: string, listener: Listener): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  /** Calls `listener` when the watch was re-established and changes may have been missed. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Resolves the first lock state of `key` that satisfies `predicate`, or undefined after `timeoutMs`. */
  waitFor(
    key: string,
    predicate: (lock: LockState | undefined) => boolean,
    timeoutMs: number,
  ): Promise<LockState | undefined | 'timeout'> {
    return new Promise((resolve) => {
      const off = this.on(key, (lock) => {
        if (!predicate(lock)) return;
        finish(lock);
      });
      const timer = this.clock.setTimeout(() => finish('timeout'), timeoutMs);
      const finish = (result: LockState | undefined | 'timeout') => {
        off();
        this.clock.clearTimeout(timer);
        resolve(result);
      };
    });
  }

  private async open(): Promise<void> {
    if (!this.running) return;
    try {
      this.cancel = await this.locks.watch(this.prefix, {
        onChange: ({ key, lock }) => this.slices.run(() => this.dispatch(key, lock)),
        onReconnect: () => this.resync(),
        onError: (error) => {
          this.logger.warn({ err: error }, 'lock watch broke; re-opening it');
          this.cancel = undefined;
          // At once: etcd cancels a watch resumed from a compacted revision, and a standby blind
          // for a retry period misses a free lock. A watch that breaks again that soon waits.
          const now = this.clock.now();
          const soon = now - this.lastBreakAt < this.retryMs;
          this.lastBreakAt = now;
          if (soon) this.retry();
          else void this.reopen();
        },
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not open the lock watch; retrying');
      this.retry();
    }
  }

  /** Opens the watch again and, once it is open, has every listener re-read what it may have missed. */
  private async reopen(): Promise<void> {
    await this.open();
    if (!this.cancel) return; // failed: `open` scheduled a retry
    this.logger.info({}, 'lock watch re-opened');
    this.resync();
  }

  private retry(): void {
    if (!this.running) return;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.clock.setTimeout(() => void this.reopen(), this.retryMs);
  }

  /** After the changes already received: a re-read must not be overtaken by an older change. */
  private resync(): void {
    this.slices.run(() => {
      for (const listener of this.resyncListeners) listener();
    });
  }

  private dispatch(key: string, lock: LockState | undefined): void {
    const set = this.listeners.get(key);
    if (!set) return;
    for (const listener of [...set]) listener(lock);
  }
}

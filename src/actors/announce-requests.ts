import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { KvPort, LockPort } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import type { HostLease } from './host-lease.js';
import { LockWatcher } from './lock-watcher.js';

/**
 * Asks a VIP's holder, through etcd, to announce it now. A host that bound the VIP by the fault
 * policy during a partition learns the real holder when it reaches etcd again, but must keep the
 * VIP until the holder has announced it (neighbours may have followed its own announcements); the
 * holder has no other way to know it should speak, and waited up to a lease TTL. The request is a
 * key `/link/announce/<election key>` holding the asking host's name, bound to its host lease; every
 * agent watches the prefix (one watch), and the holder answers with one announcement round.
 */
export class AnnounceRequests {
  readonly #watcher: LockWatcher;
  /** Requests waiting for a lease in force. */
  readonly #pending = new Set<string>();
  #offLease: (() => void) | undefined;

  constructor(
    private readonly deps: {
      hostname: string;
      hostLease: HostLease;
      kv: KvPort;
      locks: LockPort;
      clock: Clock;
      logger: Logger;
    },
  ) {
    this.#watcher = new LockWatcher(deps.locks, keys.announcePrefix, deps.clock, deps.logger);
  }

  start(): Promise<void> {
    return this.#watcher.start();
  }

  stop(): Promise<void> {
    this.#offLease?.();
    return this.#watcher.stop();
  }

  /**
   * Asks the holder of `electionKey` to announce it; best effort (the wait is bounded anyway). Only
   * on a lease in force: right after a heal the old lease may be gone in etcd, and the request then
   * goes out once a lease is granted or renewed. A write of its own, not batched with other puts, so a
   * lease etcd no longer has fails this request alone.
   */
  ask(electionKey: string): void {
    const lease = this.deps.hostLease;
    if (lease.inForceNow && lease.etcdReachable) {
      this.#put(electionKey, lease.inForce?.leaseId as string);
      return;
    }
    this.#pending.add(electionKey);
    // A new lease, or the old one renewed once etcd answers again (a short cut keeps it).
    this.#offLease ??= lease.subscribe((event) => {
      if (event.type !== 'lease.granted' && event.type !== 'lease.renewed' && event.type !== 'etcd.up')
        return;
      const leaseId = lease.inForce?.leaseId;
      if (!leaseId || !lease.inForceNow || !lease.etcdReachable || this.#pending.size === 0) return;
      const keys = [...this.#pending];
      this.#pending.clear();
      for (const key of keys) this.#put(key, leaseId);
    });
  }

  #put(electionKey: string, leaseId: string): void {
    this.deps.kv
      .writeBatch([
        { type: 'put', key: keys.announceRequest(electionKey), value: this.deps.hostname, leaseId },
      ])
      .catch((error: unknown) =>
        this.deps.logger.info({ err: error, electionKey }, 'could not ask the holder to announce the VIP'),
      );
  }

  /** Calls `listener` with the asking host's name on each request for `electionKey`. */
  on(electionKey: string, listener: (from: string) => void): () => void {
    return this.#watcher.on(keys.announceRequest(electionKey), (request) => {
      if (request && request.holder !== this.deps.hostname) listener(request.holder);
    });
  }
}

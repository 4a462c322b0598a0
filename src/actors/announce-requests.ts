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
    return this.#watcher.stop();
  }

  /** Asks the holder of `electionKey` to announce it; best effort (the wait is bounded anyway). */
  ask(electionKey: string): void {
    const lease = this.deps.hostLease.inForce;
    if (!lease) return;
    this.deps.kv
      .put(keys.announceRequest(electionKey), this.deps.hostname, lease.leaseId)
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, electionKey }, 'could not ask the holder to announce the VIP'),
      );
  }

  /** Calls `listener` with the asking host's name on each request for `electionKey`. */
  on(electionKey: string, listener: (from: string) => void): () => void {
    return this.#watcher.on(keys.announceRequest(electionKey), (request) => {
      if (request && request.holder !== this.deps.hostname) listener(request.holder);
    });
  }
}

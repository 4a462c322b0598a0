import type { AnnounceRequests } from '../actors/announce-requests.js';
import type { HostLease } from '../actors/host-lease.js';
import type { LockWatcher } from '../actors/lock-watcher.js';
import type { LoopStalls } from '../actors/loop-stalls.js';
import type { PeerMonitor } from '../actors/peer-monitor.js';

/**
 * The host-wide services every VIP actor shares, one each per host: the lease, the watches on the
 * locks, the preferred-host claims and the announce requests, and the peer monitor.
 */
export class HostServices {
  constructor(
    readonly hostLease: HostLease,
    /** The watch on `/link/default/`: who holds each VIP. */
    readonly locks: LockWatcher,
    /** The watch on `/link/claims/`. */
    readonly claims: LockWatcher,
    readonly announceRequests: AnnounceRequests,
    /** Fast detection of dead peer hosts; absent when turned off. */
    readonly peerMonitor: PeerMonitor | undefined,
    /** This agent's own event-loop stalls, which the lease weighs its failed keepalives against. */
    readonly stalls: LoopStalls,
  ) {}

  /** The watches first, so the lease's first news finds them running. */
  async start(): Promise<void> {
    this.stalls.start();
    await this.locks.start();
    await this.announceRequests.start();
    await this.claims.start();
    await this.hostLease.start();
    await this.peerMonitor?.start();
  }

  /** Revoking the lease frees every lock at once; keeping it lets a restart find them held. */
  async stop({ revoke }: { revoke: boolean }): Promise<void> {
    await this.peerMonitor?.stop();
    await this.hostLease.stop({ revoke });
    await this.locks.stop();
    await this.announceRequests.stop();
    await this.claims.stop();
    this.stalls.stop();
  }
}

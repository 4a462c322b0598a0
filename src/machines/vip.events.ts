import type { HealthCheck } from '../ports/health.js';

/**
 * Every event a VIP statechart understands. The first five carry LinK's names and semantics; the
 * others are what LinK lacked: an explicit stop, an operator failover, the local lease deadline, and
 * facts reported by the network actors.
 */
export type VipEvent =
  /** This host holds the lock. `reannounce` asks for a fresh announcement (others may have held it). */
  | {
      type: 'elected';
      holder: string;
      revision: string;
      reannounce?: boolean;
      /**
       * `release` VIPs after a claim ended early: how long the previous holder's lease could still
       * live, so at most one host ever binds the VIP.
       */
      holdOffMs?: number;
    }
  /**
   * Another host holds the lock. `awaitHolder`: this host may have bound the VIP during an etcd
   * outage, so neighbours may point here; keep it until the holder announces itself (HANDING_BACK).
   */
  | { type: 'demoted'; holder: string; revision: string; awaitHolder?: boolean }
  /** etcd could not be reached within the retry budget. */
  | { type: 'fault'; reason: string }
  | { type: 'health_check_fail'; detail: string }
  | { type: 'health_check_success'; detail: string }
  /** `release` hands the VIP over and unbinds it; `hold` keeps lock and address for a quick restart. */
  | { type: 'stop'; mode: 'release' | 'hold' }
  /** Operator request: hand the VIP to another host, keeping it bound until that host holds it. */
  | { type: 'failover' }
  /** The host lease is about to pass its local deadline without a renewal. */
  | { type: 'lease.expiring'; deadline: number }
  | { type: 'checks.update'; checks: HealthCheck[]; intervalMs: number }
  /** Operator maintenance of this host: hand the VIP over and stay out of elections until `undrain`. */
  | { type: 'drain' }
  | { type: 'undrain' }
  /** The VIP's interface lost its carrier or vanished, or got it back. */
  | { type: 'link.down'; detail: string }
  | { type: 'link.up' }
  /**
   * Who claims to take this VIP back (a preferred or better-spread standby), `undefined` once no
   * other host claims it. The holder hands over when the claimant outranks it.
   */
  | { type: 'preferred.claim'; claimant: string | undefined }
  | { type: 'net.bound' }
  /** The holder actor could not bind the VIP; the machine asks again after `retryDelay`. */
  | { type: 'bind.failed'; detail: string }
  | { type: 'net.error'; detail: string }
  | { type: 'arp.conflict'; mac: string }
  /** Before the first bind: a station answered the address probe, so the address is in use. */
  | { type: 'address.taken'; mac: string }
  /** HANDING_BACK is over: the holder announced the VIP, or neighbours cannot be pointing here. */
  | { type: 'handback.done'; detail: string }
  /** What the peer monitor (src/actors/peer-monitor.ts) learns of the holder's host. */
  | { type: 'holder.confirmed'; host: string }
  | { type: 'holder.claim_ended'; host: string }
  | { type: 'holder.alive'; host: string };

export type VipEventType = VipEvent['type'];

/** Events the election actor receives from its parent. */
export type ElectionCommand = { type: 'yield' };

/**
 * Events the holder actor receives from its parent: bind (on entering ACTIVATED and after
 * `retryDelay`), announce again, or
 * stop defending the VIP against other claims because an operator failover hands it to another host.
 */
export type HolderCommand = { type: 'bind' } | { type: 'reannounce' } | { type: 'yield' };

import type { LeaseId } from '../ports/coordination.js';

/** Facts the host lease reports to every VIP on this host. */
export type HostLeaseEvent =
  /**
   * A lease is in force: a new one (contend again), the stored one reused after a restart, or the
   * one in force renewed after `lease.expiring` (`reused`: contend again for what it still holds).
   */
  | { type: 'lease.granted'; leaseId: LeaseId; reused: boolean }
  | { type: 'lease.renewed'; leaseId: LeaseId; deadline: number }
  /** The local deadline (minus the safety margin) passed without a renewal. */
  | { type: 'lease.expiring'; deadline: number }
  /** etcd failed `faultAfter` times in a row: the VIPs apply their fault policy. */
  | { type: 'etcd.down'; reason: string }
  /** etcd answers again after `etcd.down`. */
  | { type: 'etcd.up' };

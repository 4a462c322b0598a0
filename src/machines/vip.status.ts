import type { SnapshotFrom } from 'xstate';
import type { VipMachine } from './vip.machine.js';

export const VIP_STATUSES = [
  'BOOTING',
  'STANDBY',
  'ACTIVATED',
  'FAILING',
  'DRAINING',
  'DRAINED',
  'STOPPING',
  'STOPPED',
  // Not LinK's: elected, but another station answered for the address, so it is not taken.
  'ADDRESS_CONFLICT',
] as const;
export type VipStatus = (typeof VIP_STATUSES)[number];

/** LinK's flat status name for a snapshot of the nested statechart (STANDBY has inner states). */
export function statusOf(snapshot: SnapshotFrom<VipMachine>): VipStatus {
  for (const status of VIP_STATUSES) {
    if (hasState(snapshot.value, status)) return status;
  }
  // Demoted after a fault, keeping the VIP until the holder has announced it.
  if (hasState(snapshot.value, 'HANDING_BACK')) return 'STANDBY';
  // Elected but waiting out an ended claim's lease: not bound yet.
  if (hasState(snapshot.value, 'AWAITING_OLD_LEASE')) return 'STANDBY';
  // Elected, probing the address before the first bind: not bound yet.
  if (hasState(snapshot.value, 'CHECKING_ADDRESS')) return 'STANDBY';
  return 'BOOTING';
}

/**
 * Whether the address is on the interface as far as the statechart knows, for ACTIVATED only:
 * ACTIVATED starts with the bind (`binding`, `bindRetry` after a failed one), and LinK's status
 * says ACTIVATED from the election on, so `false` tells an address still waiting for its bind.
 * null in every other status, where the statechart does not follow the address.
 */
export function boundOf(snapshot: SnapshotFrom<VipMachine>): boolean | null {
  if (statusOf(snapshot) !== 'ACTIVATED') return null;
  return hasState(snapshot.value, 'bound');
}

/** Whether `name` is an active state at any depth (a leaf, or a parent of active substates). */
function hasState(value: unknown, name: string): boolean {
  if (typeof value === 'string') return value === name;
  if (value && typeof value === 'object')
    return Object.entries(value).some(([key, v]) => key === name || hasState(v, name));
  return false;
}

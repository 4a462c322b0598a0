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
  const value: unknown = snapshot.value;
  if (typeof value !== 'object' || value === null) return statusOfNames(new Set([String(value)]));
  // Listings, metrics and the transition log ask for every VIP's status again and again; a
  // snapshot's value is a new object on each transition, so one walk serves every reader.
  let status = statusByValue.get(value);
  if (status === undefined) {
    status = statusOfNames(activeStateNames(value));
    statusByValue.set(value, status);
  }
  return status;
}

const statusByValue = new WeakMap<object, VipStatus>();

function statusOfNames(names: ReadonlySet<string>): VipStatus {
  for (const status of VIP_STATUSES) {
    if (names.has(status)) return status;
  }
  // Demoted after a fault, keeping the VIP until the holder has announced it.
  if (names.has('HANDING_BACK')) return 'STANDBY';
  // Elected but waiting out an ended claim's lease: not bound yet.
  if (names.has('AWAITING_OLD_LEASE')) return 'STANDBY';
  // Elected, probing the address before the first bind: not bound yet.
  if (names.has('CHECKING_ADDRESS')) return 'STANDBY';
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
  return activeStateNames(value).has(name);
}

/** Every active state's name at any depth, from a snapshot's value. */
function activeStateNames(value: unknown, names = new Set<string>()): Set<string> {
  if (typeof value === 'string') names.add(value);
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      names.add(key);
      activeStateNames(inner, names);
    }
  return names;
}

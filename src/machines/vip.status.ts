import type { SnapshotFrom } from 'xstate';
import type { VipMachine } from './vip.machine.js';

export const VIP_STATUSES = ['BOOTING', 'STANDBY', 'ACTIVATED', 'FAILING', 'STOPPING', 'STOPPED'] as const;
export type VipStatus = (typeof VIP_STATUSES)[number];

/** LinK's flat status name for a snapshot of the nested statechart. */
export function statusOf(snapshot: SnapshotFrom<VipMachine>): VipStatus {
  for (const status of VIP_STATUSES) {
    if (matchesLeaf(snapshot.value, status)) return status;
  }
  return 'BOOTING';
}

function matchesLeaf(value: unknown, name: string): boolean {
  if (typeof value === 'string') return value === name;
  if (value && typeof value === 'object') return Object.values(value).some((v) => matchesLeaf(v, name));
  return false;
}

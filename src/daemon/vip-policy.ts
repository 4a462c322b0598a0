import { networkInterfaces } from 'node:os';
import type { LinkConfig } from '../config/config.schema.js';
import { vipRangeProblem } from '../model/vip-range-policy.js';

/** The agent's check of a new VIP: `--vip-ranges` and the host's interfaces as they are now. */
export function vipPolicy(config: Pick<LinkConfig, 'vipRanges'>): (cidr: string) => string | undefined {
  const allowed = config.vipRanges ?? [];
  return (cidr) => vipRangeProblem(cidr, { allowed, interfaceAddresses: hostInterfaceAddresses });
}

function hostInterfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((addresses) =>
    (addresses ?? []).flatMap((address) => (address.cidr ? [address.cidr] : [])),
  );
}

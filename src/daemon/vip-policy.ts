import { networkInterfaces } from 'node:os';
import type { LinkConfig } from '../config/config.schema.js';
import { vipRangeProblem } from '../model/vip-range-policy.js';

/** The agent's check of a new VIP: `--vip-ranges` and the host's interfaces as they are now. */
export function vipPolicy(config: Pick<LinkConfig, 'vipRanges'>): (cidr: string) => string | undefined {
  const allowed = config.vipRanges ?? [];
  return (cidr) => vipRangeProblem(cidr, { allowed, interfaceAddresses: hostInterfaceAddresses });
}

/**
 * Read once per synchronous run of checks: a bulk create of 10 000 VIPs asked the kernel 10 000
 * times. Forgotten at the next microtask, so a VIP unbound a moment ago is not seen as still bound.
 */
let interfaces: string[] | undefined;

function hostInterfaceAddresses(): string[] {
  if (!interfaces) {
    interfaces = Object.values(networkInterfaces()).flatMap((addresses) =>
      (addresses ?? []).flatMap((address) => (address.cidr ? [address.cidr] : [])),
    );
    queueMicrotask(() => {
      interfaces = undefined;
    });
  }
  return interfaces;
}

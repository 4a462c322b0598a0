import { networkInterfaces } from 'node:os';
import type { LinkConfig } from '../config/config.schema.js';
import { vipRangeProblem } from '../model/vip-range-policy.js';
import { monotonicNow } from '../ports/clock.js';

/** The agent's check of a new VIP: `--vip-ranges` and the host's interfaces as they are now. */
export function vipPolicy(config: Pick<LinkConfig, 'vipRanges'>): (cidr: string) => string | undefined {
  const allowed = config.vipRanges ?? [];
  return (cidr) => vipRangeProblem(cidr, { allowed, interfaceAddresses: hostInterfaceAddresses });
}

/**
 * Read at most once a second, and again after each unbind of this agent
 * (`interfaceAddressesChanged`), so a VIP deleted a moment ago is never taken for one of the
 * host's own addresses: `os.networkInterfaces()` lists every address, and on a host holding
 * 3 300 VIPs it took 21 ms of the event loop per call, once per API create. A bind need not
 * clear it: a create for a VIP this agent binds is refused as a duplicate anyway. Addresses
 * added behind the agent's back are seen up to a second later.
 */
const MAX_AGE_MS = 1000;
let interfaces: { readAt: number; cidrs: string[] } | undefined;

function hostInterfaceAddresses(): string[] {
  const now = monotonicNow();
  if (!interfaces || now - interfaces.readAt > MAX_AGE_MS) {
    const cidrs = Object.values(networkInterfaces()).flatMap((addresses) =>
      (addresses ?? []).flatMap((address) => (address.cidr ? [address.cidr] : [])),
    );
    interfaces = { readAt: now, cidrs };
  }
  return interfaces.cidrs;
}

/** This agent unbound an address: the next check reads the interfaces again. */
export function interfaceAddressesChanged(): void {
  interfaces = undefined;
}

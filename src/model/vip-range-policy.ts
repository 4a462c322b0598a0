import ipaddr from 'ipaddr.js';

/**
 * Which addresses this host may take as VIPs, checked when an endpoint is created (never on stored
 * records, so tightening the policy loses no endpoint). Taking an address announces it to the
 * whole segment, so a mistyped or malicious one can steal a neighbour's, the gateway's included.
 */
export interface VipRangePolicy {
  /** Ranges (`10.0.0.0/24`) VIPs must fall in; empty: any address not refused below. */
  allowed: readonly string[];
  /** The host's interface addresses with their prefixes (`10.0.0.5/24`), read at each check. */
  interfaceAddresses: () => readonly string[];
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Address ranges that are never a VIP on a segment, whatever the settings. */
const NEVER: Record<string, string> = {
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
};

/** Why `cidr` (canonical `ADDRESS/PREFIX`) may not be taken, or undefined when it may. */
export function vipRangeProblem(cidr: string, policy: VipRangePolicy): string | undefined {
  const [address] = ipaddr.parseCIDR(cidr) as [Address, number];
  const ip = plain(address);
  const never = NEVER[ip.range()];
  if (never) return `${ip.toString()} is ${never}, never a virtual IP`;
  for (const own of policy.interfaceAddresses()) {
    const [ownAddress, ownPrefix] = ipaddr.parseCIDR(own) as [Address, number];
    const ownIp = plain(ownAddress);
    if (ownIp.kind() !== ip.kind()) continue;
    if (ownIp.toString() === ip.toString()) {
      return `${ip.toString()} is an address of this host's interfaces (${own}), not a virtual IP`;
    }
    if (ip.kind() === 'ipv4' && ownPrefix <= 30 && ip.match(ownIp, ownPrefix)) {
      const subnet = `${ownIp.toString()}/${ownPrefix}`;
      if (ip.toString() === ipaddr.IPv4.networkAddressFromCIDR(subnet).toString()) {
        return `${ip.toString()} is the network address of the interface subnet ${rangeOf(subnet)}`;
      }
      if (ip.toString() === ipaddr.IPv4.broadcastAddressFromCIDR(subnet).toString()) {
        return `${ip.toString()} is the broadcast address of the interface subnet ${rangeOf(subnet)}`;
      }
    }
  }
  if (policy.allowed.length === 0) return undefined;
  for (const range of policy.allowed) {
    const [rangeAddress, rangePrefix] = ipaddr.parseCIDR(range) as [Address, number];
    if (plain(rangeAddress).kind() === ip.kind() && ip.match(plain(rangeAddress), rangePrefix))
      return undefined;
  }
  return `${ip.toString()} is outside the allowed VIP ranges ${policy.allowed.join(', ')} (--vip-ranges)`;
}

/** `10.0.0.5/24` as its range, `10.0.0.0/24`. */
export function rangeOf(cidr: string): string {
  const [address, prefix] = ipaddr.parseCIDR(cidr) as [Address, number];
  const bytes = plain(address).toByteArray();
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    const byte = Math.floor(bit / 8);
    bytes[byte] = (bytes[byte] as number) & ~(0x80 >> (bit % 8));
  }
  return `${ipaddr.fromByteArray(bytes).toString()}/${prefix}`;
}

function plain(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

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
  const own = interfaceFacts(policy.interfaceAddresses());
  const text = ip.toString();
  const ownCidr = own.addresses.get(text);
  if (ownCidr !== undefined) {
    return `${text} is an address of this host's interfaces (${ownCidr}), not a virtual IP`;
  }
  if (ip.kind() === 'ipv4') {
    for (const subnet of own.subnets) {
      if (!ip.match(subnet.address, subnet.prefix)) continue;
      if (text === subnet.network) {
        return `${text} is the network address of the interface subnet ${subnet.range}`;
      }
      if (text === subnet.broadcast) {
        return `${text} is the broadcast address of the interface subnet ${subnet.range}`;
      }
    }
  }
  if (policy.allowed.length === 0) return undefined;
  for (const range of parsedRanges(policy.allowed)) {
    if (range.address.kind() === ip.kind() && ip.match(range.address, range.prefix)) return undefined;
  }
  return `${text} is outside the allowed VIP ranges ${policy.allowed.join(', ')} (--vip-ranges)`;
}

interface InterfaceFacts {
  /** Each interface address (plain text) and the `ADDRESS/PREFIX` it came as. */
  addresses: Map<string, string>;
  /** IPv4 subnets with a network and a broadcast address (prefix 30 or shorter). */
  subnets: { address: Address; prefix: number; network: string; broadcast: string; range: string }[];
}

/**
 * The interface addresses parsed once per list: a host holding thousands of VIPs has thousands
 * of addresses, and parsing them for each VIP of a bulk create made it quadratic (0.6 s of one
 * synchronous run at 10 000 VIPs).
 */
const factsOf = new WeakMap<readonly string[], InterfaceFacts>();

function interfaceFacts(cidrs: readonly string[]): InterfaceFacts {
  const known = factsOf.get(cidrs);
  if (known) return known;
  const facts: InterfaceFacts = { addresses: new Map(), subnets: [] };
  for (const own of cidrs) {
    const [ownAddress, prefix] = ipaddr.parseCIDR(own) as [Address, number];
    const address = plain(ownAddress);
    facts.addresses.set(address.toString(), own);
    if (address.kind() === 'ipv4' && prefix <= 30) {
      const subnet = `${address.toString()}/${prefix}`;
      facts.subnets.push({
        address,
        prefix,
        network: ipaddr.IPv4.networkAddressFromCIDR(subnet).toString(),
        broadcast: ipaddr.IPv4.broadcastAddressFromCIDR(subnet).toString(),
        range: rangeOf(subnet),
      });
    }
  }
  factsOf.set(cidrs, facts);
  return facts;
}

const rangesOf = new WeakMap<readonly string[], { address: Address; prefix: number }[]>();

function parsedRanges(allowed: readonly string[]): { address: Address; prefix: number }[] {
  let ranges = rangesOf.get(allowed);
  if (!ranges) {
    ranges = allowed.map((range) => {
      const [address, prefix] = ipaddr.parseCIDR(range) as [Address, number];
      return { address: plain(address), prefix };
    });
    rangesOf.set(allowed, ranges);
  }
  return ranges;
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

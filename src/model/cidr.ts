import ipaddr from 'ipaddr.js';

/**
 * The one reader of IP addresses and CIDRs: the API, stored records, the list filters and the net
 * layer all parse through here. Strict on purpose: ipaddr.js alone accepts `10.1` or `0xa.0.0.1`,
 * which `ip` reads differently, and a zone id (`fe80::1%eth0`) has no meaning for a VIP.
 *
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is defined here, once:
 * - as a VIP (`parseCidr`) it is refused: it names an IPv4 address that ARP, not NDP, announces,
 *   and the kernel would bind it as IPv6;
 * - as an address the kernel or a frame reports (`readVip`) it is read as the IPv4 address it
 *   stands for, so comparisons by text match.
 */

/** A VIP as the kernel sees it: the address, its family and the prefix it is bound with. */
export interface VipCidr {
  /** Canonical text (`fd77::50`, not `fd77:0::0050`), so comparisons by string are exact. */
  ip: string;
  family: 4 | 6;
  prefix: number;
  /** `ip/prefix`, what `ip addr` is given. */
  cidr: string;
}

export type CidrResult = { ok: true; cidr: string } | { ok: false; reason: string };
export type VipResult = { ok: true; vip: VipCidr } | { ok: false; reason: string };

const PREFIX_REQUIRED = 'must be an IP with its prefix length, e.g. 10.0.0.1/32';

/** Four-part decimal IPv4, or IPv6 without a zone id. */
function readAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!text.includes('%') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

type Parts =
  | { ok: true; address: ipaddr.IPv4 | ipaddr.IPv6; prefixText: string | undefined }
  | { ok: false; reason: string };

function split(value: string, bareAddress: boolean): Parts {
  const slash = value.indexOf('/');
  if (slash < 0 && !bareAddress) return { ok: false, reason: PREFIX_REQUIRED };
  const text = slash < 0 ? value : value.slice(0, slash);
  const address = readAddress(text);
  if (!address) return { ok: false, reason: `'${text}' is not an IPv4 or IPv6 address` };
  return { ok: true, address, prefixText: slash < 0 ? undefined : value.slice(slash + 1) };
}

/** The prefix length, or the reason it is not one; absent means a host prefix. */
function readPrefix(text: string | undefined, family: 4 | 6): number | string {
  const max = family === 4 ? 32 : 128;
  if (text === undefined) return max;
  if (!/^\d{1,3}$/.test(text) || Number(text) > max)
    return `prefix length must be 0 to ${max}, got '${text}'`;
  return Number(text);
}

const familyOf = (address: ipaddr.IPv4 | ipaddr.IPv6): 4 | 6 => (address.kind() === 'ipv4' ? 4 : 6);

/**
 * A VIP as operators write it, `ADDRESS/PREFIX`, in its canonical form, so `fd00:0::1/128` and
 * `fd00::1/128` are one election key. Refuses what cannot be a usable virtual IP.
 */
export function parseCidr(value: string): CidrResult {
  const parts = split(value, false);
  if (!parts.ok) return parts;
  const { address } = parts;
  const prefix = readPrefix(parts.prefixText, familyOf(address));
  if (typeof prefix === 'string') return { ok: false, reason: prefix };
  const range = address.range();
  if (range === 'unspecified' || range === 'multicast' || range === 'broadcast' || range === 'ipv4Mapped') {
    return { ok: false, reason: `${address.toString()} is ${range}, not a usable virtual IP` };
  }
  // A VIP equal to its subnet's network or broadcast address is almost always a typo for /32.
  if (address.kind() === 'ipv4' && prefix <= 30) {
    const cidr = `${address.toString()}/${prefix}`;
    const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
    const broadcast = ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toString();
    if (address.toString() === network || address.toString() === broadcast) {
      return { ok: false, reason: `${address.toString()} is the network or broadcast address of /${prefix}` };
    }
  }
  return { ok: true, cidr: `${address.toString()}/${prefix}` };
}

/**
 * An address with an optional prefix (a host prefix when absent), as the kernel or a frame reports
 * it, or a VIP that `parseCidr` accepted; an IPv4-mapped IPv6 address reads as its IPv4 address.
 */
export function readVip(value: string): VipResult {
  const parts = split(value.trim(), true);
  if (!parts.ok) return parts;
  const address =
    parts.address instanceof ipaddr.IPv6 && parts.address.isIPv4MappedAddress()
      ? parts.address.toIPv4Address()
      : parts.address;
  const family = familyOf(address);
  const prefix = readPrefix(parts.prefixText, family);
  if (typeof prefix === 'string') return { ok: false, reason: prefix };
  const ip = address.toString();
  return { ok: true, vip: { ip, family, prefix, cidr: `${ip}/${prefix}` } };
}

/** `ADDRESS/PREFIX` that names a network rather than a VIP (a list filter such as `10.78.0.0/16`). */
export function isNetworkCidr(value: string): boolean {
  const parts = split(value, false);
  return parts.ok && typeof readPrefix(parts.prefixText, familyOf(parts.address)) === 'number';
}

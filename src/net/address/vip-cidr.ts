import ipaddr from 'ipaddr.js';
import { NetError } from '../net-error.js';

/** A VIP as the kernel sees it: the address, its family and the prefix it is bound with. */
export interface VipCidr {
  /** Canonical text (`fd77::50`, not `fd77:0::0050`), so comparisons by string are exact. */
  ip: string;
  family: 4 | 6;
  prefix: number;
  /** `ip/prefix`, what `ip addr` is given. */
  cidr: string;
}

/**
 * Accepts `10.0.0.10/32`, `fd00::10/64` or a bare address (host prefix). Endpoints carry the CIDR,
 * while announcing and conflict matching only need the address: both go through here.
 */
export function parseVip(text: string): VipCidr {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const invalid = () =>
    new NetError(`"${text}" is not an IP address or CIDR: write it as 10.0.0.10/32 or fd00::10/128`);
  if (rest.length > 0) throw invalid();

  let ip: string;
  let family: 4 | 6;
  // Four-part decimal only: ipaddr.js would also accept `10.1` or octal forms, which `ip` reads
  // differently, and a zone id (`%eth0`) has no meaning for a VIP.
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) {
    ip = ipaddr.IPv4.parse(address).toString();
    family = 4;
  } else if (ipaddr.IPv6.isValid(address) && !address.includes('%')) {
    const v6 = ipaddr.IPv6.parse(address);
    // An IPv4-mapped address is an IPv4 VIP in disguise: ARP, not NDP, announces it.
    [ip, family] = v6.isIPv4MappedAddress() ? [v6.toIPv4Address().toString(), 4] : [v6.toString(), 6];
  } else {
    throw invalid();
  }

  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if ((prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) || prefix > max) {
    throw new NetError(`"${text}" has an invalid prefix length: use 0-${max} after the slash`);
  }
  return { ip, family, prefix, cidr: `${ip}/${prefix}` };
}

/** The canonical address of a VIP given with or without its prefix. */
export function vipAddress(text: string): string {
  return parseVip(text).ip;
}

import { readVip, type VipCidr } from '../../model/cidr.js';
import { NetError } from '../net-error.js';

export type { VipCidr } from '../../model/cidr.js';

/**
 * The net layer's reading of a VIP or of an address the kernel reports: `10.0.0.10/32`,
 * `fd00::10/64` or a bare address (host prefix), through the one CIDR codec (model/cidr.ts).
 */
export function parseVip(text: string): VipCidr {
  const result = readVip(text);
  if (!result.ok) throw new NetError(`"${text}" is not an IP address or CIDR: ${result.reason}`);
  return result.vip;
}

/** The canonical address of a VIP given with or without its prefix. */
export function vipAddress(text: string): string {
  return parseVip(text).ip;
}

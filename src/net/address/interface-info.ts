import { NetError } from '../net-error.js';
import { IpCommandError, type IpRunner, runIp } from './ip-command.js';

export interface InterfaceInfo {
  name: string;
  index: number;
  /** Lower-case, colon-separated, e.g. `0a:1b:2c:3d:4e:5f`. */
  mac: string;
  up: boolean;
}

interface IpLinkJson {
  ifindex?: number;
  ifname?: string;
  link_type?: string;
  address?: string;
  flags?: string[];
}

const ZERO_MAC = '00:00:00:00:00:00';

/**
 * Reads an interface through netlink (`ip -j link`) rather than /sys/class/net, which shows the
 * namespace that mounted /sys, not necessarily the one this process runs in.
 */
export async function readInterfaceInfo(name: string, run: IpRunner = runIp): Promise<InterfaceInfo> {
  let stdout: string;
  try {
    stdout = await run(['-j', 'link', 'show', 'dev', name]);
  } catch (error) {
    if (error instanceof IpCommandError && /does not exist|Cannot find device/i.test(error.stderr)) {
      throw new NetError(`interface ${name} not found: check the interface setting against \`ip link\``, {
        cause: error,
      });
    }
    throw error;
  }
  const [link] = JSON.parse(stdout) as IpLinkJson[];
  if (link?.ifindex === undefined) {
    throw new NetError(`interface ${name} not found: check the interface setting against \`ip link\``);
  }
  const mac = link.address?.toLowerCase();
  // Loopback has an all-zero MAC and tunnels have none: a gratuitous ARP from them means nothing.
  if (link.link_type !== 'ether' || mac === undefined || mac === ZERO_MAC || !isMac(mac)) {
    throw new NetError(
      `interface ${name} has no Ethernet MAC address (link type ${link.link_type ?? 'unknown'}): ` +
        'VIPs are announced with ARP and NDP, so choose an Ethernet interface (or a bridge, bond or VLAN on one)',
    );
  }
  return { name, index: link.ifindex, mac, up: link.flags?.includes('UP') ?? false };
}

export function isMac(text: string): boolean {
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text);
}

import { type IpRunner, runIp } from './ip-command.js';

interface IpAddrJson {
  addr_info?: { family?: string; local?: string; prefixlen?: number; scope?: string }[];
}

/**
 * This host's own address on `iface`, where peers probe it: the first global address with a real
 * prefix (VIPs are /32 or /128, so never one of them). Undefined when the interface has none.
 */
export async function readProbeAddress(iface: string, run: IpRunner = runIp): Promise<string | undefined> {
  const [link] = JSON.parse(await run(['-j', 'addr', 'show', 'dev', iface])) as IpAddrJson[];
  const global = (link?.addr_info ?? []).filter((a) => a.scope === 'global' && a.local);
  const own = (family: string, full: number) =>
    global.find((a) => a.family === family && (a.prefixlen ?? full) < full)?.local;
  return own('inet', 32) ?? own('inet6', 128);
}

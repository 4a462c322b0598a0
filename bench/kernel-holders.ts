import type { Lab, LabNode } from '../test/lab/lab.js';

/** VIP address (without prefix) -> hosts that have it bound right now, as the kernels see it. */
export async function kernelHolders(
  lab: Lab,
  vips: readonly string[],
  hosts: readonly LabNode[] = lab.hosts,
): Promise<Map<string, string[]>> {
  const wanted = new Map(vips.map((vip) => [vip.split('/')[0] as string, [] as string[]]));
  const bound = await Promise.all(
    hosts.map(async (host) => ({ host, addresses: await lab.addressesOf(host).catch(() => [] as string[]) })),
  );
  for (const { host, addresses } of bound) {
    for (const address of addresses) wanted.get(address)?.push(host.name);
  }
  return wanted;
}

/** How many of `vips` have exactly one holder, and how many have more than one. */
export function holderCounts(holders: Map<string, string[]>): {
  single: number;
  multiple: number;
  none: number;
} {
  let single = 0;
  let multiple = 0;
  let none = 0;
  for (const list of holders.values()) {
    if (list.length === 1) single += 1;
    else if (list.length > 1) multiple += 1;
    else none += 1;
  }
  return { single, multiple, none };
}

import { type Endpoint, electionKeyOf } from '../model/endpoint.js';
import { keys } from '../model/keys.js';
import type { LockPort } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort } from '../ports/network.js';

export interface StaleAddressDeps {
  hostname: string;
  address: AddressPort;
  locks: Pick<LockPort, 'readAll'>;
  logger: Logger;
}

/**
 * At start, before the VIPs' statecharts: unbinds the stored endpoints' addresses whose lock
 * another host holds. An agent that died without unbinding (SIGKILL, out of memory) left them on
 * the interface, where its kernel answers ARP for them beside their holder; each VIP unbinds its
 * own only once its statechart has asked etcd, 18 s after the start for the last of 10 000 VIPs.
 * One read of the locks and one batch of unbinds instead. Addresses whose lock this host holds (a
 * restart that kept the VIPs) or nobody holds stay, for the statecharts to decide.
 */
export async function unbindStaleAddresses(
  endpoints: readonly Endpoint[],
  deps: StaleAddressDeps,
): Promise<number> {
  const { hostname, address, locks, logger } = deps;
  const held = await locks.readAll(keys.lockPrefix);
  const heldElsewhere = endpoints.filter((endpoint) => {
    const lock = held.get(keys.lock(electionKeyOf(endpoint.ip)));
    return lock !== undefined && lock.holder !== hostname;
  });
  const bound = await Promise.all(heldElsewhere.map((endpoint) => address.has(endpoint.ip)));
  const stale = heldElsewhere.filter((_, i) => bound[i]);
  const removed = await Promise.all(
    stale.map((endpoint) =>
      address.remove(endpoint.ip).then(
        () => true,
        (error: unknown) => {
          logger.warn({ err: error, ip: endpoint.ip }, 'could not unbind an address another host holds');
          return false;
        },
      ),
    ),
  );
  const count = removed.filter(Boolean).length;
  if (count > 0)
    logger.info({ unbound: count }, 'unbound the addresses an earlier run left and other hosts hold now');
  return count;
}

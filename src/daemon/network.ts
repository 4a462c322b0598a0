import { readInterfaceInfo } from '../net/address/interface-info.js';
import { IpRouteAddressPort } from '../net/address/ip-address.js';
import { LinkMonitor } from '../net/address/link-monitor.js';
import { CapAnnouncer } from '../net/frames/arp-announcer.js';
import { systemClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort, AnnouncerPort, LinkStatePort } from '../ports/network.js';
import { interfaceAddressesChanged } from './vip-policy.js';

export interface HostNetwork {
  address: AddressPort;
  announcer: AnnouncerPort;
  /** The interface's link, watched once for every VIP on it. */
  link?: LinkStatePort;
  close(): Promise<void>;
}

/** The real network: iproute2 on `iface`, raw frames through libpcap. Refuses an interface without a MAC. */
export async function realNetwork(iface: string, logger: Logger, linkPollMs: number): Promise<HostNetwork> {
  const info = await readInterfaceInfo(iface);
  logger.info({ iface, mac: info.mac, up: info.up }, 'binding VIPs on this interface');
  const announcer = new CapAnnouncer({ iface, logger });
  // Opening the capture handle takes a while: do it now, not during a standby's first takeover.
  await announcer.warmUp().catch((error: unknown) => {
    logger.warn(
      { err: error, iface },
      'cannot open the interface for announcements yet; retrying on the first one',
    );
  });
  const link = new LinkMonitor({ iface, pollMs: linkPollMs, clock: systemClock, logger });
  await link.start();
  return {
    address: new IpRouteAddressPort(iface, { onUnbind: interfaceAddressesChanged }),
    announcer,
    link,
    close: async () => {
      link.stop();
      await announcer.close();
    },
  };
}

/**
 * A network that binds nothing: the election, API and live view run for real, the addresses only
 * in memory. For running agents without root, e.g. the demo on loopback.
 */
export function dryRunNetwork(logger: Logger): HostNetwork {
  const bound = new Set<string>();
  return {
    address: {
      has: async (cidr) => bound.has(cidr),
      add: async (cidr) => {
        if (!bound.has(cidr)) logger.info({ cidr }, 'dry run: would bind');
        bound.add(cidr);
      },
      remove: async (cidr) => {
        if (bound.delete(cidr)) logger.info({ cidr }, 'dry run: would unbind');
      },
    },
    announcer: {
      announce: async () => {},
      // Nothing is sent, so nothing answers: every address is free.
      probe: async () => {},
      watchConflicts: () => () => {},
    },
    close: async () => {},
  };
}

import { FakeAnnouncer } from '../fakes/fake-network.js';
import type { simCluster } from './sim-cluster.js';

type Sim = ReturnType<typeof simCluster>;

/**
 * A neighbour on a simulated cluster's segment: its entry for `ip` holds the MAC of the last
 * announcement. `step` advances time in ticks and records in `dangling` each moment the entry
 * pointed at a host without the VIP. Add it before the agents start to see their first burst.
 */
export function neighbourOn(sim: Sim, ip: string, tickMs = 50) {
  const neighbour = { mac: undefined as string | undefined };
  new FakeAnnouncer('02:00:00:00:00:99', sim.segment).watchConflicts(ip, ({ mac }) => {
    neighbour.mac = mac;
  });
  const dangling: number[] = [];
  const step = async (ms: number) => {
    const macs = new Map(sim.hosts.map((h) => [h.announcer.mac, h]));
    for (let t = 0; t < ms; t += tickMs) {
      await sim.advance(tickMs);
      const pointed = neighbour.mac === undefined ? undefined : macs.get(neighbour.mac);
      if (pointed && !pointed.addresses.bound.has(ip)) dangling.push(sim.clock.now());
    }
  };
  return { neighbour, dangling, step };
}

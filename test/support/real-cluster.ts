import type { Agent } from '../../src/agent/agent.js';
import { type AgentSettings, defaultSettings } from '../../src/agent/agent-settings.js';
import { composeAgent } from '../../src/daemon/composition-root.js';
import { EtcdCoordination } from '../../src/etcd/etcd-coordination.js';
import { systemClock } from '../../src/ports/clock.js';
import { silentLogger } from '../../src/ports/logger.js';
import { FakeAddresses, FakeAnnouncer, FakeProbe, fakeMac } from '../fakes/fake-network.js';
import { partitionable } from './partitionable.js';

export interface RealHost {
  name: string;
  agent: Agent;
  etcd: EtcdCoordination;
  addresses: FakeAddresses;
  probe: FakeProbe;
  online: boolean;
}

/**
 * In-process agents against a REAL etcd, with the host network faked: the election, lease and
 * watch logic run for real. Hostnames carry a per-test prefix so tests never share keys.
 */
export function realCluster(url: string, prefix: string, settings: Partial<AgentSettings> = {}) {
  const journal: string[] = [];
  const hosts: RealHost[] = [];
  const segment = new Set<FakeAnnouncer>();
  const make = (name: string, addresses = new FakeAddresses(name, journal)) => {
    const etcd = new EtcdCoordination({ endpoints: [url], callTimeoutMs: 1500 });
    const probe = new FakeProbe();
    const host = { name, etcd, addresses, probe, online: true } as RealHost;
    host.agent = composeAgent({
      hostname: name,
      version: 'test',
      coordination: partitionable(etcd, () => host.online),
      address: addresses,
      announcer: new FakeAnnouncer(fakeMac(segment.size + 1), segment),
      probe,
      clock: systemClock,
      logger: silentLogger,
      settings: { ...defaultSettings, ...settings },
    });
    hosts.push(host);
    return host;
  };
  return {
    hosts,
    journal,
    /** Starts an agent named `<prefix>-<name>`, reusing `addresses` to model a restart on the same host. */
    async add(name: string, addresses?: FakeAddresses) {
      const host = make(`${prefix}-${name}`, addresses);
      await host.agent.start();
      return host;
    },
    holders: (ip: string) => hosts.filter((h) => h.addresses.bound.has(ip)),
    /** Simulates a crash: no handover, no revoke; the lease runs out in etcd. */
    async crash(host: RealHost) {
      host.online = false;
      await host.agent.shutdown({ hold: true, deadlineMs: 100 });
      await host.etcd.close();
      hosts.splice(hosts.indexOf(host), 1);
    },
    async close() {
      for (const host of hosts) {
        await host.agent.shutdown({ hold: false, deadlineMs: 3000 }).catch(() => {});
        await host.etcd.close();
      }
    },
  };
}

/** Polls `check` every 20 ms until it is truthy or `timeoutMs` passes; resolves the elapsed ms. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  what = 'condition',
): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

import type { Agent } from '../../src/agent/agent.js';
import type { NewEndpoint } from '../../src/agent/agent-service.js';
import { type AgentSettings, defaultSettings } from '../../src/agent/agent-settings.js';
import { type AgentDeps, composeAgent } from '../../src/daemon/composition-root.js';
import { silentLogger } from '../../src/ports/logger.js';
import { FakeEtcd } from '../fakes/fake-coordination.js';
import { FakeHostNetwork } from '../fakes/fake-host-probe.js';
import { FakeAddresses, FakeAnnouncer, FakeLink, FakeProbe, fakeMac } from '../fakes/fake-network.js';
import { advance, simulatedClock } from '../fakes/sim-time.js';
import { partitionable } from './partitionable.js';

export interface SimHost {
  name: string;
  agent: Agent;
  addresses: FakeAddresses;
  announcer: FakeAnnouncer;
  probe: FakeProbe;
  link: FakeLink;
  /** When false, this host's etcd calls fail (a partition of this host alone). */
  online: boolean;
}

/** A VIP as most simulations create it: no health checks, the `activate` fault policy. */
export function vipSpec(ip: string, over: Partial<NewEndpoint> = {}): NewEndpoint {
  return { ip, checks: [], healthcheckInterval: 0, faultPolicy: 'activate', ...over };
}

/** Several agents on one in-memory etcd and one simulated clock. */
export function simCluster(
  names: string[],
  settings: Partial<AgentSettings> = {},
  deps: Pick<AgentDeps, 'vipProblem'> = {},
) {
  const clock = simulatedClock();
  const etcd = new FakeEtcd(clock);
  const journal: string[] = [];
  const segment = new Set<FakeAnnouncer>();
  const kernels = new FakeHostNetwork(clock);
  const hosts: SimHost[] = names.map((name, i) => {
    const addresses = new FakeAddresses(name, journal);
    const announcer = new FakeAnnouncer(fakeMac(i + 1), segment);
    const probe = new FakeProbe();
    const link = new FakeLink();
    const host = { name, addresses, announcer, probe, link, online: true } as SimHost;
    const address = `192.0.2.${i + 1}`;
    kernels.hosts.set(address, name);
    host.agent = composeAgent({
      hostname: name,
      version: 'test',
      coordination: partitionable(etcd.port(), () => host.online),
      address: addresses,
      announcer,
      link,
      probe,
      hostProbe: kernels.probeFrom(name),
      clock,
      logger: silentLogger,
      // No address check unless a test asks: the sim's timings start at the bind.
      settings: { ...defaultSettings, bindCheckMs: 0, probeAddress: address, ...settings },
      ...deps,
    });
    return host;
  });
  const advanceBy = (ms: number) => advance(clock, ms);
  return {
    clock,
    etcd,
    hosts,
    /** Starts every agent, creates `spec` on each in turn, then lets `settleMs` pass. */
    async startWith(spec: NewEndpoint, settleMs: number): Promise<void> {
      for (const host of hosts) await host.agent.start();
      for (const host of hosts) await host.agent.create(spec);
      await advanceBy(settleMs);
    },
    /** The host whose first VIP is ACTIVATED, and the other hosts. */
    roles(): { holder: SimHost; others: SimHost[] } {
      const holder = hosts.find((h) => h.agent.list()[0]?.status === 'ACTIVATED') as SimHost;
      return { holder, others: hosts.filter((h) => h !== holder) };
    },
    /** The hosts' kernels as peers' probes see them: crash one, or cut two apart. */
    kernels,
    /** The hosts' L2 segment: an announcer added here hears every announcement, as a neighbour. */
    segment,
    journal,
    advance: advanceBy,
    holders: (ip: string) => hosts.filter((h) => h.addresses.bound.has(ip)).map((h) => h.name),
    statuses: () => hosts.map((h) => h.agent.list()[0]?.status),
  };
}

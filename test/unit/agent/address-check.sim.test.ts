import { describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../../src/agent/agent-service.js';
import { createMetrics } from '../../../src/api/metrics.js';
import { simCluster } from '../../support/sim-cluster.js';

const IP = '10.0.0.10/32';
const OWNER = '02:00:00:00:00:99';
const spec: NewEndpoint = { ip: IP, checks: [], healthcheckInterval: 0, faultPolicy: 'activate' };
const settings = { bindCheckMs: 1000, bindRecheckMs: 10_000 };

describe('look before the first bind', () => {
  it('probes a new VIP and binds it once nobody answered', async () => {
    const sim = simCluster(['h1'], settings);
    const host = sim.hosts[0]!;
    await host.agent.start();
    await host.agent.create(spec);
    await sim.advance(500);
    expect(host.announcer.probed).toEqual([IP, IP, IP]);
    expect(host.addresses.bound.has(IP)).toBe(false);
    expect(host.agent.list()[0]?.status).toBe('STANDBY');
    await sim.advance(600);
    expect(host.addresses.bound.has(IP)).toBe(true);
    expect(host.agent.list()[0]?.status).toBe('ACTIVATED');
  });

  it('neither binds nor announces an address another station answers for, shows who until it is free', async () => {
    const sim = simCluster(['h1', 'h2'], settings);
    const [a, b] = sim.hosts;
    a!.announcer.owners.set(IP, OWNER);
    b!.announcer.owners.set(IP, OWNER);
    const metrics = createMetrics({ processMetrics: false });
    for (const host of [a!, b!]) await host.agent.start();
    metrics.bindAgent(a!.agent);
    await a!.agent.create(spec);
    await sim.advance(50);
    await b!.agent.create(spec);
    await sim.advance(3000);
    const view = a!.agent.list()[0]!;
    expect(view.status).toBe('ADDRESS_CONFLICT');
    expect(view.conflict_mac).toBe(OWNER);
    // The lock stays with a: the other LinK host does not take the address either.
    expect(b!.agent.list()[0]?.status).toBe('STANDBY');
    expect([a!, b!].map((host) => [host.addresses.bound.size, host.announcer.sent.length])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(await metrics.registry.metrics()).toContain(
      `link_endpoint_address_conflict{endpoint="${view.id}",election_key="10.0.0.10_32",mac="${OWNER}"} 1`,
    );
    expect(a!.agent.history(view.id).map((r) => r.to)).toContain('ADDRESS_CONFLICT');

    // Still in use at the next probe; then the station lets it go.
    await sim.advance(10_000);
    expect(a!.agent.list()[0]?.status).toBe('ADDRESS_CONFLICT');
    a!.announcer.owners.delete(IP);
    await sim.advance(12_000);
    expect(a!.agent.list()[0]).toMatchObject({ status: 'ACTIVATED', conflict_mac: null });
    expect(a!.addresses.bound.has(IP)).toBe(true);
    expect(a!.announcer.sent.length).toBeGreaterThan(0);
  });

  it('does not probe again once a LinK host has held the address', async () => {
    const sim = simCluster(['h1', 'h2'], settings);
    const [a, b] = sim.hosts;
    for (const host of [a!, b!]) await host.agent.start();
    await a!.agent.create(spec);
    await sim.advance(50);
    await b!.agent.create(spec);
    await sim.advance(2000);
    const holder = a!.addresses.bound.has(IP) ? a! : b!;
    const standby = holder === a ? b! : a!;
    const probedBefore = standby.announcer.probed.length;
    const failover = holder.agent.failover(holder.agent.list()[0]!.id);
    await sim.advance(3000);
    await failover;
    expect(standby.addresses.bound.has(IP)).toBe(true);
    expect(standby.announcer.probed.length).toBe(probedBefore);
  });
});

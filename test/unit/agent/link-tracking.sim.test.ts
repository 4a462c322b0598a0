import { describe, expect, it } from 'vitest';
import { type SimHost, simCluster, vipSpec } from '../../support/sim-cluster.js';
import { neighbourOn } from '../../support/sim-neighbour.js';

const IP = '10.0.0.10/32';

describe('interface tracking', () => {
  it('a holder whose link goes down while etcd answers goes FAILING and hands over; it comes back with the link', async () => {
    const sim = simCluster(['h1', 'h2']);
    const { neighbour } = neighbourOn(sim, IP, 10);
    await sim.startWith(vipSpec(IP), 3000);
    const { holder, others } = sim.roles();
    const other = others[0] as SimHost;

    holder.link.set(false);
    await sim.advance(500);
    expect(holder.agent.list()[0]?.status).toBe('FAILING');
    expect(holder.agent.lease().etcdReachable).toBe(true);
    expect(sim.holders(IP)).toEqual([other.name]);
    expect(other.agent.list()[0]?.status).toBe('ACTIVATED');
    expect(neighbour.mac).toBe(other.announcer.mac);

    // Health checks keep passing meanwhile: they do not bring the VIP back without a link.
    await sim.advance(12_000);
    expect(holder.agent.list()[0]?.status).toBe('FAILING');

    holder.link.set(true);
    await sim.advance(500);
    expect(holder.agent.list()[0]?.status).toBe('STANDBY');
    expect(sim.holders(IP)).toEqual([other.name]);
  });

  it('a standby without link goes FAILING and does not take the VIP when the holder fails', async () => {
    const sim = simCluster(['h1', 'h2'], { healthIntervalMs: 1000, healthFall: 1 });
    const check = { type: 'TCP' as const, host: '127.0.0.1', port: 80 };
    await sim.startWith(vipSpec(IP, { checks: [check] }), 3000);
    const { holder, others } = sim.roles();
    const other = others[0] as SimHost;
    other.link.set(false);
    await sim.advance(100);
    expect(other.agent.list()[0]?.status).toBe('FAILING');
    holder.probe.down.add('127.0.0.1:80');
    await sim.advance(3000);
    expect(sim.holders(IP)).toEqual([]);
    expect(other.agent.list()[0]?.status).toBe('FAILING');
  });
});

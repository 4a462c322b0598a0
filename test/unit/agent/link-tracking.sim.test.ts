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

  it('one subscription to the link for the host, whatever the number of VIPs; a VIP created while it is down starts FAILING', async () => {
    const sim = simCluster(['h1']);
    const host = sim.hosts[0] as SimHost;
    const watchers = { count: 0 };
    const watch = host.link.watch.bind(host.link);
    host.link.watch = (listener) => {
      watchers.count += 1;
      return watch(listener);
    };
    await host.agent.start();
    for (let i = 1; i <= 3; i++) await host.agent.create(vipSpec(`10.0.0.${i}/32`));
    await sim.advance(500);
    expect(watchers.count).toBe(1);
    host.link.set(false);
    await sim.advance(100);
    expect(host.agent.list().map((vip) => vip.status)).toEqual(['FAILING', 'FAILING', 'FAILING']);
    await host.agent.create(vipSpec('10.0.0.4/32'));
    await sim.advance(100);
    expect(host.agent.list().find((vip) => vip.ip === '10.0.0.4/32')?.status).toBe('FAILING');
    expect(sim.holders('10.0.0.4/32')).toEqual([]);
    host.link.set(true);
    await sim.advance(500);
    expect(host.agent.list().every((vip) => vip.status === 'ACTIVATED')).toBe(true);
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

import { describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../../src/agent/agent-service.js';
import { simCluster } from '../../support/sim-cluster.js';

const IP = '10.0.0.10/32';
const spec = (over: Partial<NewEndpoint> = {}): NewEndpoint => ({
  ip: IP,
  checks: [{ type: 'TCP', host: '127.0.0.1', port: 8080 }],
  healthcheckInterval: 1,
  faultPolicy: 'activate',
  ...over,
});

async function started(names: string[], over: Partial<NewEndpoint> = {}) {
  const sim = simCluster(names);
  await sim.startWith(spec(over), 500);
  return sim;
}

describe('agents on simulated time', () => {
  it('three agents contend and exactly one binds the VIP', async () => {
    const sim = await started(['h1', 'h2', 'h3']);
    expect(sim.holders(IP)).toHaveLength(1);
    expect(sim.statuses().filter((s) => s === 'ACTIVATED')).toHaveLength(1);
    expect(sim.statuses().filter((s) => s === 'STANDBY')).toHaveLength(2);
    const holder = sim.holders(IP)[0];
    for (const host of sim.hosts) expect(host.agent.list()[0]?.holder).toBe(holder);
  });

  it('announces a burst on activation', async () => {
    const sim = await started(['h1']);
    await sim.advance(4000);
    expect(sim.hosts[0]?.announcer.sent).toHaveLength(4);
  });

  it('a holder whose lease is lost without a revoke is replaced within TTL + 1 s', async () => {
    const sim = await started(['h1', 'h2']);
    const [holder] = sim.holders(IP);
    const host = sim.hosts.find((h) => h.name === holder)!;
    host.online = false; // no keepalives from now on: the lease runs out in etcd
    let waited = 0;
    while (!sim.hosts.some((h) => h.name !== holder && h.addresses.bound.has(IP)) && waited < 10_000) {
      await sim.advance(100);
      waited += 100;
    }
    expect(waited).toBeLessThanOrEqual(7000);
  });

  it('a graceful stop hands over before unbinding (make-before-break)', async () => {
    const sim = await started(['h1', 'h2']);
    const [holder] = sim.holders(IP);
    const host = sim.hosts.find((h) => h.name === holder)!;
    const stopping = host.agent.shutdown({ hold: false, deadlineMs: 5000 });
    await sim.advance(200);
    await stopping;
    const successor = sim.hosts.find((h) => h !== host)!.name;
    expect(sim.holders(IP)).toEqual([successor]);
    expect(sim.journal.slice(-2)).toEqual([`${successor} add ${IP}`, `${holder} remove ${IP}`]);
  });

  it('a failing health check moves the VIP at once and recovers to STANDBY', async () => {
    const sim = await started(['h1', 'h2']);
    const [holder] = sim.holders(IP);
    const host = sim.hosts.find((h) => h.name === holder)!;
    host.probe.down.add('127.0.0.1:8080');
    await sim.advance(3500); // 3 failures at 1 s
    expect(host.agent.list()[0]?.status).toBe('FAILING');
    expect(sim.holders(IP)).toEqual(sim.hosts.filter((h) => h !== host).map((h) => h.name));
    host.probe.down.clear();
    await sim.advance(1500);
    expect(host.agent.list()[0]?.status).toBe('STANDBY');
  });

  it('a failing holder whose lock release fails retries it, so the VIP still moves', async () => {
    const sim = await started(['h1', 'h2']);
    const [holder] = sim.holders(IP);
    const host = sim.hosts.find((h) => h.name === holder)!;
    host.probe.down.add('127.0.0.1:8080');
    while (host.agent.list()[0]?.status !== 'FAILING') {
      // etcd stops answering this host just before the last failed check: the release fails.
      host.online = !(host.probe.probed.length >= 2);
      await sim.advance(50);
    }
    await sim.advance(1200);
    host.online = true;
    await sim.advance(1500);
    // Still FAILING, yet the other host holds the VIP: the lock was released on a retry.
    expect(host.agent.list()[0]?.status).toBe('FAILING');
    expect(sim.holders(IP)).toEqual(sim.hosts.filter((h) => h !== host).map((h) => h.name));
  });

  it('probes every configured check, not only the last', async () => {
    const sim = await started(['h1'], {
      checks: [
        { type: 'TCP', host: '127.0.0.1', port: 1 },
        { type: 'TCP', host: '127.0.0.1', port: 2 },
      ],
    });
    const host = sim.hosts[0]!;
    host.probe.down.add('127.0.0.1:1');
    await sim.advance(3500);
    expect(host.agent.list()[0]?.status).toBe('FAILING');
    expect(new Set(host.probe.probed)).toEqual(new Set(['127.0.0.1:1', '127.0.0.1:2']));
  });

  it('activate policy: an etcd outage keeps the VIP bound everywhere it was, then converges to one holder', async () => {
    const sim = await started(['h1', 'h2', 'h3']);
    sim.etcd.reachable = false;
    for (let t = 0; t < 10_000; t += 100) {
      await sim.advance(100);
      expect(sim.holders(IP).length).toBeGreaterThanOrEqual(1);
    }
    expect(sim.statuses().every((s) => s === 'ACTIVATED')).toBe(true);
    sim.etcd.reachable = true;
    await sim.advance(7000);
    expect(sim.holders(IP)).toHaveLength(1);
  });

  it('release policy: the holder unbinds before its local lease deadline when etcd is away', async () => {
    const sim = await started(['h1', 'h2'], { faultPolicy: 'release' });
    const [holder] = sim.holders(IP);
    const host = sim.hosts.find((h) => h.name === holder)!;
    const deadline = host.agent.lease().deadline!;
    host.online = false;
    let unboundAt = 0;
    while (host.addresses.bound.has(IP)) {
      await sim.advance(50);
      unboundAt = sim.clock.now();
    }
    expect(unboundAt).toBeLessThan(deadline);
    // The other host can only take over once etcd expired the lease: no overlap.
    await sim.advance(8000);
    expect(sim.holders(IP)).toEqual(sim.hosts.filter((h) => h !== host).map((h) => h.name));
  });

  it('hold policy: a standby keeps its state during an etcd outage', async () => {
    const sim = await started(['h1', 'h2'], { faultPolicy: 'hold' });
    sim.etcd.reachable = false;
    await sim.advance(10_000);
    expect(sim.holders(IP)).toHaveLength(1);
    expect(sim.statuses().sort()).toEqual(['ACTIVATED', 'STANDBY']);
  });

  it('an operator failover moves the VIP and the old holder unbinds only after', async () => {
    const sim = await started(['h1', 'h2']);
    const [holder] = sim.holders(IP);
    const host = sim.hosts.find((h) => h.name === holder)!;
    const id = host.agent.list()[0]!.id;
    const done = host.agent.failover(id);
    await sim.advance(500);
    await done;
    const successor = sim.hosts.find((h) => h !== host)!.name;
    expect(sim.holders(IP)).toEqual([successor]);
    expect(sim.journal.slice(-2)).toEqual([`${successor} add ${IP}`, `${holder} remove ${IP}`]);
  });

  it('failover is refused on a standby and when no other host participates', async () => {
    const sim = await started(['h1', 'h2']);
    const standby = sim.hosts.find((h) => h.agent.list()[0]?.status === 'STANDBY')!;
    await expect(standby.agent.failover(standby.agent.list()[0]!.id)).rejects.toThrow(/does not hold/);
    const solo = await started(['h9']);
    const agent = solo.hosts[0]!.agent;
    await expect(agent.failover(agent.list()[0]!.id)).rejects.toThrow(/no other host/);
  });

  it('rejects a duplicate IP and keeps stored endpoints across a restart', async () => {
    const sim = await started(['h1']);
    const agent = sim.hosts[0]!.agent;
    await expect(agent.create(spec())).rejects.toThrow(/already configured/);
    const stored = [...(await sim.etcd.port().kv.list('/link/hosts/h1/')).values()];
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]!)).toMatchObject({ plugin: 'arp', plugin_config: { ip: IP } });
  });

  it('re-binds an address removed behind its back', async () => {
    const sim = await started(['h1']);
    const host = sim.hosts[0]!;
    host.addresses.bound.delete(IP);
    await sim.advance(2500);
    expect(host.addresses.bound.has(IP)).toBe(true);
  });
});

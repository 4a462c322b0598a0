import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../src/agent/agent-service.js';
import type { FakeAddresses } from '../fakes/fake-network.js';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { realCluster, waitUntil } from '../support/real-cluster.js';

const TTL_MS = 6000;
let etcd: EtcdServer;
let cluster: ReturnType<typeof realCluster> | undefined;
let n = 0;

beforeAll(async () => {
  etcd = await startEtcd();
});
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});
afterAll(async () => {
  await etcd?.destroy();
});

/** A cluster whose hostnames and VIP are unique to this test. */
async function setup(count: number, over: Partial<NewEndpoint> = {}) {
  n += 1;
  cluster = realCluster(etcd.url, `t${n}`);
  const ip = `10.0.${n}.10/32`;
  const spec: NewEndpoint = {
    ip,
    checks: [{ type: 'TCP', host: '127.0.0.1', port: 9 }],
    healthcheckInterval: 1,
    faultPolicy: 'activate',
    ...over,
  };
  for (let i = 1; i <= count; i++) {
    const host = await cluster.add(`h${i}`);
    await host.agent.create(spec);
  }
  const c = cluster;
  const statuses = () => c.hosts.map((h) => h.agent.list()[0]?.status);
  await waitUntil(() => c.holders(ip).length === 1 && statuses().includes('ACTIVATED'), 5000, 'a holder');
  return { cluster: c, ip, spec, statuses, holder: () => c.holders(ip)[0]! };
}

describe('election against a real etcd', () => {
  for (const count of [2, 3]) {
    it(`${count} agents contend and exactly one is ACTIVATED`, async () => {
      const { cluster, ip, statuses } = await setup(count);
      await new Promise((r) => setTimeout(r, 500));
      expect(statuses().filter((s) => s === 'ACTIVATED')).toHaveLength(1);
      expect(statuses().filter((s) => s === 'STANDBY')).toHaveLength(count - 1);
      expect(cluster.holders(ip)).toHaveLength(1);
    });
  }

  it('a holder lost without a revoke is replaced within TTL + 1 s', async () => {
    const { cluster, ip, holder } = await setup(2);
    const old = holder();
    const lastKeepalive = old.agent.lease().deadline! - TTL_MS;
    await cluster.crash(old);
    await waitUntil(
      () => cluster.hosts.some((h) => h.agent.list()[0]?.status === 'ACTIVATED'),
      TTL_MS + 3000,
    );
    const takeover = Date.now() - lastKeepalive;
    console.log(`takeover ${takeover} ms after the crashed holder's last keepalive`);
    expect(takeover).toBeLessThanOrEqual(TTL_MS + 1000);
    expect(cluster.hosts[0]!.addresses.bound.has(ip)).toBe(true);
  });

  it('a graceful stop lets another agent take over within 500 ms', async () => {
    const { cluster, ip, holder } = await setup(2);
    const old = holder();
    const other = cluster.hosts.find((h) => h !== old)!;
    const start = Date.now();
    const stopping = old.agent.shutdown({ hold: false, deadlineMs: 3000 });
    const elapsed = await waitUntil(() => other.agent.list()[0]?.status === 'ACTIVATED', 2000);
    await stopping;
    console.log(`graceful handover: ${elapsed} ms`);
    expect(elapsed).toBeLessThanOrEqual(500);
    expect(old.addresses.bound.has(ip)).toBe(false);
    expect(Date.now() - start).toBeLessThan(3000);
  });

  it('a failing health check moves the VIP at once', async () => {
    const { cluster, holder } = await setup(2);
    const old = holder();
    const other = cluster.hosts.find((h) => h !== old)!;
    old.probe.down.add('127.0.0.1:9');
    await waitUntil(() => old.agent.list()[0]?.status === 'FAILING', 6000, 'FAILING');
    const elapsed = await waitUntil(() => other.agent.list()[0]?.status === 'ACTIVATED', 2000);
    console.log(`health failover after FAILING: ${elapsed} ms`);
    expect(elapsed).toBeLessThanOrEqual(500);
  });

  it('etcd stopped for 10 s: the VIP stays bound throughout, then one holder remains within TTL + 1 s', async () => {
    const { cluster, ip } = await setup(3);
    await etcd.stop();
    const until = Date.now() + 10_000;
    let minHolders = Number.POSITIVE_INFINITY;
    while (Date.now() < until) {
      minHolders = Math.min(minHolders, cluster.holders(ip).length);
      await new Promise((r) => setTimeout(r, 50));
    }
    await etcd.start();
    const back = Date.now();
    const converged = await waitUntil(() => cluster.holders(ip).length === 1, TTL_MS + 3000, 'one holder');
    let minAfter = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 20; i++) {
      minAfter = Math.min(minAfter, cluster.holders(ip).length);
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`etcd outage: min holders ${minHolders}, one holder ${converged} ms after etcd returned`);
    expect(minHolders).toBeGreaterThanOrEqual(1);
    expect(minAfter).toBe(1);
    expect(Date.now() - back).toBeLessThan(TTL_MS + 1000 + 1500);
    expect(converged).toBeLessThanOrEqual(TTL_MS + 1000);
  });

  it('an agent restarted within the TTL keeps its VIP', async () => {
    const { cluster, ip, holder } = await setup(2);
    const old = holder();
    const name = old.name.split('-').pop()!;
    const addresses: FakeAddresses = old.addresses;
    await old.agent.shutdown({ hold: true, deadlineMs: 1000 });
    await old.etcd.close();
    cluster.hosts.splice(cluster.hosts.indexOf(old), 1);
    const restarted = await cluster.add(name, addresses);
    await waitUntil(() => restarted.agent.list()[0]?.status === 'ACTIVATED', 3000, 'restored ACTIVATED');
    expect(restarted.agent.list()).toHaveLength(1);
    expect(cluster.journal.filter((line) => line.includes('remove'))).toEqual([]);
    expect(cluster.holders(ip).map((h) => h.name)).toEqual([restarted.name]);
  });
});

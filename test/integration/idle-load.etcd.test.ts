import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { realCluster, waitUntil } from '../support/real-cluster.js';

let etcd: EtcdServer;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.destroy();
});

/** etcd calls made by 3 agents carrying `vips` VIPs each, over `windowMs` of idle time. */
async function idleCalls(prefix: string, vips: number, windowMs: number) {
  const cluster = realCluster(etcd.url, prefix, { publishStatus: true });
  try {
    for (const name of ['a', 'b', 'c']) {
      const host = await cluster.add(name);
      for (let i = 0; i < vips; i++) {
        await host.agent.create({
          ip: `10.${vips % 250}.${Math.floor(i / 250)}.${(i % 250) + 1}/32`,
          checks: [],
          healthcheckInterval: 0,
          faultPolicy: 'activate',
        });
      }
    }
    const settled = () =>
      cluster.hosts.every((h) =>
        h.agent.list().every((v) => v.status === 'ACTIVATED' || v.status === 'STANDBY'),
      );
    await waitUntil(settled, 20_000, 'all VIPs settled');
    await new Promise((r) => setTimeout(r, 1000));
    const snapshot = () => cluster.hosts.map((h) => new Map(h.etcd.calls));
    const before = snapshot();
    await new Promise((r) => setTimeout(r, windowMs));
    const after = snapshot();
    const total = new Map<string, number>();
    after.forEach((calls, i) => {
      for (const [kind, count] of calls)
        total.set(kind, (total.get(kind) ?? 0) + count - (before[i]?.get(kind) ?? 0));
    });
    const holders = new Set(cluster.hosts.flatMap((h) => [...h.addresses.bound]));
    return { total: Object.fromEntries([...total].filter(([, c]) => c > 0)), holders: holders.size };
  } finally {
    await cluster.close();
  }
}

describe('idle etcd load', () => {
  it('does not grow with the number of VIPs: one keepalive per agent per interval, no polling', async () => {
    const windowMs = 9000;
    const small = await idleCalls('idle20', 20, windowMs);
    const large = await idleCalls('idle200', 200, windowMs);
    const perSecond = (calls: Record<string, number>) =>
      (Object.values(calls).reduce((a, b) => a + b, 0) / (windowMs / 1000)).toFixed(2);
    console.log(
      `idle etcd calls over ${windowMs / 1000} s, 3 agents: 20 VIPs/agent ${JSON.stringify(small.total)} (${perSecond(small.total)}/s); 200 VIPs/agent ${JSON.stringify(large.total)} (${perSecond(large.total)}/s)`,
    );
    expect(large.holders).toBe(200);
    // Only keepalives while idle, whatever the number of VIPs: 3 agents x one every 3 s.
    for (const { total } of [small, large]) {
      expect(Object.keys(total)).toEqual(['lease_keepalive']);
      expect(total.lease_keepalive).toBeGreaterThanOrEqual(6);
      expect(total.lease_keepalive).toBeLessThanOrEqual(12);
    }
  }, 120_000);
});

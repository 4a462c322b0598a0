import { describe, expect, it } from 'vitest';
import { simCluster } from '../../support/sim-cluster.js';

const IP = '10.0.0.10/32';

describe('published cluster view', () => {
  it('a standby that stays STANDBY republishes the new holder after a failover elsewhere', async () => {
    const sim = simCluster(['h1', 'h2', 'h3']);
    for (const host of sim.hosts) await host.agent.start();
    for (const host of sim.hosts)
      await host.agent.create({ ip: IP, checks: [], healthcheckInterval: 1, faultPolicy: 'activate' });
    await sim.advance(500);
    const [holder] = sim.holders(IP);
    const leaving = sim.hosts.find((h) => h.name === holder)!;
    const stopping = leaving.agent.shutdown({ hold: false, deadlineMs: 5000 });
    await sim.advance(500);
    await stopping;
    const [successor] = sim.holders(IP);
    expect(successor).toBeDefined();
    expect(successor).not.toBe(holder);
    const bystander = sim.hosts.find((h) => h.name !== holder && h.name !== successor)!;
    expect(bystander.agent.list()[0]?.status).toBe('STANDBY');
    expect(bystander.agent.list()[0]?.holder).toBe(successor);

    const observer = sim.hosts.find((h) => h.name === successor)!;
    const cluster = await observer.agent.cluster();
    expect(cluster.find((peer) => peer.hostname === bystander.name)).toMatchObject({
      status: 'STANDBY',
      holder: successor,
    });
  });
});

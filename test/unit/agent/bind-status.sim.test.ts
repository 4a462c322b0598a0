import { describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../../src/agent/agent-service.js';
import { simCluster } from '../../support/sim-cluster.js';

const IP = '10.0.0.10/32';
const spec: NewEndpoint = { ip: IP, checks: [], healthcheckInterval: 0, faultPolicy: 'activate' };

describe('an ACTIVATED VIP whose bind fails', () => {
  it('shows bound: false until the address is on the interface', async () => {
    const sim = simCluster(['h1']);
    const host = sim.hosts[0]!;
    host.addresses.failNext = 2;
    await host.agent.start();
    const { id } = await host.agent.create(spec);
    await sim.advance(1500);
    expect(host.addresses.bound.has(IP)).toBe(false);
    expect(host.agent.get(id)).toMatchObject({ status: 'ACTIVATED', bound: false });
    await sim.advance(5000);
    expect(host.addresses.bound.has(IP)).toBe(true);
    expect(host.agent.get(id)).toMatchObject({ status: 'ACTIVATED', bound: true });
  });

  it('shows bound: false when the address vanished and binding it again fails, until it is back', async () => {
    const sim = simCluster(['h1']);
    const host = sim.hosts[0]!;
    await host.agent.start();
    const { id } = await host.agent.create(spec);
    await sim.advance(1500);
    expect(host.agent.get(id)).toMatchObject({ status: 'ACTIVATED', bound: true });
    // Removed behind the agent's back, and the next binds fail (EPERM, say).
    host.addresses.bound.delete(IP);
    host.addresses.failNext = 2;
    // Noticed at the VIP's next check (its reconcile period, 1.5 to 2.5 s); each failed bind is
    // retried a second later, so bound: false lasts about 2 s.
    for (let waited = 0; waited < 3000 && host.agent.get(id)?.bound !== false; waited += 100) {
      await sim.advance(100);
    }
    expect(host.addresses.bound.has(IP)).toBe(false);
    expect(host.agent.get(id)).toMatchObject({ status: 'ACTIVATED', bound: false });
    await sim.advance(5000);
    expect(host.addresses.bound.has(IP)).toBe(true);
    expect(host.agent.get(id)).toMatchObject({ status: 'ACTIVATED', bound: true });
  });

  it('gives the lock up after 3 failed binds in a row, so a host that can bind takes over', async () => {
    const sim = simCluster(['h1', 'h2']);
    const [a, b] = sim.hosts as [(typeof sim.hosts)[0], (typeof sim.hosts)[0]];
    for (const host of [a, b]) await host.agent.start();
    a.addresses.failNext = 1000; // `ip` refuses every bind on h1 (EPERM, say)
    const { id } = await a.agent.create(spec);
    await sim.advance(500);
    await b.agent.create({ ...spec });
    await sim.advance(4000);
    expect(a.agent.get(id)).toMatchObject({ status: 'FAILING', bound: null });
    const gaveUp = a.agent.history(id).find((r) => r.to === 'FAILING');
    expect(gaveUp).toMatchObject({ from: 'ACTIVATED', event: 'bind.failed' });
    expect(gaveUp?.cause).toMatch(/Operation not permitted.*3 times in a row: lock released/);
    expect(sim.holders(IP)).toEqual(['h2']);
    expect(b.addresses.bound.has(IP)).toBe(true);
    // After the hold-off (a lease TTL) it stands by again, and stays there: h2 holds the lock.
    await sim.advance(8000);
    expect(a.agent.get(id)).toMatchObject({ status: 'STANDBY', holder: 'h2' });
    expect(a.addresses.bound.has(IP)).toBe(false);
  });

  it('after giving up binding, a failed health verdict meanwhile does not keep it FAILING once checks pass', async () => {
    const sim = simCluster(['h1', 'h2']);
    const [a, b] = sim.hosts as [(typeof sim.hosts)[0], (typeof sim.hosts)[0]];
    for (const host of [a, b]) await host.agent.start();
    const checked = {
      ...spec,
      checks: [{ type: 'TCP' as const, host: '127.0.0.1', port: 8080 }],
      healthcheckInterval: 1,
    };
    a.addresses.failNext = 1000;
    const { id } = await a.agent.create(checked);
    await sim.advance(500);
    await b.agent.create({ ...checked });
    await sim.advance(4000);
    expect(a.agent.get(id)).toMatchObject({ status: 'FAILING' });
    // The backend fails during the hold-off, and comes back after it.
    a.probe.down.add('127.0.0.1:8080');
    await sim.advance(8000);
    expect(a.agent.get(id)).toMatchObject({ status: 'FAILING' });
    a.probe.down.delete('127.0.0.1:8080');
    await sim.advance(3000);
    expect(a.agent.get(id)).toMatchObject({ status: 'STANDBY', holder: 'h2' });
  });

  it('shows bound: null in other statuses', async () => {
    const sim = simCluster(['h1', 'h2']);
    const [a, b] = sim.hosts;
    for (const host of [a!, b!]) await host.agent.start();
    const { id } = await a!.agent.create(spec);
    await sim.advance(500);
    await b!.agent.create({ ...spec });
    await sim.advance(1500);
    expect(a!.agent.get(id)).toMatchObject({ status: 'ACTIVATED', bound: true });
    expect(b!.agent.list()[0]).toMatchObject({ status: 'STANDBY', bound: null });
  });
});

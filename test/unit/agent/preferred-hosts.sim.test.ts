import { describe, expect, it } from 'vitest';
import type { AgentSettings } from '../../../src/agent/agent-settings.js';
import { outranks } from '../../../src/model/placement.js';
import { type SimHost, simCluster } from '../../support/sim-cluster.js';
import { neighbourOn } from '../../support/sim-neighbour.js';

const IP = '10.0.0.10/32';
const CHECK = { type: 'TCP' as const, host: '127.0.0.1', port: 8080 };
const BACKEND = '127.0.0.1:8080';
const PREEMPT_MS = 10_000;

/** h1 preferred; its backend down at first, so h2 takes the VIP. */
async function preferredDown(settings: Partial<AgentSettings> = {}) {
  const sim = simCluster(['h1', 'h2', 'h3'], {
    healthIntervalMs: 1000,
    healthFall: 1,
    preemptDelayMs: PREEMPT_MS,
    ...settings,
  });
  const wire = neighbourOn(sim, IP, 20);
  const [h1, h2, h3] = sim.hosts as [SimHost, SimHost, SimHost];
  h1.probe.down.add(BACKEND);
  h3.probe.down.add(BACKEND);
  for (const host of sim.hosts) await host.agent.start();
  // h2 first, so it wins the first election.
  for (const host of [h2, h1, h3])
    await host.agent.create({
      ip: IP,
      checks: [CHECK],
      healthcheckInterval: 0,
      faultPolicy: 'activate',
      preferredHosts: ['h1'],
    });
  await wire.step(3000);
  expect(sim.holders(IP)).toEqual(['h2']);
  return { sim, h1, h2, h3, ...wire };
}

/** How many times the VIP changed hands, from the bind/unbind journal. */
function moves(journal: string[]): number {
  return journal.filter((line) => line.endsWith(`add ${IP}`)).length - 1;
}

describe('preferred hosts', () => {
  it('a preferred host takes its VIP back after the stable period, make-before-break', async () => {
    const { sim, h1, h2, neighbour, dangling, step } = await preferredDown();
    expect(h1.agent.list()[0]?.preferred_hosts).toEqual(['h1']);
    h1.probe.down.delete(BACKEND);
    await step(PREEMPT_MS - 1000);
    expect(sim.holders(IP)).toEqual(['h2']);
    await step(3000);

    expect(sim.holders(IP)).toEqual(['h1']);
    expect(h1.agent.list()[0]?.status).toBe('ACTIVATED');
    expect(h2.agent.list()[0]?.status).toBe('STANDBY');
    expect(neighbour.mac).toBe(h1.announcer.mac);
    expect(dangling).toEqual([]);
    expect(sim.journal.slice(-2)).toEqual([`h1 add ${IP}`, `h2 remove ${IP}`]);
    expect(moves(sim.journal)).toBe(1);
  });

  it('never moves while the preferred host flaps, and once after it settles', async () => {
    const { sim, h1, dangling, step } = await preferredDown();
    // Up 4 s, down 2 s, for 30 s: never stable for the 10 s the preemption waits.
    for (let t = 0; t < 30_000; t += 6000) {
      h1.probe.down.delete(BACKEND);
      await step(4000);
      h1.probe.down.add(BACKEND);
      await step(2000);
    }
    expect(sim.holders(IP)).toEqual(['h2']);
    expect(moves(sim.journal)).toBe(0);

    h1.probe.down.delete(BACKEND);
    await step(PREEMPT_MS + 3000);
    expect(sim.holders(IP)).toEqual(['h1']);
    expect(moves(sim.journal)).toBe(1);
    expect(dangling).toEqual([]);
  });

  it('another standby leaves the free lock to the claimant', async () => {
    const { sim, h1, h3, step } = await preferredDown();
    h3.probe.down.delete(BACKEND);
    await step(3000);
    expect(h3.agent.list()[0]?.status).toBe('STANDBY');
    h1.probe.down.delete(BACKEND);
    await step(PREEMPT_MS + 3000);
    expect(sim.holders(IP)).toEqual(['h1']);
    expect(sim.journal.filter((l) => l.startsWith('h3 add'))).toEqual([]);
  });

  it('with spread placement, the host ranked first by rendezvous hashing ends up holding the VIP', async () => {
    const sim = simCluster(['h1', 'h2', 'h3'], { preemptDelayMs: PREEMPT_MS, spread: true });
    for (const host of sim.hosts) await host.agent.start();
    const ips = Array.from({ length: 12 }, (_, i) => `10.0.1.${i + 1}/32`);
    for (const ip of ips)
      for (const host of sim.hosts)
        await host.agent.create({ ip, checks: [], healthcheckInterval: 0, faultPolicy: 'activate' });
    // The first winner is whoever asked first; a better host claims after the stable period, and
    // the best one, if it lost that claim to the second best, after one more.
    await sim.advance(2 * PREEMPT_MS + 5000);
    for (const ip of ips) {
      const key = ip.replace('/', '_');
      const best = sim.hosts
        .map((h) => h.name)
        .reduce((a, b) => (outranks({ preferredHosts: [], spread: true }, key, b, a) ? b : a));
      expect(sim.holders(ip), ip).toEqual([best]);
    }
    const perHost = sim.hosts.map((h) => ips.filter((ip) => sim.holders(ip)[0] === h.name).length);
    expect(Math.min(...perHost)).toBeGreaterThan(0);
  });
});

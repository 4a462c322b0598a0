import { describe, expect, it } from 'vitest';
import { type SimHost, simCluster, vipSpec } from '../../support/sim-cluster.js';
import { neighbourOn } from '../../support/sim-neighbour.js';

const IP = '10.0.0.10/32';

async function twoHosts() {
  const sim = simCluster(['h1', 'h2']);
  const { neighbour, dangling, step } = neighbourOn(sim, IP, 10);
  await sim.startWith(vipSpec(IP), 4500);
  const { holder, others } = sim.roles();
  const successor = others[0] as SimHost;
  return { sim, holder, successor, neighbour, dangling, step };
}

describe('graceful stop: make-before-break on the wire', () => {
  it('keeps the VIP until the successor has bound and announced it, even when binding is slow', async () => {
    const { sim, holder, successor, neighbour, dangling, step } = await twoHosts();
    expect(neighbour.mac).toBe(holder.announcer.mac);
    // The successor's `ip addr` takes half a second (a loaded machine).
    const add = successor.addresses.add.bind(successor.addresses);
    successor.addresses.add = async (cidr) => {
      await new Promise((resolve) => sim.clock.setTimeout(resolve, 500));
      await add(cidr);
    };

    const stopping = holder.agent.shutdown({ hold: false, deadlineMs: 5000 });
    await step(1000);
    await stopping;

    expect(dangling).toEqual([]);
    expect(neighbour.mac).toBe(successor.announcer.mac);
    expect(sim.holders(IP)).toEqual([successor.name]);
    expect(sim.journal.slice(-2)).toEqual([`${successor.name} add ${IP}`, `${holder.name} remove ${IP}`]);
  });

  it('unbinds after the handover timeout when no announcement from the successor arrives', async () => {
    const { sim, holder, successor, step } = await twoHosts();
    successor.announcer.muted = true;
    const stoppedAt = sim.clock.now();
    const stopping = holder.agent.shutdown({ hold: false, deadlineMs: 5000 });
    let removedAt = 0;
    while (holder.addresses.bound.has(IP)) {
      await step(10);
      removedAt = sim.clock.now();
    }
    await stopping;
    expect(removedAt - stoppedAt).toBeGreaterThanOrEqual(1900);
    expect(removedAt - stoppedAt).toBeLessThanOrEqual(2100);
    expect(sim.holders(IP)).toEqual([successor.name]);
  });
});

describe('operator failover: make-before-break on the wire', () => {
  it('the old holder keeps the VIP until the successor has bound and announced it', async () => {
    const { sim, holder, successor, neighbour, dangling, step } = await twoHosts();
    const add = successor.addresses.add.bind(successor.addresses);
    successor.addresses.add = async (cidr) => {
      await new Promise((resolve) => sim.clock.setTimeout(resolve, 500));
      await add(cidr);
    };

    const moving = holder.agent.failover(holder.agent.list()[0]!.id);
    await step(1500);
    await moving;

    expect(dangling).toEqual([]);
    expect(neighbour.mac).toBe(successor.announcer.mac);
    expect(sim.holders(IP)).toEqual([successor.name]);
    expect(holder.agent.list()[0]?.status).toBe('STANDBY');
    expect(sim.journal.slice(-2)).toEqual([`${successor.name} add ${IP}`, `${holder.name} remove ${IP}`]);
  });
});

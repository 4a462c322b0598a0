import { describe, expect, it } from 'vitest';
import { type SimHost, simCluster, vipSpec } from '../../support/sim-cluster.js';
import { neighbourOn } from '../../support/sim-neighbour.js';

const IP = '10.0.0.10/32';

/**
 * Two hosts with the `activate` policy, one holding the VIP, and a neighbour on the segment
 * (see neighbourOn).
 */
async function holderAndStandby() {
  const sim = simCluster(['h1', 'h2'], { keepaliveIntervalMs: 1000, faultAfter: 1 });
  const { neighbour, step, dangling } = neighbourOn(sim, IP);
  await sim.startWith(vipSpec(IP), 4500);
  const { holder, others } = sim.roles();
  const other = others[0] as SimHost;
  return { sim, holder, other, neighbour, step, dangling };
}

/**
 * After an etcd outage under the `activate` policy, every host may have bound and announced the
 * VIP. Whichever host learns first that another holds the lock must not drop the address while
 * neighbours still follow its own announcement: the holder re-announces only once its own
 * keepalive sees etcd again, which can be seconds later.
 */
describe('handing the VIP back after an etcd outage (activate policy)', () => {
  it('a host demoted after the fault keeps the VIP until the holder has announced it again', async () => {
    const { sim, holder, other, neighbour, step, dangling } = await holderAndStandby();

    // etcd goes away: the standby binds and announces the VIP too, and the neighbour follows it
    // (the holder's defence is lost on the wire; heard, it would make the standby go quiet).
    holder.announcer.muted = true;
    sim.etcd.reachable = false;
    await step(2500);
    expect(sim.holders(IP).sort()).toEqual(['h1', 'h2']);
    expect(neighbour.mac).toBe(other.announcer.mac);

    // etcd is back, but the holder's keepalive notices only two seconds after the other host's.
    holder.online = false;
    holder.announcer.muted = false;
    sim.etcd.reachable = true;
    await step(1000);
    expect(other.agent.list()[0]?.status).toBe('STANDBY');
    const announcedBefore = holder.announcer.sent.length;
    await step(1000);
    expect(other.addresses.bound.has(IP)).toBe(true);
    holder.online = true;
    await step(3000);

    expect(holder.announcer.sent.length).toBeGreaterThan(announcedBefore);
    expect(sim.holders(IP)).toEqual([holder.name]);
    expect(neighbour.mac).toBe(holder.announcer.mac);
    expect(dangling).toEqual([]);
  });

  it('without an announcement from the holder, it unbinds after one lease TTL', async () => {
    const { sim, holder, other } = await holderAndStandby();
    // The holder's frames no longer reach the other host, which learns of etcd's return first.
    holder.announcer.muted = true;
    sim.etcd.reachable = false;
    await sim.advance(2500);
    sim.etcd.reachable = true;
    await sim.advance(1000);
    expect(other.agent.list()[0]?.status).toBe('STANDBY');
    const demotedAt = sim.clock.now();
    while (other.addresses.bound.has(IP)) await sim.advance(50);
    const keptMs = sim.clock.now() - demotedAt;
    expect(keptMs).toBeGreaterThan(4000);
    expect(keptMs).toBeLessThanOrEqual(6000 + 100);
  });
});

describe('a partitioned standby rejoining while bound by the fault policy', () => {
  it('gives way to the holder on the wire and unbinds at once, leaving no neighbour on a dropped address', async () => {
    const { sim, holder, other: cutOff, neighbour, step, dangling } = await holderAndStandby();
    expect(neighbour.mac).toBe(holder.announcer.mac);

    // Cut off from etcd and from the segment: the fault policy binds the VIP there too.
    cutOff.online = false;
    cutOff.announcer.muted = true;
    cutOff.announcer.deaf = true;
    await step(1500);
    expect(cutOff.agent.list()[0]?.status).toBe('ACTIVATED');
    expect(cutOff.addresses.bound.has(IP)).toBe(true);

    // Back on the segment while its announcement burst is still going, then on etcd: the two
    // hosts hear each other's claims before it learns who holds the lock.
    cutOff.announcer.muted = false;
    cutOff.announcer.deaf = false;
    await step(1000);
    cutOff.online = true;
    const back = sim.clock.now();
    while (cutOff.addresses.bound.has(IP)) await step(50);
    // It knew the holder had spoken last: no wait for an announcement that would never come.
    expect(sim.clock.now() - back).toBeLessThan(2000);
    await step(2000);

    expect(sim.holders(IP)).toEqual([holder.name]);
    expect(cutOff.agent.list()[0]?.status).toBe('STANDBY');
    expect(neighbour.mac).toBe(holder.announcer.mac);
    expect(dangling).toEqual([]);
  });

  it('cut off long enough that neither heard the other: the holder announces at its request, then it unbinds', async () => {
    const { sim, holder, other: cutOff, neighbour, step, dangling } = await holderAndStandby();
    cutOff.online = false;
    cutOff.announcer.muted = true;
    cutOff.announcer.deaf = true;
    await step(6000);
    expect(cutOff.addresses.bound.has(IP)).toBe(true);
    // Back on the segment after its announcement burst, and on etcd: it learns who holds the lock
    // but spoke last as far as it knows, so it keeps the VIP until the holder announces it.
    cutOff.announcer.muted = false;
    cutOff.announcer.deaf = false;
    cutOff.online = true;
    const back = sim.clock.now();
    while (cutOff.addresses.bound.has(IP)) await step(50);
    // Asked through etcd, the holder announced at once: no wait of a lease TTL.
    expect(sim.clock.now() - back).toBeLessThan(2000);
    expect(sim.holders(IP)).toEqual([holder.name]);
    expect(neighbour.mac).toBe(holder.announcer.mac);
    expect(dangling).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { BoundVips } from '../../../src/actors/address-reconciler.js';
import { createHolderActor } from '../../../src/actors/holder.actor.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeAddresses, FakeAnnouncer } from '../../fakes/fake-network.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';

const IP = '10.0.0.10/32';
/** One announcement round, no periodic refresh, RFC 5227's defence interval. */
const ONE_ROUND = { arpCount: 1, arpIntervalMs: 1000, arpRefreshMs: 0, conflictHoldoffMs: 10_000 };

function holderOn(defend: boolean, lease = { inForce: true }) {
  const clock = simulatedClock();
  const segment = new Set<FakeAnnouncer>();
  const announcer = new FakeAnnouncer('02:00:00:00:00:01', segment);
  const rival = new FakeAnnouncer('02:00:00:00:00:02', segment);
  const heard: string[] = [];
  new FakeAnnouncer('02:00:00:00:00:99', segment).watchConflicts(IP, ({ mac }) => heard.push(mac));
  const logic = createHolderActor({
    address: new FakeAddresses(),
    announcer,
    clock,
    logger: silentLogger,
    ...ONE_ROUND,
    leaseInForce: () => lease.inForce,
  });
  const actor = createActor(logic, { input: { ip: IP, defend } }).start();
  return { clock, announcer, rival, heard, actor };
}

describe('holder actor: answering other stations', () => {
  it('with the lock, answers a claim at once and a claim inside the holdoff when it ends', async () => {
    const { clock, announcer, rival, heard } = holderOn(true);
    await advance(clock, 100);
    expect(announcer.sent).toHaveLength(1);
    await rival.announce(IP);
    await advance(clock, 100);
    expect(announcer.sent).toHaveLength(2);
    await advance(clock, 2000);
    await rival.announce(IP);
    await rival.announce(IP);
    await advance(clock, 5000);
    expect(announcer.sent).toHaveLength(2);
    await advance(clock, 3000);
    // One answer for both claims, ten seconds after the first defence: the holder speaks last.
    expect(announcer.sent).toHaveLength(3);
    expect(heard.at(-1)).toBe(announcer.mac);
  });

  it('without the lock, goes quiet on a claim until told to announce again', async () => {
    const { clock, announcer, rival, heard, actor } = holderOn(false);
    await advance(clock, 100);
    await rival.announce(IP);
    await advance(clock, 15_000);
    expect(announcer.sent).toHaveLength(1);
    expect(heard.at(-1)).toBe(rival.mac);
    actor.send({ type: 'reannounce' });
    await advance(clock, 100);
    expect(heard.at(-1)).toBe(announcer.mac);
    await rival.announce(IP);
    await advance(clock, 100);
    // Told the lock is ours: it defends again.
    expect(heard.at(-1)).toBe(announcer.mac);
  });

  it('with the lock but its host lease past the local deadline (a pause), neither defends nor announces', async () => {
    const lease = { inForce: true };
    const { clock, announcer, rival, heard, actor } = holderOn(true, lease);
    await advance(clock, 100);
    expect(announcer.sent).toHaveLength(1);
    // Resumed after a pause longer than the TTL: a claim heard meanwhile is stale, the lock may be
    // another host's.
    lease.inForce = false;
    await rival.announce(IP);
    await advance(clock, 15_000);
    expect(announcer.sent).toHaveLength(1);
    expect(heard.at(-1)).toBe(rival.mac);
    // Renewed, and the election says the lock is still ours.
    lease.inForce = true;
    actor.send({ type: 'reannounce' });
    await advance(clock, 100);
    expect(heard.at(-1)).toBe(announcer.mac);
  });

  it('bound by the fault policy (no lock), announces whatever the lease', async () => {
    const { clock, announcer } = holderOn(false, { inForce: false });
    await advance(clock, 100);
    expect(announcer.sent).toHaveLength(1);
  });
});

describe('holder actor: a check in flight when it stops', () => {
  it('does not bind the VIP again after leaving ACTIVATED (the next state unbound it)', async () => {
    const clock = simulatedClock();
    const addresses = new FakeAddresses();
    const bound = new BoundVips();
    // The interface read answers late, as the shared read of a loaded host does.
    let answer: (bound: boolean) => void = () => {};
    const logic = createHolderActor({
      address: {
        has: () => new Promise<boolean>((resolve) => (answer = resolve)),
        add: (cidr) => addresses.add(cidr),
        remove: (cidr) => addresses.remove(cidr),
      },
      announcer: new FakeAnnouncer('02:00:00:00:00:01', new Set()),
      clock,
      logger: silentLogger,
      ...ONE_ROUND,
      leaseInForce: () => true,
      bound,
    });
    const actor = createActor(logic, { input: { ip: IP, defend: true } }).start();
    await advance(clock, 100);
    expect(addresses.bound.has(IP)).toBe(true);
    void bound.checkAll();
    // Demoted meanwhile: the holder stops and STANDBY unbinds the VIP...
    actor.stop();
    await addresses.remove(IP);
    // ...then the read taken after the unbind answers.
    answer(false);
    await advance(clock, 100);
    expect(addresses.bound.has(IP)).toBe(false);
  });
});

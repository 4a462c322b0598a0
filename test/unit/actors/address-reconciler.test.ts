import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { BoundVips, createAddressReconcilerActor } from '../../../src/actors/address-reconciler.js';
import { createHolderActor } from '../../../src/actors/holder.actor.js';
import type { VipEvent } from '../../../src/machines/vip.events.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeAddresses, FakeAnnouncer } from '../../fakes/fake-network.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';

const ONE_ROUND = { arpCount: 1, arpIntervalMs: 1000, arpRefreshMs: 0, conflictHoldoffMs: 10_000 };

/** A holder actor reporting to `events`, tracked by `bound` once its bind completed. */
function holder(ip: string, addresses: FakeAddresses, bound: BoundVips, events: VipEvent[]) {
  const clock = simulatedClock();
  const logic = createHolderActor({
    address: addresses,
    announcer: new FakeAnnouncer('02:00:00:00:00:01', new Set()),
    clock,
    logger: silentLogger,
    ...ONE_ROUND,
    leaseInForce: () => true,
    bound,
  });
  const parent = setup({ actors: { holder: logic } }).createMachine({
    initial: 'holding',
    states: {
      holding: { invoke: { src: 'holder', input: { ip, defend: true } }, on: { leave: 'left' } },
      left: {},
    },
    on: { '*': { actions: ({ event }) => events.push(event as VipEvent) } },
  });
  const actor = createActor(parent, { clock }).start();
  return { actor, clock };
}

describe('host-wide address reconcile', () => {
  it('tracks a VIP once bound, re-binds it when it vanished, and says so to its statechart', async () => {
    const addresses = new FakeAddresses();
    const bound = new BoundVips();
    const events: VipEvent[] = [];
    const { clock } = holder('10.0.0.10/32', addresses, bound, events);
    await advance(clock, 10);
    expect(bound.size).toBe(1);

    await addresses.remove('10.0.0.10/32');
    await bound.checkAll();

    expect(addresses.bound.has('10.0.0.10/32')).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['net.bound', 'net.error']);
  });

  it('leaves a VIP whose address is still there alone', async () => {
    const addresses = new FakeAddresses();
    const bound = new BoundVips();
    const events: VipEvent[] = [];
    const { clock } = holder('10.0.0.11/32', addresses, bound, events);
    await advance(clock, 10);
    await bound.checkAll();
    expect(events.map((e) => e.type)).toEqual(['net.bound']);
  });

  it('stops tracking a VIP when its holder stops (the next state owns the address)', async () => {
    const addresses = new FakeAddresses();
    const bound = new BoundVips();
    const { actor, clock } = holder('10.0.0.12/32', addresses, bound, []);
    await advance(clock, 10);
    actor.send({ type: 'leave' });
    expect(bound.size).toBe(0);
  });

  it('runs one round at a time: a reconcile due while the last round reads is skipped', async () => {
    const bound = new BoundVips();
    let started = 0;
    let finish: () => void = () => {};
    bound.track(() => {
      started++;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    const actor = createActor(createAddressReconcilerActor(bound, silentLogger)).start();
    actor.send({ type: 'reconcile' });
    actor.send({ type: 'reconcile' });
    expect(started).toBe(1);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    actor.send({ type: 'reconcile' });
    expect(started).toBe(2);
  });
});

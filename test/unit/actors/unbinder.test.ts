import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { createUnbinderActor } from '../../../src/actors/unbinder.actor.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeAddresses, FakeAnnouncer } from '../../fakes/fake-network.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';

const IP = '10.0.0.10/32';

function unbinder(addresses: FakeAddresses, awaitHolder = false) {
  const clock = simulatedClock();
  const announcer = new FakeAnnouncer();
  const asked: string[] = [];
  const logic = createUnbinderActor({
    address: addresses,
    announcer,
    spokeLast: () => true,
    askHolder: (ip) => asked.push(ip),
    clock,
    logger: silentLogger,
    retryMs: 1000,
  });
  return { clock, announcer, asked, actor: createActor(logic, { input: { ip: IP, awaitHolder } }) };
}

async function boundAddresses() {
  const addresses = new FakeAddresses();
  await addresses.add(IP);
  return addresses;
}

describe('unbinder actor', () => {
  it('removes a bound VIP', async () => {
    const addresses = new FakeAddresses();
    await addresses.add(IP);
    const { clock, actor } = unbinder(addresses);
    actor.start();
    await advance(clock, 100);
    expect(addresses.bound.has(IP)).toBe(false);
  });

  it('stopped while reading the interface, leaves alone what the next state bound', async () => {
    const addresses = new FakeAddresses();
    const { clock, actor } = unbinder(addresses);
    // The read is slow (a loaded machine), and answers after the holder has bound the VIP again.
    let answer: ((bound: boolean) => void) | undefined;
    addresses.has = () =>
      new Promise<boolean>((resolve) => {
        answer = resolve;
      });
    actor.start();
    await advance(clock, 10);
    actor.stop();
    await addresses.add(IP);
    answer?.(true);
    await advance(clock, 100);
    expect(addresses.bound.has(IP)).toBe(true);
  });

  describe('demoted after a fault (awaitHolder), neighbours last told the VIP is here', () => {
    it('keeps the VIP, whatever the time, until the holder announces it', async () => {
      const addresses = await boundAddresses();
      const { clock, announcer, asked, actor } = unbinder(addresses, true);
      actor.start();
      await advance(clock, 60_000);
      expect(addresses.bound.has(IP)).toBe(true);
      expect(asked).toEqual([IP]);
      announcer.claim(IP, '02:00:00:00:00:02');
      await advance(clock, 100);
      expect(addresses.bound.has(IP)).toBe(false);
    });

    it("unbinds on the statechart's `unbind` (awaitHolderTimeout) without an announcement", async () => {
      const addresses = await boundAddresses();
      const { clock, actor } = unbinder(addresses, true);
      actor.start();
      await advance(clock, 100);
      expect(addresses.bound.has(IP)).toBe(true);
      actor.send({ type: 'unbind' });
      await advance(clock, 100);
      expect(addresses.bound.has(IP)).toBe(false);
    });

    it('an `unbind` that comes before the wait began ends it at once', async () => {
      const addresses = await boundAddresses();
      const { clock, actor } = unbinder(addresses, true);
      // The interface read answers late (a loaded host), after the statechart's timeout.
      const has = addresses.has.bind(addresses);
      let answer: (() => void) | undefined;
      addresses.has = (ip: string) =>
        new Promise<boolean>((resolve) => {
          answer = () => void has(ip).then(resolve);
        });
      actor.start();
      actor.send({ type: 'unbind' });
      addresses.has = has;
      answer?.();
      await advance(clock, 100);
      expect(addresses.bound.has(IP)).toBe(false);
    });
  });

  it("not waiting for the holder, ignores the statechart's `unbind`", async () => {
    const addresses = new FakeAddresses();
    const { clock, actor } = unbinder(addresses);
    actor.start();
    await advance(clock, 100);
    await addresses.add(IP); // bound again by the next state's holder, say
    actor.send({ type: 'unbind' });
    await advance(clock, 100);
    expect(addresses.bound.has(IP)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { createUnbinderActor } from '../../../src/actors/unbinder.actor.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeAddresses, FakeAnnouncer } from '../../fakes/fake-network.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';

const IP = '10.0.0.10/32';

function unbinder(addresses: FakeAddresses) {
  const clock = simulatedClock();
  const logic = createUnbinderActor({
    address: addresses,
    announcer: new FakeAnnouncer(),
    spokeLast: () => false,
    awaitHolderMs: 6000,
    clock,
    logger: silentLogger,
    retryMs: 1000,
  });
  return { clock, actor: createActor(logic, { input: { ip: IP, awaitHolder: false } }) };
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
});

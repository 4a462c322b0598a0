import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { createUnbinderActor } from '../../../src/actors/unbinder.actor.js';
import type { VipEvent } from '../../../src/machines/vip.events.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeAddresses, FakeAnnouncer } from '../../fakes/fake-network.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';

const IP = '10.0.0.10/32';

/** The unbinder under a parent that notes what it reports, as the VIP statechart runs it. */
function unbinder(addresses: FakeAddresses, { awaitHolder = false, spokeLast = true } = {}) {
  const clock = simulatedClock();
  const announcer = new FakeAnnouncer();
  const asked: string[] = [];
  const reports: VipEvent[] = [];
  const logic = createUnbinderActor({
    address: addresses,
    announcer,
    spokeLast: () => spokeLast,
    askHolder: (ip) => asked.push(ip),
    clock,
    logger: silentLogger,
    retryMs: 1000,
  });
  const parent = setup({ actors: { unbinder: logic } }).createMachine({
    invoke: { src: 'unbinder', input: { ip: IP, awaitHolder } },
    on: { '*': { actions: ({ event }) => reports.push(event as VipEvent) } },
  });
  return { clock, announcer, asked, reports, actor: createActor(parent, { clock }) };
}

async function boundAddresses() {
  const addresses = new FakeAddresses();
  await addresses.add(IP);
  return addresses;
}

describe('unbinder actor', () => {
  it('removes a bound VIP', async () => {
    const addresses = await boundAddresses();
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

  describe('handing back after a fault (awaitHolder)', () => {
    it('keeps the VIP, whatever the time, and reports once the holder has announced it', async () => {
      const addresses = await boundAddresses();
      const { clock, announcer, asked, reports, actor } = unbinder(addresses, { awaitHolder: true });
      actor.start();
      await advance(clock, 60_000);
      expect(addresses.bound.has(IP)).toBe(true);
      expect(asked).toEqual([IP]);
      expect(reports).toEqual([]);
      announcer.claim(IP, '02:00:00:00:00:02');
      await advance(clock, 100);
      expect(reports).toEqual([{ type: 'handback.done', detail: '02:00:00:00:00:02 announced it' }]);
      // Unbinding is STANDBY's, next: the handing-back unbinder leaves the address alone.
      expect(addresses.bound.has(IP)).toBe(true);
    });

    it('reports at once when neighbours cannot be pointing here', async () => {
      for (const [bound, spokeLast] of [
        [false, true],
        [true, false],
      ] as const) {
        const addresses = bound ? await boundAddresses() : new FakeAddresses();
        const { clock, asked, reports, actor } = unbinder(addresses, { awaitHolder: true, spokeLast });
        actor.start();
        await advance(clock, 100);
        expect(reports.map((r) => r.type)).toEqual(['handback.done']);
        expect(asked).toEqual([]);
      }
    });
  });
});

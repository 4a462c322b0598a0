import { describe, expect, it } from 'vitest';
import { createActor, fromCallback } from 'xstate';
import type { VipEvent } from '../../../src/machines/vip.events.js';
import type { UnbindInput } from '../../../src/machines/vip.machine.js';
import { VIP_DELAYS, vipMachine } from '../../../src/machines/vip.machine.js';
import { statusOf } from '../../../src/machines/vip.status.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';
import { vipEndpoint } from '../../fakes/vip-endpoint.js';

const endpoint = vipEndpoint();

/** The machine with an unbinder that only notes how it was started. */
function vip() {
  const clock = simulatedClock();
  const unbinders: { at: number; awaitHolder: boolean }[] = [];
  const machine = vipMachine.provide({
    actors: {
      unbinder: fromCallback<VipEvent, UnbindInput>(({ input }) => {
        unbinders.push({ at: clock.now(), awaitHolder: input.awaitHolder });
      }),
    },
  });
  const actor = createActor(machine, { input: { endpoint, hostname: 'h1' }, clock });
  actor.start();
  actor.send({ type: 'fault', reason: 'etcd unreachable' });
  return { actor, clock, unbinders };
}

const demotedAfterFault = { type: 'demoted', holder: 'h2', revision: '6', awaitHolder: true } as const;

describe('VIP statechart: HANDING_BACK and awaitHolderTimeout', () => {
  it('after a fault, keeps the VIP (no unbinding) for awaitHolderTimeout at most, then STANDBY unbinds', async () => {
    const { actor, clock, unbinders } = vip();
    const demotedAt = clock.now();
    actor.send(demotedAfterFault);
    expect(actor.getSnapshot().matches({ running: { contending: 'HANDING_BACK' } })).toBe(true);
    expect(statusOf(actor.getSnapshot())).toBe('STANDBY');
    expect(unbinders).toEqual([{ at: demotedAt, awaitHolder: true }]);
    await advance(clock, VIP_DELAYS.awaitHolderTimeout - 100);
    expect(unbinders).toHaveLength(1);
    await advance(clock, 200);
    expect(unbinders.at(-1)).toEqual({ at: demotedAt + VIP_DELAYS.awaitHolderTimeout, awaitHolder: false });
    expect(actor.getSnapshot().matches({ running: { contending: 'STANDBY' } })).toBe(true);
  });

  it('goes STANDBY as soon as the holder has announced the VIP', () => {
    const { actor } = vip();
    actor.send(demotedAfterFault);
    actor.send({ type: 'handback.done', detail: '02:00:00:00:00:02 announced it' });
    expect(actor.getSnapshot().matches({ running: { contending: 'STANDBY' } })).toBe(true);
  });

  it('a holder demoted without a fault hands the VIP back too: its own defence may have been the last word', () => {
    // A heal after a partition the peers saw first: the old holder defended the VIP against the
    // new holder's claim before it learnt it lost the lock; unbinding at once left the client
    // pointing at it until the new holder's next announcement (1 s).
    const { actor, unbinders } = vip();
    actor.send({ type: 'demoted', holder: 'h2', revision: '6' });
    expect(actor.getSnapshot().matches({ running: { contending: 'HANDING_BACK' } })).toBe(true);
    expect(unbinders).toEqual([{ at: expect.any(Number), awaitHolder: true }]);
    actor.send({ type: 'handback.done', detail: 'no neighbour can be pointing here' });
    expect(actor.getSnapshot().matches({ running: { contending: 'STANDBY' } })).toBe(true);
    expect(unbinders.map((u) => u.awaitHolder)).toEqual([true, false]);
  });

  it('a standby demoted again stays STANDBY and unbinds nothing more', () => {
    const { actor, unbinders } = vip();
    actor.send({ type: 'demoted', holder: 'h2', revision: '6' });
    actor.send({ type: 'handback.done', detail: 'no neighbour can be pointing here' });
    actor.send({ type: 'demoted', holder: 'h2', revision: '7' });
    expect(actor.getSnapshot().matches({ running: { contending: 'STANDBY' } })).toBe(true);
    expect(unbinders.map((u) => u.awaitHolder)).toEqual([true, false]);
  });

  it('keeps its bound when the demotion is heard again while waiting', async () => {
    const { actor, clock, unbinders } = vip();
    const demotedAt = clock.now();
    actor.send(demotedAfterFault);
    await advance(clock, VIP_DELAYS.awaitHolderTimeout / 2);
    // A re-read after a watch break reports the same holder, without the fault's flag.
    actor.send({ type: 'demoted', holder: 'h2', revision: '6' });
    expect(actor.getSnapshot().matches({ running: { contending: 'HANDING_BACK' } })).toBe(true);
    await advance(clock, VIP_DELAYS.awaitHolderTimeout / 2 + 100);
    expect(unbinders.map((u) => u.awaitHolder)).toEqual([true, false]);
    expect(unbinders.at(-1)?.at).toBe(demotedAt + VIP_DELAYS.awaitHolderTimeout);
  });
});

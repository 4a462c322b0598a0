import { describe, expect, it } from 'vitest';
import { createActor, fromCallback } from 'xstate';
import type { UnbinderCommand } from '../../../src/machines/vip.events.js';
import type { UnbindInput } from '../../../src/machines/vip.machine.js';
import { VIP_DELAYS, vipMachine } from '../../../src/machines/vip.machine.js';
import { statusOf } from '../../../src/machines/vip.status.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';
import { vipEndpoint } from '../../fakes/vip-endpoint.js';

const endpoint = vipEndpoint();

/** The machine with an unbinder that only notes the commands it receives. */
function standby() {
  const clock = simulatedClock();
  const commands: { at: number; type: string }[] = [];
  const machine = vipMachine.provide({
    actors: {
      unbinder: fromCallback<UnbinderCommand, UnbindInput>(({ receive }) => {
        receive((command) => commands.push({ at: clock.now(), type: command.type }));
      }),
    },
  });
  const actor = createActor(machine, { input: { endpoint, hostname: 'h1' }, clock });
  actor.start();
  return { actor, clock, commands };
}

describe('VIP statechart: awaitHolderTimeout', () => {
  it('tells the unbinder to stop waiting for the holder one delay after a demotion after a fault', async () => {
    const { actor, clock, commands } = standby();
    const demotedAt = clock.now();
    actor.send({ type: 'demoted', holder: 'h2', revision: '6', awaitHolder: true });
    expect(statusOf(actor.getSnapshot())).toBe('STANDBY');
    await advance(clock, VIP_DELAYS.awaitHolderTimeout - 100);
    expect(commands).toEqual([]);
    await advance(clock, 200);
    expect(commands).toEqual([{ at: demotedAt + VIP_DELAYS.awaitHolderTimeout, type: 'unbind' }]);
    expect(statusOf(actor.getSnapshot())).toBe('STANDBY');
  });

  it('keeps its bound when the demotion is heard again while waiting', async () => {
    const { actor, clock, commands } = standby();
    actor.send({ type: 'demoted', holder: 'h2', revision: '6', awaitHolder: true });
    await advance(clock, VIP_DELAYS.awaitHolderTimeout / 2);
    // A re-read after a watch break reports the same holder, without the fault's flag.
    actor.send({ type: 'demoted', holder: 'h2', revision: '6' });
    await advance(clock, VIP_DELAYS.awaitHolderTimeout / 2 + 100);
    expect(commands.map((c) => c.type)).toEqual(['unbind']);
  });

  it('is not restarted by what the peer monitor says of the holder', async () => {
    const { actor, clock, commands } = standby();
    actor.send({ type: 'demoted', holder: 'h2', revision: '6', awaitHolder: true });
    await advance(clock, VIP_DELAYS.awaitHolderTimeout / 2);
    actor.send({ type: 'holder.suspected', host: 'h2' });
    actor.send({ type: 'holder.alive', host: 'h2' });
    await advance(clock, VIP_DELAYS.awaitHolderTimeout / 2 + 100);
    expect(commands.map((c) => c.type)).toEqual(['unbind']);
  });
});

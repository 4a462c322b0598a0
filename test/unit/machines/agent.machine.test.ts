import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, setup } from 'xstate';
import { agentMachine, vipsOf } from '../../../src/machines/agent.machine.js';
import type { Endpoint } from '../../../src/model/endpoint.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';

/** A VIP that stops when asked, as the real one does once released. */
const stubVip = setup({
  types: { input: {} as { endpoint: Endpoint } },
}).createMachine({
  context: ({ input }) => ({ id: input.endpoint.id }),
  initial: 'running',
  states: { running: { on: { stop: 'STOPPED' } }, STOPPED: { type: 'final' } },
  output: ({ context }) => ({ id: context.id }),
});

function endpoint(n: number): Endpoint {
  return {
    id: `vip-${n}`,
    ip: `10.0.0.${n}/32`,
    checks: [],
    healthcheckInterval: 0,
    faultPolicy: 'activate',
  };
}

function startAgent(count: number) {
  const machine = agentMachine.provide({ actors: { vip: stubVip as never } });
  const actor = createActor(machine, { input: { hostname: 'h1' } }).start();
  actor.send({ type: 'endpoints.add', endpoints: Array.from({ length: count }, (_, i) => endpoint(i + 1)) });
  return actor;
}

const vipChildren = (actor: ReturnType<typeof startAgent>) =>
  Object.keys(actor.getSnapshot().children).filter((id) => id.startsWith('vip-'));

describe('agent statechart', () => {
  it('drops a deleted VIP from its context and from the actor tree', () => {
    const actor = startAgent(3);
    expect(vipChildren(actor)).toHaveLength(3);

    actor.send({ type: 'endpoint.remove', id: 'vip-2' });

    expect(
      vipsOf(actor)
        .map((vip) => vip.id)
        .sort(),
    ).toEqual(['vip-1', 'vip-3']);
    expect(vipsOf(actor)).toHaveLength(2);
    // A finished child left in the snapshot is memory a long-lived agent never gets back.
    expect(vipChildren(actor).sort()).toEqual(['vip-1', 'vip-3']);
  });

  it('reaches stopped once every VIP has stopped, counting down what is left', () => {
    const actor = startAgent(3);
    actor.send({ type: 'endpoint.remove', id: 'vip-1' });
    actor.send({ type: 'shutdown', mode: 'release' });

    const snapshot = actor.getSnapshot();
    expect(snapshot.value).toBe('stopped');
    expect(snapshot.hasTag('stopped')).toBe(true);
    expect(snapshot.context.stopping).toBe(0);
  });

  it('waits in shuttingDown for a VIP that has not stopped yet', () => {
    const slow = setup({}).createMachine({ initial: 'handingOver', states: { handingOver: {} } });
    const machine = agentMachine.provide({ actors: { vip: slow as never } });
    const actor = createActor(machine, { input: { hostname: 'h1' } }).start();
    actor.send({ type: 'endpoints.add', endpoints: [endpoint(1), endpoint(2)] });
    actor.send({ type: 'shutdown', mode: 'hold' });
    expect(actor.getSnapshot().value).toBe('shuttingDown');
    expect(actor.getSnapshot().context.stopping).toBe(2);
  });

  it('asks for one host-wide address check every reconcileInterval while running, none once shutting down', async () => {
    const clock = simulatedClock();
    let rounds = 0;
    const machine = agentMachine.provide({
      actors: {
        vip: stubVip as never,
        addressReconciler: fromCallback(({ receive }) => receive(() => rounds++)),
      },
      delays: { reconcileInterval: 2000 },
    });
    const actor = createActor(machine, { input: { hostname: 'h1' }, clock }).start();
    actor.send({ type: 'endpoints.add', endpoints: [endpoint(1), endpoint(2)] });
    await advance(clock, 1999);
    expect(rounds).toBe(0);
    await advance(clock, 1);
    expect(rounds).toBe(1);
    await advance(clock, 6000);
    // One round per interval, however many VIPs.
    expect(rounds).toBe(4);
    actor.send({ type: 'shutdown', mode: 'release' });
    await advance(clock, 10_000);
    expect(rounds).toBe(4);
  });
});

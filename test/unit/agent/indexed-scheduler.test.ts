import { describe, expect, it } from 'vitest';
import { type AnyActorRef, assign, createActor, createMachine, enqueueActions, setup } from 'xstate';
import { indexDelayedEvents } from '../../../src/agent/indexed-scheduler.js';
import { simulatedClock } from '../../fakes/sim-time.js';

/** A child waiting on a timer, as a VIP waits on its reconcile or retry delay. */
const child = createMachine({
  initial: 'waiting',
  states: { waiting: { after: { 60000: 'fired' } }, fired: {} },
});

const parent = setup({
  types: {
    context: {} as { children: AnyActorRef[] },
    events: {} as { type: 'add'; n: number } | { type: 'stop'; index: number },
  },
  actors: { child },
}).createMachine({
  context: { children: [] },
  on: {
    add: {
      actions: assign({
        children: ({ context, event, spawn }) => [
          ...context.children,
          ...Array.from({ length: event.n }, () => spawn('child')),
        ],
      }),
    },
    stop: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const ref = context.children[event.index];
        if (ref) enqueue.stopChild(ref);
      }),
    },
  },
});

/** Counts how often xstate walks the whole table of delayed events. */
function countScans(actor: ReturnType<typeof createActor<typeof parent>>): { scans: number } {
  const counter = { scans: 0 };
  const snapshot = (actor.system as unknown as { _snapshot: { _scheduledEvents: object } })._snapshot;
  snapshot._scheduledEvents = new Proxy(snapshot._scheduledEvents, {
    ownKeys(target) {
      counter.scans++;
      return Reflect.ownKeys(target);
    },
  });
  return counter;
}

function run(indexed: boolean) {
  const clock = simulatedClock();
  const actor = createActor(parent, { clock });
  if (indexed) indexDelayedEvents(actor.system);
  actor.start();
  // After start: starting replaces the table.
  const counter = countScans(actor);
  actor.send({ type: 'add', n: 200 });
  for (let i = 0; i < 100; i++) actor.send({ type: 'stop', index: i });
  clock.increment(60_000);
  const states = actor.getSnapshot().context.children.map((ref) => ref.getSnapshot());
  return {
    scans: counter.scans,
    stoppedFired: states.slice(0, 100).filter((s) => s.value === 'fired').length,
    runningFired: states.slice(100).filter((s) => s.value === 'fired').length,
  };
}

describe('indexDelayedEvents', () => {
  it("cancels a stopping actor's own delayed events without walking everyone's", () => {
    expect(run(true)).toEqual({ scans: 0, stoppedFired: 0, runningFired: 100 });
  });

  it("is what stands between a stop and xstate's walk of every delayed event", () => {
    const plain = run(false);
    expect(plain.scans).toBeGreaterThanOrEqual(100);
    expect(plain).toMatchObject({ stoppedFired: 0, runningFired: 100 });
  });
});

import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { createElectionActor } from '../../../src/actors/election.actor.js';
import type { HostLeaseEvent } from '../../../src/actors/host-lease.events.js';
import type { HostLease } from '../../../src/actors/host-lease.js';
import { LockWatcher } from '../../../src/actors/lock-watcher.js';
import type { VipEvent } from '../../../src/machines/vip.events.js';
import type { LockPort, LockState } from '../../../src/ports/coordination.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { simulatedClock } from '../../fakes/sim-time.js';

/** One VIP's election on h1, with a lock port that records campaigns and answers with `held`. */
async function election(held: LockState) {
  const clock = simulatedClock();
  const campaigns: string[] = [];
  const locks: LockPort = {
    campaign: async (key) => {
      campaigns.push(key);
      return held;
    },
    release: async () => true,
    read: async () => held,
    readAll: async () => new Map(),
    watch: async () => async () => {},
  };
  const listeners = new Set<(event: HostLeaseEvent) => void>();
  const hostLease = {
    inForce: { leaseId: 'lease-h1', deadline: Number.POSITIVE_INFINITY },
    etcdReachable: true,
    subscribe: (listener: (event: HostLeaseEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as HostLease;
  const watcher = new LockWatcher(locks, '/link/default/', clock, silentLogger);
  const logic = createElectionActor({
    hostname: 'h1',
    hostLease,
    locks,
    watcher,
    claims: new LockWatcher(locks, '/link/claims/', clock, silentLogger),
    clock,
    logger: silentLogger,
    retryMs: 1000,
    yieldMs: 3000,
  });
  const events: VipEvent[] = [];
  const parent = setup({ actors: { election: logic } }).createMachine({
    invoke: { src: 'election', input: { electionKey: '10.0.0.1_32', waitsOutEndedClaims: false } },
    on: { '*': { actions: ({ event }) => events.push(event as VipEvent) } },
  });
  createActor(parent, { clock }).start();
  await new Promise((resolve) => setImmediate(resolve));
  const emit = (event: HostLeaseEvent) => {
    for (const listener of listeners) listener(event);
  };
  return { campaigns, events, emit };
}

describe('election actor', () => {
  it('a renewed lease does not send a standby, whose lock another host holds, campaigning again', async () => {
    const { campaigns, events, emit } = await election({ holder: 'h2', leaseId: 'lease-h2', revision: '5' });
    expect(campaigns).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['demoted']);
    emit({ type: 'lease.granted', leaseId: 'lease-h1', reused: true });
    emit({ type: 'lease.granted', leaseId: 'lease-h1b', reused: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(campaigns).toHaveLength(1);
  });

  it('a VIP whose lock this host holds campaigns again on a granted lease, to take it back', async () => {
    const { campaigns, emit } = await election({ holder: 'h1', leaseId: 'lease-h1', revision: '5' });
    expect(campaigns).toHaveLength(1);
    emit({ type: 'lease.granted', leaseId: 'lease-h1', reused: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(campaigns).toHaveLength(2);
  });
});

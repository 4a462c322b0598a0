import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { AnnounceRequests } from '../../../src/actors/announce-requests.js';
import type { HostLeaseEvent } from '../../../src/actors/host-lease.events.js';
import type { HostLease } from '../../../src/actors/host-lease.js';
import type { KvPort, LockPort } from '../../../src/ports/coordination.js';
import { silentLogger } from '../../../src/ports/logger.js';

/** A host lease whose reachability the test sets, and whose events it emits. */
function leaseStub(clock: SimulatedClock) {
  const listeners = new Set<(event: HostLeaseEvent) => void>();
  const state = { reachable: false, deadline: clock.now() + 6000 };
  const lease = {
    get inForce() {
      return { leaseId: 'lease-1', deadline: state.deadline };
    },
    get inForceNow() {
      return clock.now() < state.deadline;
    },
    get etcdReachable() {
      return state.reachable;
    },
    subscribe(listener: (event: HostLeaseEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (event: HostLeaseEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  return { lease: lease as unknown as HostLease, state, emit };
}

function requests() {
  const clock = new SimulatedClock();
  const { lease, state, emit } = leaseStub(clock);
  const puts: { key: string; value: string; leaseId: string | undefined }[] = [];
  const kv = {
    writeBatch: async (ops: { type: string; key: string; value?: string; leaseId?: string }[]) => {
      for (const op of ops) puts.push({ key: op.key, value: op.value ?? '', leaseId: op.leaseId });
    },
  } as unknown as KvPort;
  const asks = new AnnounceRequests({
    hostname: 'b',
    hostLease: lease,
    kv,
    locks: {} as LockPort,
    clock,
    logger: silentLogger,
  });
  return { asks, puts, state, emit };
}

describe('AnnounceRequests', () => {
  it('asks at once while etcd answers and the lease is in force', () => {
    const { asks, puts, state } = requests();
    state.reachable = true;
    asks.ask('10.0.0.10');
    expect(puts).toEqual([{ key: '/link/announce/10.0.0.10', value: 'b', leaseId: 'lease-1' }]);
  });

  it('asks once etcd answers again on the same lease (a short cut keeps it: no new grant)', () => {
    const { asks, puts, state, emit } = requests();
    asks.ask('10.0.0.10');
    asks.ask('10.0.0.11');
    expect(puts).toEqual([]);
    state.reachable = true;
    emit({ type: 'etcd.up' });
    expect(puts.map((p) => p.key).sort()).toEqual(['/link/announce/10.0.0.10', '/link/announce/10.0.0.11']);
    emit({ type: 'etcd.up' });
    expect(puts).toHaveLength(2); // each request goes out once
  });

  it('asks on a new lease after the old one expired', () => {
    const { asks, puts, state, emit } = requests();
    asks.ask('10.0.0.10');
    state.reachable = true;
    emit({ type: 'lease.granted', leaseId: 'lease-1', reused: false });
    expect(puts).toEqual([{ key: '/link/announce/10.0.0.10', value: 'b', leaseId: 'lease-1' }]);
  });
});

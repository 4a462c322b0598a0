import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { HostLease } from '../../../src/actors/host-lease.js';
import { createPeerActors } from '../../../src/actors/peer.actors.js';
import type { PeerEvent } from '../../../src/machines/peer.machine.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeEtcd } from '../../fakes/fake-coordination.js';
import { simulatedClock } from '../../fakes/sim-time.js';

/** The prober of the peer statechart, run under a parent that records what it reports. */
function prober(answer: boolean) {
  const clock = simulatedClock();
  const etcd = new FakeEtcd(clock);
  const port = etcd.port();
  const hostLease = new HostLease({
    hostname: 'h2',
    ttlSeconds: 6,
    keepaliveIntervalMs: 3000,
    faultAfter: 2,
    expiryMarginMs: 1000,
    lease: port.lease,
    kv: port.kv,
    clock,
    logger: silentLogger,
  });
  const events: PeerEvent[] = [];
  const actors = createPeerActors({
    hostname: 'h2',
    hostLease,
    store: port.liveness,
    probe: { probe: async () => answer },
    clock,
    logger: silentLogger,
    probeIntervalMs: 20,
    probeTimeoutMs: 100,
    lagToleranceMs: 50,
  });
  const parent = setup({ actors: { prober: actors.prober } }).createMachine({
    invoke: { src: 'prober', input: { address: '192.0.2.1', port: 1312 } },
    on: { '*': { actions: ({ event }) => events.push(event as PeerEvent) } },
  });
  const child = createActor(parent, { clock });
  return { clock, events, child };
}

describe('peer prober', () => {
  it('reports a late tick as its own stall, so its silence is not taken as the peer’s', async () => {
    const { clock, events, child } = prober(false);
    child.start();
    for (let i = 0; i < 5; i++) {
      clock.increment(20);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(events.filter((e) => e.type === 'observer.lagged')).toHaveLength(0);
    clock.increment(700); // one tick, 680 ms late
    expect(events.filter((e) => e.type === 'observer.lagged')).toEqual([
      { type: 'observer.lagged', lateMs: 680 },
    ]);
    child.stop();
  });
});

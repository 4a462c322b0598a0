import { describe, expect, it } from 'vitest';
import type { HostLease } from '../../../src/actors/host-lease.js';
import { PeerMonitor } from '../../../src/actors/peer-monitor.js';
import type { LivenessStorePort, LivenessWatchHandlers } from '../../../src/ports/liveness.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { simulatedClock } from '../../fakes/sim-time.js';

/** A liveness store whose re-reads fail `failures` times, as etcd does right after an outage. */
function flakyStore(failures: number) {
  let handlers: LivenessWatchHandlers | undefined;
  let lists = 0;
  const store: LivenessStorePort = {
    put: async () => '1',
    delete: async () => {},
    list: async () => {
      lists += 1;
      if (lists > 1 && lists <= 1 + failures) throw new Error('4 DEADLINE_EXCEEDED: Deadline exceeded');
      return [];
    },
    watch: async (_prefix, h) => {
      handlers = h;
      return async () => {};
    },
    timeToLive: async () => 6,
    grant: async () => '1',
    revoke: async () => {},
  };
  return {
    store,
    reconnect: () => handlers?.onReconnect(),
    lists: () => lists,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('peer monitor', () => {
  it('retries a re-read that fails after the liveness watch resumed, instead of leaving it unhandled', async () => {
    const clock = simulatedClock();
    const etcd = flakyStore(2);
    const hostLease = { inForce: undefined, subscribe: () => () => {}, renewNow: () => {} };
    const monitor = new PeerMonitor({
      hostname: 'h1',
      hostLease: hostLease as unknown as HostLease,
      store: etcd.store,
      probe: { probe: async () => true },
      clock,
      logger: silentLogger,
      probeAddress: undefined,
      probePort: 1312,
      probeIntervalMs: 20,
      probeTimeoutMs: 100,
      timing: {
        suspectAfterMs: 100,
        confirmWindowMs: 100,
        secondObserverTimeoutMs: 500,
        backoffMs: 1000,
        maxBackoffMs: 30_000,
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await monitor.start();
      expect(etcd.lists()).toBe(1);
      etcd.reconnect();
      await flush();
      expect(etcd.lists()).toBe(2); // failed
      clock.increment(1000);
      await flush();
      expect(etcd.lists()).toBe(3); // failed again
      clock.increment(1000);
      await flush();
      expect(etcd.lists()).toBe(4); // succeeded: no more retries
      clock.increment(5000);
      await flush();
      expect(etcd.lists()).toBe(4);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await monitor.stop();
    }
  });
});

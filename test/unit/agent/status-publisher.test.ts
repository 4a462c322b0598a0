import { describe, expect, it } from 'vitest';
import type { HostLease } from '../../../src/actors/host-lease.js';
import { StatusPublisher } from '../../../src/agent/status-publisher.js';
import type { KvPort } from '../../../src/ports/coordination.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';

/** A KV store whose first `failures` puts fail, as after a new lease on a connection still backing off. */
function flakyKv(failures: number) {
  const data = new Map<string, string>();
  let left = failures;
  const kv: KvPort = {
    get: async (key) => data.get(key),
    put: async (key, value) => {
      if (left > 0) {
        left -= 1;
        throw new Error('Execution prevented because the circuit breaker is open');
      }
      data.set(key, value);
    },
    delete: async (key) => {
      data.delete(key);
    },
    list: async (prefix) => new Map([...data].filter(([key]) => key.startsWith(prefix))),
    writeBatch: async () => {},
  };
  return { kv, data };
}

function publisherWith(kv: KvPort, lease: { inForce: { leaseId: string } | undefined }) {
  const clock = simulatedClock();
  const publisher = new StatusPublisher({
    hostname: 'h1',
    kv,
    hostLease: lease as unknown as HostLease,
    logger: silentLogger,
    enabled: true,
    clock,
  });
  return { clock, publisher };
}

describe('StatusPublisher', () => {
  it('writes a participation record again after a failed write, so failovers still find this host', async () => {
    const { kv } = flakyKv(2);
    const { clock, publisher } = publisherWith(kv, { inForce: { leaseId: '7' } });
    await publisher.link('10.0.0.10_32');
    expect(await publisher.linkedHosts('10.0.0.10_32')).toEqual([]);
    await advance(clock, 2100, 50);
    expect(await publisher.linkedHosts('10.0.0.10_32')).toEqual(['h1']);
  });

  it('stops trying once the VIP is unlinked or the lease it was for is gone', async () => {
    const lease: { inForce: { leaseId: string } | undefined } = { inForce: { leaseId: '7' } };
    const { kv, data } = flakyKv(1);
    const { clock, publisher } = publisherWith(kv, lease);
    await publisher.link('10.0.0.10_32');
    await publisher.unlink('10.0.0.10_32');
    await advance(clock, 3000, 50);
    expect(data.size).toBe(0);

    const second = flakyKv(1);
    const other = publisherWith(second.kv, lease);
    await other.publisher.link('10.0.0.11_32');
    lease.inForce = undefined;
    await advance(other.clock, 3000, 50);
    expect(second.data.size).toBe(0);
  });
});

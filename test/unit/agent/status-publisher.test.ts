import { describe, expect, it } from 'vitest';
import type { HostLease } from '../../../src/actors/host-lease.js';
import type { TransitionRecord } from '../../../src/agent/agent-service.js';
import { StatusPublisher } from '../../../src/agent/status-publisher.js';
import { keys } from '../../../src/model/keys.js';
import type { KvPort, KvWrite } from '../../../src/ports/coordination.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';

/** Records every etcd call; `failNext` makes the next batch fail as an unreachable etcd would. */
class RecordingKv implements KvPort {
  readonly batches: KvWrite[][] = [];
  readonly data = new Map<string, string>();
  singleWrites = 0;
  failNext = false;
  /** Batches left to fail. */
  failures = 0;
  async get() {
    return undefined;
  }
  async put() {
    this.singleWrites++;
  }
  async delete() {
    this.singleWrites++;
  }
  async list(prefix: string) {
    return new Map([...this.data].filter(([key]) => key.startsWith(prefix)));
  }
  async writeBatch(writes: readonly KvWrite[]) {
    if (this.failNext || this.failures > 0) {
      this.failNext = false;
      this.failures = Math.max(0, this.failures - 1);
      throw new Error('Execution prevented because the circuit breaker is open');
    }
    this.batches.push([...writes]);
    for (const write of writes) {
      if (write.type === 'put') this.data.set(write.key, write.value);
      else this.data.delete(write.key);
    }
  }
}

function setup(leaseId: string | null = '7') {
  const clock = simulatedClock();
  const kv = new RecordingKv();
  const lease = { inForce: leaseId ? { leaseId, deadline: 0 } : undefined };
  const publisher = new StatusPublisher({
    hostname: 'node-a',
    kv,
    hostLease: lease as unknown as HostLease,
    logger: silentLogger,
    enabled: true,
    clock,
  });
  return { clock, kv, lease, publisher };
}

function record(i: number, to: TransitionRecord['to']): TransitionRecord {
  return {
    at: 1000 + i,
    endpointId: `vip-${i}`,
    electionKey: `10.0.${Math.floor(i / 250)}.${i % 250}_32`,
    ip: `10.0.${Math.floor(i / 250)}.${i % 250}/32`,
    holder: null,
    hostname: 'node-a',
    from: 'BOOTING',
    to,
    event: 'elected',
    cause: '',
  };
}

describe('StatusPublisher', () => {
  it('writes the links and statuses of a thousand VIPs in a few transactions, the latest status of each', async () => {
    const { clock, kv, publisher } = setup();
    for (let i = 0; i < 1000; i++) {
      publisher.link(record(i, 'STANDBY').electionKey);
      publisher.publish(record(i, 'STANDBY'), null);
      publisher.publish(record(i, 'ACTIVATED'), null);
    }
    await advance(clock, 100);
    expect(kv.singleWrites).toBe(0);
    expect(kv.batches).toHaveLength(1);
    const writes = kv.batches[0] ?? [];
    expect(writes).toHaveLength(2000);
    const status = writes.find((w) => w.key === keys.status(record(5, 'ACTIVATED').electionKey, 'node-a'));
    expect(status).toMatchObject({ type: 'put', leaseId: '7' });
    expect(JSON.parse(status?.type === 'put' ? status.value : '{}')).toMatchObject({ status: 'ACTIVATED' });
  });

  it('tries a failed batch again, keeping values written meanwhile', async () => {
    const { clock, kv, publisher } = setup();
    kv.failNext = true;
    publisher.publish(record(1, 'STANDBY'), null);
    await advance(clock, 100);
    expect(kv.batches).toHaveLength(0);
    publisher.publish(record(1, 'ACTIVATED'), null);
    await advance(clock, 1000, 50);
    expect(kv.batches).toHaveLength(1);
    const [write] = kv.batches[0] ?? [];
    expect(JSON.parse(write?.type === 'put' ? write.value : '{}')).toMatchObject({ status: 'ACTIVATED' });
  });

  it('leaves puts to the republish of the next lease, and still deletes', async () => {
    const { clock, kv, publisher } = setup(null);
    publisher.link('10.0.0.1_32');
    const unlinked = publisher.unlink('10.0.0.2_32');
    await advance(clock, 100);
    await unlinked;
    expect(kv.batches).toEqual([
      [
        { type: 'delete', key: keys.link('10.0.0.2_32', 'node-a') },
        { type: 'delete', key: keys.status('10.0.0.2_32', 'node-a') },
      ],
    ]);
  });

  it('writes a participation record again after failed writes, so failovers still find this host', async () => {
    const { clock, kv, publisher } = setup();
    kv.failures = 2;
    publisher.link('10.0.0.10_32');
    expect(await publisher.linkedHosts('10.0.0.10_32')).toEqual([]);
    await advance(clock, 2200, 50);
    expect(await publisher.linkedHosts('10.0.0.10_32')).toEqual(['node-a']);
  });

  it('stops trying once the VIP is unlinked or no lease is left to write it with', async () => {
    const { clock, kv, lease, publisher } = setup();
    kv.failures = 1;
    publisher.link('10.0.0.10_32');
    await advance(clock, 100);
    void publisher.unlink('10.0.0.10_32');
    await advance(clock, 3000, 50);
    expect(kv.data.size).toBe(0);

    kv.failures = 1;
    publisher.link('10.0.0.11_32');
    await advance(clock, 100);
    lease.inForce = undefined;
    await advance(clock, 3000, 50);
    expect(kv.data.size).toBe(0);
  });
});

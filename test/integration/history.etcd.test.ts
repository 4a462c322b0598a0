import { describe, expect, it } from 'vitest';
import type { TransitionRecord } from '../../src/agent/agent-service.js';
import type { EtcdCoordination } from '../../src/etcd/etcd-coordination.js';
import { EtcdHistory } from '../../src/etcd/etcd-history.js';
import { keys } from '../../src/model/keys.js';
import { etcdForSuite } from '../support/etcd-suite.js';

let coordination: EtcdCoordination;
etcdForSuite((client) => {
  coordination = client;
});

const T0 = Date.parse('2026-12-07T08:00:00Z');
const record = (
  i: number,
  hostname: string,
  endpoint = `vip-00000000-0000-0000-0000-${String(i % 3).padStart(12, '0')}`,
) =>
  ({
    at: T0 + i,
    endpointId: endpoint,
    electionKey: '10.0.0.1_32',
    ip: '10.0.0.1/32',
    holder: hostname,
    hostname,
    from: 'STANDBY',
    to: 'ACTIVATED',
    event: 'elected',
    cause: `record ${i}`,
  }) as TransitionRecord;

const store = (hostname: string, options: { maxRecords?: number; maxAgeSeconds?: number } = {}) =>
  new EtcdHistory({
    client: coordination.client,
    hostname,
    callTimeoutMs: 5000,
    maxRecords: options.maxRecords ?? 100_000,
    maxAgeSeconds: options.maxAgeSeconds ?? 3600,
  });

const clear = () => coordination.client.delete().prefix(keys.historyPrefix).exec();

describe('durable history in etcd', () => {
  it('answers every host, by time, filtered, the newest `limit` oldest first', async () => {
    await clear();
    const a = store('host-a');
    const b = store('host-b');
    await a.append(Array.from({ length: 700 }, (_, i) => record(2 * i, 'host-a')));
    await b.append(Array.from({ length: 700 }, (_, i) => record(2 * i + 1, 'host-b')));

    const all = await a.query({ limit: 10_000 });
    expect(all).toHaveLength(1400);
    expect(all.map((r) => r.at)).toEqual([...all.map((r) => r.at)].sort((x, y) => x - y));
    const newest = await b.query({ limit: 3 });
    expect(newest.map((r) => r.cause)).toEqual(['record 1397', 'record 1398', 'record 1399']);
    const ofB = await a.query({ hostname: 'host-b', limit: 600 });
    expect(ofB).toHaveLength(600);
    expect(ofB.every((r) => r.hostname === 'host-b')).toBe(true);
    const one = await a.query({ endpointId: record(1, 'x').endpointId, since: T0 + 1000, limit: 10_000 });
    expect(one.length).toBeGreaterThan(100);
    expect(one.every((r) => r.endpointId === record(1, 'x').endpointId && r.at >= T0 + 1000)).toBe(true);
  });

  it('deletes the oldest beyond the count limit after a write', async () => {
    await clear();
    const a = store('host-a', { maxRecords: 50 });
    await a.append(Array.from({ length: 120 }, (_, i) => record(i, 'host-a')));
    expect(await a.prune()).toBe(0); // the write pruned already
    const left = await a.query({ limit: 1000 });
    expect(left).toHaveLength(50);
    expect(left[0]?.cause).toBe('record 70');
  });

  it('lets records expire by age, on a lease of their own that outlives the writer', async () => {
    await clear();
    const a = store('host-a', { maxAgeSeconds: 2 });
    await a.append([record(1, 'host-a')]);
    const lease = await coordination.lease.grant(30);
    await coordination.lease.revoke(lease); // a host lease going away takes nothing of the history
    expect(await a.query({ limit: 10 })).toHaveLength(1);
    const start = Date.now();
    while ((await a.query({ limit: 10 })).length > 0) {
      if (Date.now() - start > 10_000) throw new Error('history record did not expire');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(Date.now() - start).toBeGreaterThan(500);
  });

  it('shares one bucket lease between writers and across restarts, so leases do not pile up', async () => {
    await clear();
    const leasesBefore = (await coordination.client.leaseClient.leaseLeases({})).leases.length;
    // Two hosts, and host-a "restarted" twice (a fresh writer each time), all in one bucket span.
    const writers = ['host-a', 'host-b', 'host-a', 'host-a'];
    for (const [i, host] of writers.entries()) await store(host).append([record(i, host)]);
    const leasesAfter = (await coordination.client.leaseClient.leaseLeases({})).leases.length;
    expect(leasesAfter - leasesBefore).toBeLessThanOrEqual(1);
    expect(await store('host-c').query({ limit: 10 })).toHaveLength(4);
  });
});

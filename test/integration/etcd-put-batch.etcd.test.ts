import { describe, expect, it } from 'vitest';
import type { EtcdCoordination } from '../../src/etcd/etcd-coordination.js';
import { etcdForSuite } from '../support/etcd-suite.js';

let coordination: EtcdCoordination;
etcdForSuite((client) => {
  coordination = client;
});

describe('puts grouped into transactions, real etcd', () => {
  it('stores every put of a burst, bound to its lease, in a few calls', async () => {
    const lease = await coordination.lease.grant(30);
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => coordination.kv.put(`/batch/k${i}`, String(i), lease)),
    );
    await coordination.kv.put('/batch/unleased', 'x');
    const stored = await coordination.kv.list('/batch/');
    expect(stored.size).toBe(301);
    expect(stored.get('/batch/k299')).toBe('299');
    const calls = (coordination.calls.get('put') ?? 0) + (coordination.calls.get('put_batch') ?? 0);
    expect(coordination.calls.get('put_batch')).toBeGreaterThan(0);
    expect(calls).toBeLessThan(20);

    await coordination.lease.revoke(lease);
    expect([...(await coordination.kv.list('/batch/')).keys()]).toEqual(['/batch/unleased']);
  });

  it('fails only the puts whose lease is gone', async () => {
    const live = await coordination.lease.grant(30);
    const gone = await coordination.lease.grant(30);
    await coordination.lease.revoke(gone);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        coordination.kv.put(`/mixed/k${i}`, String(i), i === 20 ? gone : live),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect((results[20] as PromiseRejectedResult).reason).toBeDefined();
    expect((await coordination.kv.list('/mixed/')).size).toBe(39);
  });

  it('applies a bulk change of puts and deletes in chunks of at most 128 operations', async () => {
    await coordination.kv.put('/bulk/gone-1', 'x');
    await coordination.kv.put('/bulk/gone-2', 'x');
    const before = coordination.calls.get('txn_batch') ?? 0;
    const applied: number[] = [];
    await coordination.kv.writeBatch(
      [
        ...Array.from({ length: 300 }, (_, i) => ({
          type: 'put' as const,
          key: `/bulk/k${i}`,
          value: String(i),
        })),
        { type: 'delete', key: '/bulk/gone-1' },
        { type: 'delete', key: '/bulk/gone-2' },
      ],
      (chunk) => applied.push(chunk.length),
    );
    expect((coordination.calls.get('txn_batch') ?? 0) - before).toBe(3);
    expect(applied).toEqual([128, 128, 46]);
    const stored = await coordination.kv.list('/bulk/');
    expect(stored.size).toBe(300);
    expect(stored.has('/bulk/gone-1')).toBe(false);
    expect(stored.get('/bulk/k299')).toBe('299');
  });

  it('names how many writes were applied when a chunk is refused', async () => {
    const gone = await coordination.lease.grant(30);
    await coordination.lease.revoke(gone);
    const writes = Array.from({ length: 200 }, (_, i) => ({
      type: 'put' as const,
      key: `/refused/k${i}`,
      value: String(i),
      ...(i === 150 ? { leaseId: gone } : {}),
    }));
    await expect(coordination.kv.writeBatch(writes)).rejects.toThrow(/128 of 200 applied/);
    expect((await coordination.kv.list('/refused/')).size).toBe(128);
  });

  it('lists a prefix whose records pass the 4 MB gRPC answer limit (15 000 status records of 5 000 VIPs on 3 hosts)', async () => {
    const value = 'x'.repeat(320);
    await coordination.kv.writeBatch(
      Array.from({ length: 15_000 }, (_, i) => ({ type: 'put' as const, key: `/big/k${i}`, value })),
    );
    await coordination.kv.put('/bigger', 'outside the prefix');
    const listed = await coordination.kv.list('/big/');
    expect(listed.size).toBe(15_000);
    expect(listed.get('/big/k14999')).toBe(value);
  });
});

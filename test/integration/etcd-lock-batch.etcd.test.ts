import { afterAll, describe, expect, it } from 'vitest';
import { EtcdCoordination } from '../../src/etcd/etcd-coordination.js';
import { etcdForSuite } from '../support/etcd-suite.js';

let a: EtcdCoordination;
let b: EtcdCoordination;
etcdForSuite((client, etcd) => {
  a = client;
  b = new EtcdCoordination({ endpoints: [etcd.url], callTimeoutMs: 5000 });
});
afterAll(() => b?.close());

const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}/k${i}`);
const batches = (c: EtcdCoordination) => c.calls.get('lock_batch') ?? 0;

describe('lock campaigns and releases grouped into transactions, real etcd', () => {
  it('two hosts racing for 600 locks: each lock has one holder, both agree on it, in few transactions', async () => {
    const leaseA = await a.lease.grant(30);
    const leaseB = await b.lease.grant(30);
    const wanted = keys('/race', 600);
    const before = batches(a);
    const [byA, byB] = await Promise.all([
      Promise.all(wanted.map((key) => a.lock.campaign(key, 'a', leaseA))),
      Promise.all(wanted.map((key) => b.lock.campaign(key, 'b', leaseB))),
    ]);
    for (const [i, key] of wanted.entries()) {
      const stored = await a.lock.read(key);
      expect(byA[i], key).toEqual(stored);
      expect(byB[i], key).toEqual(stored);
    }
    const heldByA = byA.filter((s) => s.holder === 'a').length;
    console.info(`600 locks raced: a ${heldByA}, b ${600 - heldByA}; a sent ${batches(a) - before} batches`);
    // A batch's calls share its revision: the revision fences the lock all the same.
    expect(new Set(byA.map((s) => s.revision)).size).toBeLessThan(600);
    expect(batches(a) - before).toBeGreaterThan(0);
    expect(batches(a) - before).toBeLessThan(60);

    // Releases only delete what the lease holds.
    const released = await Promise.all(wanted.map((key) => a.lock.release(key, leaseA)));
    expect(released.filter(Boolean)).toHaveLength(heldByA);
    for (const [i, key] of wanted.entries()) {
      const stored = await a.lock.read(key);
      expect(stored?.holder, key).toBe(byA[i]?.holder === 'a' ? undefined : 'b');
    }
  });

  it('a batch holding a campaign on a key the lease no longer may write fails only that campaign', async () => {
    const live = await a.lease.grant(30);
    const gone = await a.lease.grant(30);
    await a.lease.revoke(gone);
    const results = await Promise.allSettled(
      keys('/mixed-lease', 40).map((key, i) => a.lock.campaign(key, 'a', i === 7 ? gone : live)),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([7]);
  });
});

import { describe, expect, it } from 'vitest';
import { PutBatcher, type PutRequest } from '../../../src/etcd/put-batcher.js';

/** A fake etcd: calls take a few ms; a put with lease `gone` fails, and so does any batch holding one. */
function fakeEtcd() {
  const stored = new Map<string, string>();
  const calls: { kind: 'single' | 'many'; size: number }[] = [];
  const tick = () => new Promise((resolve) => setTimeout(resolve, 3));
  const check = (put: PutRequest) => {
    if (put.leaseId === 'gone') throw new Error('etcdserver: requested lease not found');
  };
  return {
    stored,
    calls,
    single: async (put: PutRequest) => {
      calls.push({ kind: 'single', size: 1 });
      await tick();
      check(put);
      stored.set(put.key, put.value);
    },
    many: async (puts: PutRequest[]) => {
      calls.push({ kind: 'many', size: puts.length });
      await tick();
      puts.forEach(check);
      for (const put of puts) stored.set(put.key, put.value);
    },
  };
}

describe('PutBatcher', () => {
  it('sends a lone put at once, on its own', async () => {
    const etcd = fakeEtcd();
    await new PutBatcher(etcd).put({ key: 'k', value: 'v' });
    expect(etcd.calls).toEqual([{ kind: 'single', size: 1 }]);
    expect(etcd.stored.get('k')).toBe('v');
  });

  it('groups the puts that queue up behind the calls in flight, at most maxOps per transaction', async () => {
    const etcd = fakeEtcd();
    const batcher = new PutBatcher({ ...etcd, concurrency: 2, maxOps: 128 });
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => batcher.put({ key: `k${i}`, value: String(i), leaseId: '7' })),
    );
    expect(etcd.stored.size).toBe(1000);
    expect(etcd.calls.length).toBeLessThanOrEqual(12);
    expect(etcd.calls.slice(0, 2)).toEqual([
      { kind: 'single', size: 1 },
      { kind: 'single', size: 1 },
    ]);
    expect(Math.max(...etcd.calls.map((c) => c.size))).toBe(128);
  });

  it('gives each put of a failed transaction its own answer', async () => {
    const etcd = fakeEtcd();
    const batcher = new PutBatcher({ ...etcd, concurrency: 1 });
    const results = await Promise.allSettled([
      batcher.put({ key: 'first', value: '1' }),
      batcher.put({ key: 'a', value: '1' }),
      batcher.put({ key: 'b', value: '2', leaseId: 'gone' }),
      batcher.put({ key: 'c', value: '3' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/lease not found/);
    expect([...etcd.stored.keys()].sort()).toEqual(['a', 'c', 'first']);
  });
});

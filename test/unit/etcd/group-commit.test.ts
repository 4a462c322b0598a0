import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/etcd/group-commit.js';

interface Put {
  key: string;
  value: string;
  leaseId?: string;
}

/** A fake etcd: calls take a few ms; a put with lease `gone` fails, and so does any batch holding one. */
function fakeEtcd({ unreachable = false } = {}) {
  const stored = new Map<string, string>();
  const calls: { kind: 'single' | 'many'; keys: string[] }[] = [];
  const tick = () => new Promise((resolve) => setTimeout(resolve, 3));
  const check = (put: Put) => {
    if (unreachable) throw new Error('14 UNAVAILABLE: No connection established');
    if (put.leaseId === 'gone') throw new Error('etcdserver: requested lease not found');
  };
  return {
    stored,
    calls,
    single: async (put: Put) => {
      calls.push({ kind: 'single', keys: [put.key] });
      await tick();
      check(put);
      stored.set(put.key, put.value);
    },
    many: async (puts: Put[]): Promise<PromiseSettledResult<void>[]> => {
      calls.push({ kind: 'many', keys: puts.map((p) => p.key) });
      await tick();
      puts.forEach(check);
      for (const put of puts) stored.set(put.key, put.value);
      return puts.map(() => ({ status: 'fulfilled', value: undefined }));
    },
    keyOf: (put: Put) => put.key,
    failsEveryCall: (error: unknown) => /UNAVAILABLE/.test(String(error)),
  };
}

describe('GroupCommit', () => {
  it('sends a lone call at once, on its own', async () => {
    const etcd = fakeEtcd();
    await new GroupCommit(etcd).call({ key: 'k', value: 'v' });
    expect(etcd.calls).toEqual([{ kind: 'single', keys: ['k'] }]);
    expect(etcd.stored.get('k')).toBe('v');
  });

  it('groups the calls that queue up behind the transactions in flight, at most maxCalls per transaction', async () => {
    const etcd = fakeEtcd();
    const commit = new GroupCommit({ ...etcd, concurrency: 2, maxCalls: 128 });
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => commit.call({ key: `k${i}`, value: String(i), leaseId: '7' })),
    );
    expect(etcd.stored.size).toBe(1000);
    expect(etcd.calls.length).toBeLessThanOrEqual(12);
    expect(etcd.calls.slice(0, 2).map((c) => c.kind)).toEqual(['single', 'single']);
    expect(Math.max(...etcd.calls.map((c) => c.keys.length))).toBe(128);
  });

  it('holds each key once per transaction (etcd refuses a key written twice): a repeat waits for the next', async () => {
    const etcd = fakeEtcd();
    const commit = new GroupCommit({ ...etcd, concurrency: 1, maxCalls: 2 });
    const calls = ['first', 'a', 'a', 'b', 'c'].map((key, i) => commit.call({ key, value: String(i) }));
    await Promise.all(calls);
    expect(etcd.calls.map((c) => c.keys)).toEqual([['first'], ['a', 'b'], ['a', 'c']]);
    // The later write of a key lands last.
    expect(etcd.stored.get('a')).toBe('2');
  });

  it('a transaction refused for one call (a lease gone) is retried call by call: only that call fails', async () => {
    const etcd = fakeEtcd();
    const commit = new GroupCommit({ ...etcd, concurrency: 1 });
    const results = await Promise.allSettled([
      commit.call({ key: 'first', value: '1' }),
      commit.call({ key: 'a', value: '1' }),
      commit.call({ key: 'b', value: '2', leaseId: 'gone' }),
      commit.call({ key: 'c', value: '3' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/lease not found/);
    expect([...etcd.stored.keys()].sort()).toEqual(['a', 'c', 'first']);
  });

  it('etcd unreachable: every call of the transaction gets its error, none is sent again alone', async () => {
    const etcd = fakeEtcd({ unreachable: true });
    const commit = new GroupCommit({ ...etcd, concurrency: 1 });
    const results = await Promise.allSettled(
      ['first', 'a', 'b'].map((key) => commit.call({ key, value: '1' })),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(etcd.calls.map((c) => c.kind)).toEqual(['single', 'many']);
  });

  it('gives each call of a transaction its own outcome', async () => {
    let release: () => void = () => {};
    const commit = new GroupCommit<string, string>({
      concurrency: 1,
      keyOf: (key) => key,
      failsEveryCall: () => true,
      single: (key) => new Promise((resolve) => (release = () => resolve(`${key} alone`))),
      many: async (keys) =>
        keys.map((key) =>
          key === 'held'
            ? { status: 'rejected', reason: new Error('held') }
            : { status: 'fulfilled', value: `${key} won` },
        ),
    });
    const results = Promise.allSettled(['first', 'x', 'held', 'y'].map((key) => commit.call(key)));
    release();
    expect((await results).map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
      'first alone',
      'x won',
      'rejected',
      'y won',
    ]);
  });
});

import type { IRequestOp, IResponseOp } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { type BatchedCall, TxnBatcher } from '../../../src/etcd/txn-batcher.js';

/** A call whose nested transaction is its key; answers say which way it went. */
function call(key: string, singles: string[]): BatchedCall<string> {
  return {
    key,
    op: {
      request_txn: { compare: [], success: [{ request_range: { key: Buffer.from(key) } }], failure: [] },
    },
    decode: (response, revision) => `${key}@${revision}:${response.response_txn.succeeded}`,
    single: async () => {
      singles.push(key);
      return `${key}:alone`;
    },
  };
}

const keyOf = (op: IRequestOp) => op.request_txn?.success?.[0]?.request_range?.key?.toString() ?? '(no key)';
const answered = (ops: IRequestOp[]) =>
  ops.map(() => ({ response_txn: { succeeded: true, responses: [] } }) as unknown as IResponseOp);

describe('TxnBatcher', () => {
  it('sends a lone call on its own, and the calls that queue behind it together, each with its own answer', async () => {
    const sent: string[][] = [];
    const singles: string[] = [];
    let release: () => void = () => {};
    const batcher = new TxnBatcher({
      concurrency: 1,
      failsEveryCall: () => true,
      send: async (ops) => {
        sent.push(ops.map(keyOf));
        return { responses: answered(ops), revision: '7' };
      },
    });
    const first = call('k0', singles);
    first.single = () => new Promise((resolve) => (release = () => resolve('k0:alone')));
    const answers = [batcher.call(first), ...['k1', 'k2', 'k3'].map((k) => batcher.call(call(k, singles)))];
    release();
    expect(await Promise.all(answers)).toEqual(['k0:alone', 'k1@7:true', 'k2@7:true', 'k3@7:true']);
    expect(sent).toEqual([['k1', 'k2', 'k3']]);
  });

  it('holds each key once per batch and at most maxOps calls', async () => {
    const sent: string[][] = [];
    let release: () => void = () => {};
    const batcher = new TxnBatcher({
      concurrency: 1,
      maxOps: 2,
      failsEveryCall: () => true,
      send: async (ops) => {
        sent.push(ops.map(keyOf));
        return { responses: answered(ops), revision: '1' };
      },
    });
    const blocker = call('first', []);
    blocker.single = () => new Promise((resolve) => (release = () => resolve('first')));
    const all = [blocker, call('a', []), call('a', []), call('b', []), call('c', [])].map((c) =>
      batcher.call(c),
    );
    release();
    await Promise.all(all);
    expect(sent).toEqual([
      ['a', 'b'],
      ['a', 'c'],
    ]);
  });

  it('a batch failing for one call (a lease gone) is tried call by call; an unreachable etcd fails them all', async () => {
    for (const unreachable of [false, true]) {
      const singles: string[] = [];
      let release: () => void = () => {};
      const batcher = new TxnBatcher({
        concurrency: 1,
        failsEveryCall: () => unreachable,
        send: async () => {
          throw new Error('etcdserver: requested lease not found');
        },
      });
      const blocker = call('first', singles);
      blocker.single = () => new Promise((resolve) => (release = () => resolve('first')));
      const results = [blocker, call('x', singles), call('y', singles)].map((c) => batcher.call(c));
      release();
      const settled = await Promise.allSettled(results);
      if (unreachable) {
        expect(settled.slice(1).map((r) => r.status)).toEqual(['rejected', 'rejected']);
        expect(singles).toEqual([]);
      } else {
        expect(settled.slice(1).map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
          'x:alone',
          'y:alone',
        ]);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { pacedLocks } from '../../../src/daemon/paced-locks.js';
import type { LockPort, LockState } from '../../../src/ports/coordination.js';

function slowLocks() {
  let inFlight = 0;
  let peak = 0;
  const order: string[] = [];
  const pending: (() => void)[] = [];
  const call = (key: string, fail = false) =>
    new Promise<LockState>((resolve, reject) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      order.push(key);
      pending.push(() => {
        inFlight -= 1;
        if (fail) reject(new Error('deadline exceeded'));
        else resolve({ holder: 'h', leaseId: '1', revision: '1' });
      });
    });
  const port: LockPort = {
    campaign: (key) => call(key, key === 'fail'),
    release: async (key) => {
      await call(key);
      return true;
    },
    read: async () => undefined,
    readAll: async () => new Map(),
    watch: async () => async () => {},
  };
  const settleAll = async () => {
    while (pending.length > 0) {
      for (const done of pending.splice(0)) done();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { port, order, settleAll, peak: () => peak, inFlight: () => inFlight };
}

describe('pacedLocks', () => {
  it('keeps at most `max` campaigns and releases in flight, in the order asked', async () => {
    const locks = slowLocks();
    const paced = pacedLocks(locks.port, 3);
    const calls = [
      ...Array.from({ length: 8 }, (_, i) => paced.campaign(`k${i}`, 'h', '1')),
      paced.release('r', '1'),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    expect(locks.inFlight()).toBe(3);
    await locks.settleAll();
    await Promise.all(calls);
    expect(locks.peak()).toBe(3);
    expect(locks.order).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'r']);
  });

  it('frees the slot of a call that failed', async () => {
    const locks = slowLocks();
    const paced = pacedLocks(locks.port, 1);
    const failed = paced.campaign('fail', 'h', '1').catch((error: Error) => error.message);
    const next = paced.campaign('next', 'h', '1');
    await locks.settleAll();
    expect(await failed).toBe('deadline exceeded');
    await expect(next).resolves.toMatchObject({ holder: 'h' });
  });
});

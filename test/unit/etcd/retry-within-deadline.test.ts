import { describe, expect, it } from 'vitest';
import { retryWithinDeadline } from '../../../src/etcd/retry-within-deadline.js';

class Unavailable extends Error {}
const retryable = (error: unknown) => error instanceof Unavailable;

describe('retryWithinDeadline', () => {
  it('tries another member when the first refuses at once (one member of three down)', async () => {
    const members = ['dead', 'alive', 'alive'];
    const tried: string[] = [];
    const ttl = await retryWithinDeadline(
      async () => {
        const member = members[tried.length] as string;
        tried.push(member);
        if (member === 'dead') throw new Unavailable('14 UNAVAILABLE: connect ECONNREFUSED');
        return 6;
      },
      { deadline: 1500, now: () => 10, retryable },
    );
    expect(ttl).toBe(6);
    expect(tried).toEqual(['dead', 'alive']);
  });

  it('gives up at once on errors another attempt cannot fix', async () => {
    let calls = 0;
    const refused = new Error('etcdserver: permission denied');
    await expect(
      retryWithinDeadline(
        async () => {
          calls += 1;
          throw refused;
        },
        { deadline: 1500, now: () => 0, retryable },
      ),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('keeps to the deadline and to the number of attempts', async () => {
    let clock = 0;
    let calls = 0;
    const fail = async () => {
      calls += 1;
      clock += 700;
      throw new Unavailable('deadline exceeded');
    };
    await expect(retryWithinDeadline(fail, { deadline: 1450, now: () => clock, retryable })).rejects.toThrow(
      'deadline exceeded',
    );
    expect(calls).toBe(2); // 1400 ms used, 50 ms left: no third attempt
    clock = 0;
    calls = 0;
    await expect(
      retryWithinDeadline(fail, { deadline: 1_000_000, now: () => clock, retryable }),
    ).rejects.toThrow();
    expect(calls).toBe(3);
  });
});

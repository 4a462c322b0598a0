import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../../src/api/auth-throttle.js';

describe('AuthThrottle', () => {
  it('doubles the wait per failure up to the maximum, per remote', () => {
    let now = 0;
    const throttle = new AuthThrottle({ baseMs: 100, maxMs: 1000, now: () => now });
    expect([1, 2, 3, 4, 5, 6].map(() => throttle.failed('10.0.0.1'))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(throttle.waitMs('10.0.0.1')).toBe(1000);
    expect(throttle.waitMs('10.0.0.2')).toBe(0);
    now = 400;
    expect(throttle.waitMs('10.0.0.1')).toBe(600);
  });

  it('forgets a remote after a success or a quiet spell', () => {
    let now = 0;
    const throttle = new AuthThrottle({ baseMs: 100, forgetMs: 5000, now: () => now });
    throttle.failed('a');
    throttle.failed('a');
    throttle.succeeded('a');
    expect(throttle.failed('a')).toBe(100);
    now = 6000;
    expect(throttle.failed('a')).toBe(100);
  });

  it('keeps at most maxRemotes, forgetting the oldest', () => {
    const throttle = new AuthThrottle({ baseMs: 100, maxRemotes: 2, now: () => 0 });
    throttle.failed('a');
    throttle.failed('b');
    throttle.failed('c');
    expect(throttle.waitMs('a')).toBe(0);
    expect(throttle.waitMs('c')).toBe(100);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../src/ports/clock.js';

describe('systemClock', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads as epoch milliseconds', () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
  });

  it.each([3_600_000, -3_600_000])('does not follow a wall-clock step of %i ms', (step) => {
    const before = systemClock.now();
    const wall = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(wall + step);
    const after = systemClock.now();
    expect(after - before).toBeGreaterThanOrEqual(0);
    expect(after - before).toBeLessThan(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { periodSpread } from '../../../src/model/period-spread.js';

describe('periodSpread', () => {
  it('gives each id its own period within ±25 % of the base, the same on every call', () => {
    const periods = Array.from({ length: 1000 }, (_, i) => periodSpread(`vip-${i}`, 2000));
    expect(Math.min(...periods)).toBeGreaterThanOrEqual(1500);
    expect(Math.max(...periods)).toBeLessThanOrEqual(2500);
    expect(periodSpread('vip-7', 2000)).toBe(periods[7]);
    // Spread over the range, not bunched: every tenth of it is used.
    const tenths = new Set(periods.map((ms) => Math.min(9, Math.floor((ms - 1500) / 100))));
    expect(tenths.size).toBe(10);
  });
});

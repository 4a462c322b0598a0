import { describe, expect, it } from 'vitest';
import { LoopStalls } from '../../../src/actors/loop-stalls.js';
import type { Clock } from '../../../src/ports/clock.js';

/** A clock whose one pending timer the test runs by hand, as late as it likes. */
function manualClock() {
  let now = 0;
  let pending: (() => void) | undefined;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn) => {
      pending = fn;
      return 1;
    },
    clearTimeout: () => {
      pending = undefined;
    },
  };
  /** Moves time on by `ms`, then runs the timer that was due (late if `ms` > its interval). */
  const runAfter = (ms: number) => {
    now += ms;
    pending?.();
  };
  return { clock, runAfter, at: () => now };
}

describe('LoopStalls', () => {
  it('records a timer that ran late as a stall of that lateness, and only from `since` on', () => {
    const { clock, runAfter, at } = manualClock();
    const stalls = new LoopStalls(clock, { intervalMs: 100, toleranceMs: 50 });
    stalls.start();
    runAfter(100);
    runAfter(130); // 30 ms late: noise
    expect(stalls.stalledSince(0)).toBe(0);
    const before = at();
    runAfter(1100); // 1 s late
    expect(stalls.stalledSince(before)).toBe(1000);
    // From half-way through the stall, half of it counts.
    expect(stalls.stalledSince(before + 600)).toBe(500);
    runAfter(100);
    expect(stalls.stalledSince(at())).toBe(0);
  });

  it('counts a stall still going on, before its late timer has run', () => {
    const { clock, runAfter, at } = manualClock();
    const stalls = new LoopStalls(clock, { intervalMs: 100, toleranceMs: 50 });
    stalls.start();
    runAfter(100);
    const since = at();
    // 900 ms on and the timer due at +100 has not run: the loop is stalled right now.
    const now = since + 900;
    clock.now = () => now;
    expect(stalls.stalledSince(since)).toBe(800);
  });

  it('forgets stalls older than it keeps, and reports nothing once stopped', () => {
    const { clock, runAfter } = manualClock();
    const stalls = new LoopStalls(clock, { intervalMs: 100, toleranceMs: 50, keepMs: 5000 });
    stalls.start();
    runAfter(2100);
    for (let i = 0; i < 60; i++) runAfter(100);
    expect(stalls.stalledSince(0)).toBe(0);
    stalls.stop();
    expect(stalls.stalledSince(0)).toBe(0);
  });
});

/**
 * The one clock shared by the actor system and every actor that keeps its own timer, so tests can
 * run on XState's SimulatedClock instead of sleeping.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Epoch milliseconds that follow the monotonic clock, not the wall clock: an NTP step of the wall
 * clock (an hour forward or back) must not expire a lease, stall a retry or reorder the history.
 * Anchored to the wall clock once, at start, so values still read as dates.
 */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}

export const systemClock: Clock = {
  now: monotonicNow,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

import { SimulatedClock } from 'xstate';
import type { Clock } from '../../src/ports/clock.js';

/** XState's SimulatedClock, which has `now()`, used as the project's Clock. */
export function simulatedClock(start = 1_000_000): SimulatedClock & Clock {
  const clock = new SimulatedClock();
  clock.set(start);
  return clock as SimulatedClock & Clock;
}

/** Lets every pending promise chain run to completion (fake I/O resolves in microtasks). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Advances simulated time in small steps, letting async work run between them. */
export async function advance(clock: SimulatedClock, ms: number, step = 5): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.increment(Math.min(step, ms - t));
    await flush();
  }
}

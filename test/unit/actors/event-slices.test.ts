import { describe, expect, it } from 'vitest';
import { EventSlices } from '../../../src/actors/event-slices.js';

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('EventSlices', () => {
  it('runs a few callbacks at once, as they come', () => {
    const ran: number[] = [];
    const slices = new EventSlices(() => {}, 4);
    for (let i = 0; i < 3; i++) slices.run(() => ran.push(i));
    expect(ran).toEqual([0, 1, 2]);
  });

  it('runs a burst a slice per macrotask, in order, so timers run between slices', async () => {
    const ran: number[] = [];
    const slices = new EventSlices(() => {}, 4);
    let timerRanAfter = -1;
    setImmediate(() => (timerRanAfter = ran.length));
    for (let i = 0; i < 10; i++) slices.run(() => ran.push(i));
    expect(ran).toEqual([0, 1, 2, 3]);
    await nextMacrotask();
    await nextMacrotask();
    await nextMacrotask();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(timerRanAfter).toBe(4);
  });

  it('a callback that throws is reported and the others still run', async () => {
    const errors: unknown[] = [];
    const ran: number[] = [];
    const slices = new EventSlices((error) => errors.push(error), 2);
    slices.run(() => {
      throw new Error('listener failed');
    });
    for (let i = 0; i < 3; i++) slices.run(() => ran.push(i));
    await nextMacrotask();
    await nextMacrotask();
    expect(ran).toEqual([0, 1, 2]);
    expect(errors).toHaveLength(1);
  });
});

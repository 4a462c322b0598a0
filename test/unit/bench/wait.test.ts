import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../bench/wait.js';

describe('waitFor', () => {
  it('resolves once the check holds', async () => {
    let polls = 0;
    await expect(waitFor(() => ++polls >= 3, 5000, 'three polls', 1)).resolves.toBeGreaterThanOrEqual(0);
    expect(polls).toBe(3);
  });

  it('describes the timeout with what the last check saw, not what was known before the first', async () => {
    let seen = 'nothing yet';
    let polls = 0;
    const waiting = waitFor(
      () => {
        polls += 1;
        seen = `poll ${polls}`;
        return false;
      },
      30,
      () => `the check to hold (last: ${seen})`,
      5,
    );
    await expect(waiting).rejects.toThrow(/\(last: poll \d+\)/);
    await expect(waiting).rejects.toThrow(new RegExp(`last: poll ${polls}\\)`));
  });
});

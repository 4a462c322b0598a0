import { describe, expect, it } from 'vitest';
import { LastWord } from '../../../src/actors/last-word.js';
import { simulatedClock } from '../../fakes/sim-time.js';

describe('LastWord', () => {
  it('follows the claims heard, whatever the spelling of the VIP', () => {
    const clock = simulatedClock();
    const word = new LastWord(clock, 100);
    expect(word.ours('10.0.0.10/32')).toBe(false);
    word.ownClaim('10.0.0.10/32');
    expect(word.ours('10.0.0.10')).toBe(true);
    clock.increment(500);
    word.otherClaim('10.0.0.10');
    expect(word.ours('10.0.0.10/32')).toBe(false);
    word.ownClaim('10.0.0.10'); // our kernel's ARP request with the VIP as sender
    expect(word.ours('10.0.0.10/32')).toBe(true);
  });

  it("keeps the last word when the other station's claim may have left before ours", () => {
    // After a heal both hosts defend at once: the old holder announces on hearing the new holder's
    // first frame, then reads its second frame, sent before the defence left. Taking that as the
    // last word unbound the VIP at once while the client followed the defence: an outage of 1 s.
    const clock = simulatedClock();
    const word = new LastWord(clock, 100);
    word.ownClaim('10.0.0.10/32');
    clock.increment(2);
    word.otherClaim('10.0.0.10/32');
    expect(word.ours('10.0.0.10/32')).toBe(true);
    clock.increment(200);
    word.otherClaim('10.0.0.10/32');
    expect(word.ours('10.0.0.10/32')).toBe(false);
  });
});

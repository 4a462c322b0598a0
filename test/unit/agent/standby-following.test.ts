import { describe, expect, it } from 'vitest';
import { StandbyFollowing } from '../../../src/agent/standby-following.js';
import type { VipSnapshot } from '../../../src/agent/vip-system.js';

/** Only what `follow` reads of a VIP snapshot. */
function standingBy(holder: string | undefined): VipSnapshot {
  return { context: { holder }, matches: () => false } as unknown as VipSnapshot;
}

/** Standby following on host a, noting what each VIP is told as `<id> <event>`. */
function telling() {
  const sent: string[] = [];
  const following = new StandbyFollowing({
    hostname: 'a',
    send: (id, event) => sent.push(`${id} ${event.type}`),
    watch: () => {},
  });
  return { sent, following };
}

describe('standby following', () => {
  it('asks the peer monitor to watch exactly the hosts that hold VIPs this host stands by for', () => {
    const watched: string[][] = [];
    const following = new StandbyFollowing({
      hostname: 'a',
      send: () => {},
      watch: (holders) => watched.push([...holders].sort()),
    });
    following.follow('v1', standingBy('b'), 'STANDBY');
    following.follow('v2', standingBy('b'), 'STANDBY'); // b already watched: no new set
    following.follow('v3', standingBy('c'), 'STANDBY');
    following.follow('v1', standingBy('c'), 'STANDBY'); // b still followed by v2
    following.follow('v2', standingBy('a'), 'ACTIVATED'); // b followed by nobody now
    following.follow('v3', standingBy('c'), 'STANDBY'); // unchanged

    expect(watched).toEqual([['b'], ['b', 'c'], ['c']]);
  });

  it('tells the VIPs standing by for a host what was learnt of it', () => {
    const { sent, following } = telling();
    following.follow('v1', standingBy('b'), 'STANDBY');
    following.follow('v2', standingBy('c'), 'STANDBY');
    following.tell('b', 'confirmed');
    expect(sent).toEqual(['v1 holder.confirmed']);
  });

  it('does not pass a mere suspicion on, nor the all-clear that ends it; an all-clear after a confirmation it does', () => {
    const { sent, following } = telling();
    following.follow('v1', standingBy('b'), 'STANDBY');
    for (let i = 0; i < 3; i++) {
      following.tell('b', 'suspected');
      following.tell('b', 'alive');
    }
    expect(sent).toEqual([]);
    following.tell('b', 'suspected');
    following.tell('b', 'confirmed');
    following.tell('b', 'alive');
    expect(sent).toEqual(['v1 holder.confirmed', 'v1 holder.alive']);
  });
});

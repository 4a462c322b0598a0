import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { vipMachine } from '../../../src/machines/vip.machine.js';
import { boundOf, statusOf } from '../../../src/machines/vip.status.js';
import { advance, simulatedClock } from '../../fakes/sim-time.js';
import { vipEndpoint } from '../../fakes/vip-endpoint.js';

const endpoint = vipEndpoint();

/** The bare machine: its holder is a no-op, so the bind's outcome is the events the test sends. */
function elected() {
  const clock = simulatedClock();
  const actor = createActor(vipMachine, { input: { endpoint, hostname: 'h1' }, clock });
  actor.start();
  actor.send({ type: 'elected', holder: 'h1', revision: '5' });
  return { actor, clock };
}

describe('boundOf: whether an ACTIVATED VIP is bound yet', () => {
  it('is false while the first bind is pending, true once it completed', () => {
    const { actor } = elected();
    expect(statusOf(actor.getSnapshot())).toBe('ACTIVATED');
    expect(boundOf(actor.getSnapshot())).toBe(false);
    actor.send({ type: 'net.bound' });
    expect(boundOf(actor.getSnapshot())).toBe(true);
  });

  it('stays false through failed binds and their retries', async () => {
    const { actor, clock } = elected();
    actor.send({ type: 'bind.failed', detail: 'bind 10.0.0.10/32: no answer within 5000 ms' });
    expect(statusOf(actor.getSnapshot())).toBe('ACTIVATED');
    expect(boundOf(actor.getSnapshot())).toBe(false);
    await advance(clock, 1500); // past retryDelay: binding again
    expect(boundOf(actor.getSnapshot())).toBe(false);
    actor.send({ type: 'net.bound' });
    expect(boundOf(actor.getSnapshot())).toBe(true);
  });

  it('is null outside ACTIVATED, and false again after a fault takes the VIP anew', () => {
    const { actor } = elected();
    actor.send({ type: 'net.bound' });
    actor.send({ type: 'demoted', holder: 'h2', revision: '6' });
    expect(statusOf(actor.getSnapshot())).toBe('STANDBY');
    expect(boundOf(actor.getSnapshot())).toBeNull();
    actor.send({ type: 'fault', reason: 'etcd unreachable' });
    expect(statusOf(actor.getSnapshot())).toBe('ACTIVATED');
    expect(boundOf(actor.getSnapshot())).toBe(false);
  });
});

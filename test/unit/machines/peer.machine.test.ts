import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise } from 'xstate';
import {
  type EndClaimInput,
  type PeerEvent,
  type PeerInput,
  type ProberInput,
  peerMachine,
  type SuspicionInput,
} from '../../../src/machines/peer.machine.js';
import { simulatedClock } from '../../fakes/sim-time.js';

const timing = {
  suspectAfterMs: 100,
  confirmWindowMs: 100,
  secondObserverTimeoutMs: 500,
  backoffMs: 1000,
  maxBackoffMs: 4000,
};

/** The peer statechart on simulated time, with actors that record what they were asked to do. */
function peer(over: Partial<PeerInput> = {}) {
  const clock = simulatedClock();
  const log: string[] = [];
  let answer: (() => void) | undefined;
  let revision = 10;
  const machine = peerMachine.provide({
    actors: {
      prober: fromCallback<PeerEvent, ProberInput>(({ sendBack }) => {
        answer = () => sendBack({ type: 'probe.answered' });
      }),
      suspicion: fromCallback<PeerEvent, SuspicionInput>(({ sendBack }) => {
        log.push('publish');
        revision += 1;
        sendBack({ type: 'suspicion.published', revision: String(revision) });
        return () => log.push('withdraw');
      }),
      endClaim: fromPromise<void, EndClaimInput>(async ({ signal }) => {
        await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 20));
        log.push(signal.aborted ? 'aborted' : 'revoke');
      }),
    },
  });
  const actor = createActor(machine, {
    clock,
    input: { host: 'h1', leaseId: '7', address: '192.0.2.1', port: 1312, otherObservers: 0, timing, ...over },
  }).start();
  // One step at a time: a timer armed during a step fires in a later one, as in real time.
  const at = (ms: number) => clock.increment(ms);
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { actor, log, at, flush, answer: () => answer?.(), revision: () => revision };
}

describe('peer statechart', () => {
  it('answers keep it ALIVE; silence past suspect-after makes it SUSPECTED', () => {
    const { actor, at, answer } = peer();
    for (let i = 0; i < 10; i++) {
      at(50);
      answer();
    }
    expect(actor.getSnapshot().value).toBe('ALIVE');
    at(100);
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'SUSPECTED' });
  });

  it('2 hosts: an unrefuted suspicion is confirmed after the window and the claim is ended', async () => {
    const { actor, log, at, flush } = peer();
    at(100);
    at(99);
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'SUSPECTED' });
    at(1);
    expect(actor.getSnapshot().value).toBe('CONFIRMED');
    at(20);
    await flush();
    expect(log).toEqual(['publish', 'withdraw', 'revoke']);
    expect(actor.getSnapshot().value).toBe('CLAIM_ENDED');
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('a refutation written after our suspicion backs off, longer each time; an older one is ignored', () => {
    const { actor, at, revision } = peer();
    at(100);
    actor.send({ type: 'host.refuted', revision: String(revision() - 1) });
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'SUSPECTED' });
    actor.send({ type: 'host.refuted', revision: String(revision() + 1) });
    expect(actor.getSnapshot().value).toBe('BACKING_OFF');
    at(999);
    expect(actor.getSnapshot().value).toBe('BACKING_OFF');
    at(1);
    expect(actor.getSnapshot().value).toBe('ALIVE');
    at(100);
    actor.send({ type: 'host.refuted', revision: String(revision() + 1) });
    at(1999);
    expect(actor.getSnapshot().value).toBe('BACKING_OFF');
    at(1);
    expect(actor.getSnapshot().value).toBe('ALIVE');
  });

  it("the host's first answer ends a back-off, so a crash right after a cut is still found fast", () => {
    const { actor, at, answer, revision } = peer();
    at(100);
    actor.send({ type: 'host.refuted', revision: String(revision() + 1) });
    expect(actor.getSnapshot().value).toBe('BACKING_OFF');
    at(300);
    answer();
    expect(actor.getSnapshot().value).toBe('ALIVE');
    at(100);
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'SUSPECTED' });
  });

  it("this host's own stall counts as no evidence: the confirm window starts over, a confirmation looks again", async () => {
    const { actor, log, at, flush } = peer();
    at(100);
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'SUSPECTED' });
    at(50);
    actor.send({ type: 'observer.lagged', lateMs: 400 });
    at(50);
    // The window started again at the stall, and the suspicion stayed published.
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'SUSPECTED' });
    expect(log).toEqual(['publish']);
    at(50);
    expect(actor.getSnapshot().value).toBe('CONFIRMED');
    actor.send({ type: 'observer.lagged', lateMs: 400 });
    expect(actor.getSnapshot().value).toBe('RECHECKING');
    at(20);
    await flush();
    expect(log).toEqual(['publish', 'withdraw', 'aborted']);
  });

  it('a confirmation interrupted by our stalls ends the claim once a whole period passes in silence', async () => {
    // A survivor busy taking over thousands of VIPs stalls every few hundred ms: each stall used
    // to drop the confirmation and start a new suspicion, so the claim was never ended.
    const { actor, log, at, flush } = peer();
    at(100);
    at(100);
    expect(actor.getSnapshot().value).toBe('CONFIRMED');
    for (let i = 0; i < 3; i++) {
      actor.send({ type: 'observer.lagged', lateMs: 300 });
      at(60);
      expect(actor.getSnapshot().value).toBe('RECHECKING');
    }
    at(40);
    expect(actor.getSnapshot().value).toBe('CONFIRMED');
    at(20);
    await flush();
    expect(log.at(-1)).toBe('revoke');
    expect(log.filter((l) => l === 'publish')).toHaveLength(1);
  });

  it('an answer while rechecking proves the host alive', () => {
    const { actor, at, answer } = peer();
    at(100);
    at(100);
    actor.send({ type: 'observer.lagged', lateMs: 300 });
    answer();
    expect(actor.getSnapshot().value).toBe('ALIVE');
  });

  it('answers that waited behind our stall arrive inside the new window and end the suspicion', () => {
    const { actor, log, at, answer } = peer();
    at(100);
    actor.send({ type: 'observer.lagged', lateMs: 400 });
    answer();
    expect(actor.getSnapshot().value).toBe('ALIVE');
    expect(log).toEqual(['publish', 'withdraw']);
  });

  it('3+ hosts: a stall while waiting for the second observer keeps our suspicion for it to agree with', () => {
    const { actor, log, at } = peer({ otherObservers: 1 });
    at(100);
    at(100);
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'AWAITING_SECOND_OBSERVER' });
    actor.send({ type: 'observer.lagged', lateMs: 200 });
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'SUSPECTED' });
    actor.send({ type: 'observer.suspects', observer: 'h3' });
    at(100);
    expect(actor.getSnapshot().value).toBe('CONFIRMED');
    expect(log).toEqual(['publish', 'withdraw']);
  });

  it('3+ hosts: waits for a second observer, confirms when one agrees', () => {
    const { actor, at } = peer({ otherObservers: 1 });
    at(100);
    at(100);
    expect(actor.getSnapshot().value).toEqual({ suspecting: 'AWAITING_SECOND_OBSERVER' });
    actor.send({ type: 'observer.suspects', observer: 'h3' });
    expect(actor.getSnapshot().value).toBe('CONFIRMED');
  });

  it('3+ hosts: with no second observer in time it gives up and backs off', () => {
    const { actor, at } = peer({ otherObservers: 1 });
    at(100);
    at(100);
    at(500);
    expect(actor.getSnapshot().value).toBe('BACKING_OFF');
  });

  it('an answer that arrives while the claim is being ended aborts it before the revoke', async () => {
    const { actor, log, at, flush, answer } = peer();
    at(100);
    at(100);
    expect(actor.getSnapshot().value).toBe('CONFIRMED');
    answer();
    expect(actor.getSnapshot().value).toBe('ALIVE');
    at(20);
    await flush();
    expect(log).toContain('aborted');
    expect(log).not.toContain('revoke');
  });
});

import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { HostLeaseEvent } from '../../../src/actors/host-lease.events.js';
import { HostLease } from '../../../src/actors/host-lease.js';
import type { KvPort, LeasePort } from '../../../src/ports/coordination.js';
import { silentLogger } from '../../../src/ports/logger.js';

const TTL_S = 6;
const CALL_TIMEOUT_MS = 1500;

/**
 * A lease port on the simulated clock whose keepalives fail, by deadline, in the rounds listed:
 * what an etcd member that died (or a leader election) looks like to one keepalive.
 */
function flakyLease(clock: SimulatedClock, failing: Set<number>, failFast = false, answerMs = 0) {
  const sent: number[] = [];
  const grants: number[] = [];
  const port: LeasePort = {
    grant: async () => {
      grants.push(clock.now());
      return `lease-${grants.length}`;
    },
    keepAlive: (id) => {
      sent.push(clock.now());
      const round = sent.length;
      return new Promise((resolve, reject) => {
        if (failing.has(round) && failFast) reject(new Error('14 UNAVAILABLE: No connection established'));
        else if (failing.has(round))
          clock.setTimeout(() => reject(new Error('4 DEADLINE_EXCEEDED')), CALL_TIMEOUT_MS);
        else {
          const answer = () => resolve(id === `lease-${grants.length}` ? TTL_S : 0);
          if (answerMs > 0) clock.setTimeout(answer, answerMs);
          else answer();
        }
      });
    },
    revoke: async () => {},
  };
  return { port, sent, grants };
}

const kv: KvPort = {
  get: async () => undefined,
  put: async () => {},
  delete: async () => {},
  list: async () => new Map(),
  writeBatch: async () => {},
};

async function advance(clock: SimulatedClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 50) {
    clock.increment(50);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

/** A host lease on `port`: TTL 6 s, a keepalive every 3 s, `etcd.down` after 2 failures. */
function hostLeaseOn(
  clock: SimulatedClock,
  port: LeasePort,
  stalls?: { stalledSince(since: number): number },
) {
  return new HostLease({
    hostname: 'h1',
    ttlSeconds: TTL_S,
    keepaliveIntervalMs: 3000,
    faultAfter: 2,
    expiryMarginMs: 1000,
    lease: port,
    kv,
    ...(stalls ? { stalls } : {}),
    clock,
    logger: silentLogger,
  });
}

function start(failing: number[], failFast = false, stalledMs = 0, answerMs = 0) {
  const clock = new SimulatedClock();
  const lease = flakyLease(clock, new Set(failing), failFast, answerMs);
  const events: (HostLeaseEvent & { at: number })[] = [];
  // The agent's own loop stalled for `stalledMs` during each call, as a starved agent's does.
  const hostLease = hostLeaseOn(clock, lease.port, { stalledSince: () => stalledMs });
  hostLease.subscribe((event) => events.push({ ...event, at: clock.now() }));
  return { clock, lease, events, hostLease };
}

describe('HostLease keepalive retries', () => {
  it('one keepalive failing by its deadline does not cost the lease: the retry comes before the TTL runs out', async () => {
    const { clock, lease, events, hostLease } = start([1]);
    await hostLease.start();
    await advance(clock, 20_000);
    await hostLease.stop({ revoke: false });
    // Granted at 0, renewed never before 3 s; the keepalive sent at 3 s fails at 4.5 s.
    const retry = lease.sent[1] as number;
    expect(lease.sent[0]).toBe(3000);
    expect(retry).toBeGreaterThan(4500);
    expect(retry).toBeLessThan(TTL_S * 1000 - 500);
    expect(lease.grants).toEqual([0]);
    expect(events.filter((e) => e.type === 'etcd.down')).toEqual([]);
  });

  it('a lease renewed after `lease.expiring` is announced as in force again, so VIPs that let go contend again', async () => {
    // Rounds 1 and 2 fail: the warning goes out, then round 3 renews the same lease.
    const { clock, lease, events, hostLease } = start([1, 2]);
    await hostLease.start();
    await advance(clock, 12_000);
    await hostLease.stop({ revoke: false });
    const expiring = events.find((e) => e.type === 'lease.expiring');
    expect(expiring).toBeDefined();
    const after = events.filter((e) => e.at >= (expiring?.at ?? 0));
    expect(after.map((e) => e.type)).toContain('lease.granted');
    expect(after.find((e) => e.type === 'lease.granted')).toMatchObject({ leaseId: 'lease-1', reused: true });
    expect(lease.grants).toEqual([0]);
  });

  it('two keepalives refused at once by a dead member are not an etcd outage: the retry reaches another', async () => {
    const { clock, lease, events, hostLease } = start([1, 2], true);
    await hostLease.start();
    await advance(clock, 10_000);
    await hostLease.stop({ revoke: false });
    expect(lease.sent.slice(0, 3)).toEqual([3000, 3500, 4000]);
    expect(events.filter((e) => e.type === 'etcd.down')).toEqual([]);
  });

  it('keepalives failing for a whole interval are an etcd outage', async () => {
    const { clock, events, hostLease } = start([1, 2, 3, 4, 5, 6, 7, 8], true);
    await hostLease.start();
    await advance(clock, 10_000);
    await hostLease.stop({ revoke: false });
    const down = events.find((e) => e.type === 'etcd.down');
    // The first refusal at 3 s, down once the refusals have lasted one keepalive interval.
    expect(down?.at).toBe(6000);
  });

  it('keepalives that time out while the agent itself stalls are not an etcd outage (no fault policy for a starved agent)', async () => {
    const { clock, events, hostLease } = start([1, 2, 3, 4, 5, 6, 7, 8], false, 1000);
    await hostLease.start();
    await advance(clock, 20_000);
    await hostLease.stop({ revoke: false });
    expect(events.filter((e) => e.type === 'etcd.down')).toEqual([]);
    // The lease still lapses by its own deadline: the VIPs let go, safe whatever the cause.
    expect(events.some((e) => e.type === 'lease.expiring')).toBe(true);
  });

  it('a keepalive that missed its deadline behind our own stall goes out again at once', async () => {
    // A starved agent (10 000 VIPs in the lab) stalled 1.5 s at a time: each keepalive spanning a
    // stall missed its deadline, and the retry waited 500 ms more, until the lease ran out in etcd.
    const { clock, lease, hostLease } = start([1], false, 1000);
    await hostLease.start();
    await advance(clock, 6000);
    await hostLease.stop({ revoke: false });
    // Sent at 3 s, failed at 4.5 s (the deadline), sent again in the next 50 ms step (not at 5 s).
    expect(lease.sent[1]).toBe(4550);
    expect(lease.grants).toEqual([0]);
  });

  it('keepalives go out an interval after the last was sent, not after its answer', async () => {
    // Answers 1.2 s late (a loaded agent reads them late): counted from the answer, each lease
    // lasted only TTL - interval - 2 × 1.2 s past the next send, and lapsed at 10 000 VIPs.
    const { clock, lease, events, hostLease } = start([], false, 0, 1200);
    await hostLease.start();
    await advance(clock, 13_000);
    await hostLease.stop({ revoke: false });
    expect(lease.sent.slice(0, 4)).toEqual([3000, 6000, 9000, 12_000]);
    expect(events.filter((e) => e.type === 'lease.expiring')).toEqual([]);
  });

  it('a renewal asked for while a keepalive is in flight waits for its answer: one lease granted, not one per call', async () => {
    // Two keepalives in flight both learnt that the lease had expired, and each granted a new one:
    // the second dropped the lease the first had just granted (three leases in 20 s at 10 000 VIPs).
    const clock = new SimulatedClock();
    const grants: number[] = [];
    const port: LeasePort = {
      grant: async () => {
        grants.push(clock.now());
        return `lease-${grants.length}`;
      },
      keepAlive: (id) =>
        new Promise((resolve) => clock.setTimeout(() => resolve(id === 'lease-1' ? 0 : TTL_S), 1000)),
      revoke: async () => {},
    };
    const hostLease = hostLeaseOn(clock, port);
    await hostLease.start();
    await advance(clock, 3200);
    hostLease.renewNow();
    await advance(clock, 3000);
    await hostLease.stop({ revoke: false });
    expect(grants).toHaveLength(2);
    expect(hostLease.inForce?.leaseId).toBe('lease-2');
  });

  it('a short stall during a call that waited its whole deadline is still an etcd outage', async () => {
    const { events, clock, hostLease } = start([1, 2, 3, 4, 5, 6, 7, 8], false, 300);
    await hostLease.start();
    await advance(clock, 20_000);
    await hostLease.stop({ revoke: false });
    expect(events.some((e) => e.type === 'etcd.down')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { type FaultLab, faultLabForSuite, isRoot, secs } from '../lab/fault-lab.js';
import type { LockTimeline } from '../lab/lock-timeline.js';

const TTL_MS = 6000;

/**
 * Fault scenario 2 with the `release` policy: the isolated holder unbinds the VIP before its lease
 * deadline, so the new holder binds it only after; kernel timestamps (sampled every 50 ms), the
 * agents' transition logs and the lock's history must all show the two never overlap.
 */
describe.skipIf(!isRoot)('faults: partition the holder, release policy (root)', { timeout: 120_000 }, () => {
  let lab: FaultLab;
  let lock: LockTimeline;

  faultLabForSuite(
    { prefix: 'lkfr', hosts: 3, faultPolicy: 'release', sampleEveryMs: 50 },
    async (started) => {
      lab = started;
      lock = await lab.watchLock();
    },
  );

  it('the isolated host unbinds before its lease deadline: no overlap with the new holder', async () => {
    const partitionedAt = Date.now();
    lab.cut.add('a');
    // No holder for a while is expected; two holders at once never are: only one window.
    lab.checker.detection('partition a (release)', TTL_MS + 3000 + 3000);
    await lab.lab.partition('a');
    await lab.checker.until(
      (holders) => (holders.get(lab.address) ?? []).some((h) => h !== 'a'),
      20_000,
      'a new holder',
    );
    const changes = lab.checker.changes(lab.address, partitionedAt);
    const unboundOnA = changes.find((c) => !c.holders.includes('a'))?.at;
    const boundElsewhere = changes.find((c) => c.holders.some((h) => h !== 'a'));
    const successor = boundElsewhere?.holders.find((h) => h !== 'a') as string;
    // Logs and the test's lock watch may arrive after the checker saw their effect: wait for them.
    const released = await lab.waitForTransition(
      'a',
      (t) => t.time >= partitionedAt && t.from === 'ACTIVATED' && t.to === 'STANDBY',
      5000,
      'left ACTIVATED',
    );
    const activated = await lab.waitForTransition(
      successor,
      (t) => t.time >= partitionedAt && t.to === 'ACTIVATED',
      5000,
      'ACTIVATED',
    );
    const deleted = await lock.waitFor(
      (e) => e.at >= partitionedAt && e.holder === undefined,
      5000,
      'the lease of a ended',
    );
    const rel = (at: number | undefined) => (at === undefined ? 'never' : secs(at - partitionedAt));
    console.info(
      `release policy, holder a partitioned at 0: a left ACTIVATED (${released.event}) at ${rel(released.time)}, ` +
        `VIP gone from a at ${rel(unboundOnA)}; lease expired in etcd at ${rel(deleted.at)}; ` +
        `${successor} ACTIVATED at ${rel(activated.time)}, VIP bound on ${successor} at ${rel(boundElsewhere?.at)}; ` +
        `gap ${(boundElsewhere?.at ?? 0) - (unboundOnA ?? 0)} ms (kernel), ${activated.time - released.time} ms (logs)`,
    );
    expect(released.event).toBe('lease.expiring');
    expect(unboundOnA).toBeDefined();
    expect(boundElsewhere).toBeDefined();
    // No sample ever saw both.
    expect(changes.every((c) => c.holders.length <= 1)).toBe(true);
    expect(unboundOnA as number).toBeLessThan(boundElsewhere?.at as number);
    expect(released.time).toBeLessThan(activated.time);
    // Before its lease deadline, which etcd's own expiry would follow; the peers, hearing nothing
    // from a's kernel and no refutation from its agent, revoke its lease early (the lock goes well
    // before), and the successor waits out the time that lease could still have lived.
    expect(released.time).toBeLessThan(partitionedAt + TTL_MS);
    expect(deleted.at).toBeLessThan(released.time);
    expect(lab.checker.violations).toEqual([]);
  });

  it('after the heal: still exactly one holder, and the client reaches it', async () => {
    const healedAt = Date.now();
    await lab.lab.heal('a');
    lab.cut.delete('a');
    const oneIn = await lab.checker.converged(20_000);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const holder = lab.holders();
    const outage = Math.max(0, ...lab.outages(healedAt).map((o) => o.durationMs));
    console.info(
      `healed: holders ${holder.join('+')} (${secs(oneIn)}), client outage after the heal ${outage} ms`,
    );
    expect(holder).toHaveLength(1);
    expect(lab.checker.changes(lab.address, healedAt).every((c) => c.holders.length === 1)).toBe(true);
    expect(outage).toBeLessThan(1000);
    expect(lab.checker.violations).toEqual([]);
  });
});

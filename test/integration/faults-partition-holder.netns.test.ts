import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFailed } from 'vitest';
import type { Capture } from '../lab/capture.js';
import { type FaultLab, faultLabForSuite, isRoot, secs } from '../lab/fault-lab.js';
import type { LockTimeline } from '../lab/lock-timeline.js';

const TTL_MS = 6000;

/**
 * Fault scenario 2, default policy (`activate`): the holder is cut off from etcd and from the other
 * hosts (its bridge port leaves the bridge). The others elect a new holder once its lease expires;
 * after the heal there is exactly one holder, announced to the client.
 */
describe.skipIf(!isRoot)('faults: partition the holder, default policy (root)', { timeout: 120_000 }, () => {
  let lab: FaultLab;
  let lock: LockTimeline;
  let partitionedAt = 0;
  let endPartition: ((settleMs: number) => void) | undefined;

  faultLabForSuite({ prefix: 'lkfp', hosts: 3 }, async (started) => {
    lab = started;
    lock = await lab.watchLock();
  });

  it('the others elect a new holder within TTL + 1 s of the lease expiring', async () => {
    partitionedAt = Date.now();
    lab.cut.add('a');
    // Detection: up to one keepalive interval since the last renewal, then the TTL and etcd's scan.
    endPartition = lab.checker.fault('partition a', TTL_MS + 3000 + 3000);
    await lab.lab.partition('a');
    const newHolder = await lab.checker.until(
      (holders) => (holders.get(lab.address) ?? []).some((h) => h !== 'a'),
      20_000,
      'a new holder',
    );
    // The test's own watch may deliver the lock's changes after the checker saw the new holder bind.
    const deleted = await lock.waitFor(
      (e) => e.at >= partitionedAt && e.holder === undefined,
      5000,
      'the lease of a expired',
    );
    const taken = await lock.waitFor(
      (e) => e.at >= partitionedAt && e.holder !== undefined,
      5000,
      'a new holder took the lock',
    );
    const answered = await (lab.probe as NonNullable<typeof lab.probe>).waitFor(
      (s) => s.ok && s.at > partitionedAt && s.answer !== 'a',
      15_000,
    );
    const outage = Math.max(0, ...lab.outages(partitionedAt).map((o) => o.durationMs));
    console.info(
      `holder a partitioned: lease expired (lock deleted) after ${secs(deleted.at - partitionedAt)}, ` +
        `${taken.holder} took the lock ${taken.at - deleted.at} ms later and bound the VIP ${secs(newHolder)} after the partition; ` +
        `client answered by ${answered.answer} after ${secs(answered.at - partitionedAt)} (outage ${outage} ms)`,
    );
    expect(taken.holder).toMatch(/^[bc]$/);
    // The lease runs out at most one TTL after the partition; etcd scans expired leases every ~500 ms.
    expect(deleted.at - partitionedAt).toBeLessThan(TTL_MS + 1500);
    expect(taken.at - deleted.at).toBeLessThan(1000);
    expect(newHolder).toBeLessThan(TTL_MS + 1000 + 1500);
  });

  it('after the heal: exactly one holder, it re-announces, and the client reaches it', async () => {
    const capture: Capture = await lab.lab.capture('client', 'arp');
    const healedAt = Date.now();
    onTestFailed(() => lab.dumpLogs(partitionedAt));
    await lab.lab.heal('a');
    lab.cut.delete('a');
    const oneIn = await lab.checker.converged(20_000);
    endPartition?.(1000);
    const holder = lab.holders()[0] as string;
    const holderMac = lab.lab.host(holder).mac;
    // A gratuitous ARP from the holder after the heal (the client's cache may hold the other MAC).
    const announced = await capture
      .waitFor(
        new RegExp(
          `${holderMac}.*(Request who-has ${lab.address} tell ${lab.address}|Reply ${lab.address} is-at)`,
        ),
        10_000,
      )
      .then(
        () => true,
        () => false,
      );
    await sleep(2000);
    await capture.stop();
    const mac = await lab.lab.neighbourMac('client', lab.address);
    const reached = await (lab.probe as NonNullable<typeof lab.probe>).waitFor(
      (s) => s.ok && s.at > Date.now() - 200 && s.answer === holder,
      5000,
    );
    const outage = Math.max(0, ...lab.outages(healedAt).map((o) => o.durationMs));
    console.info(
      `healed: one holder (${holder}) ${secs(oneIn)} after the heal, re-announced: ${announced}, client's neighbour entry ${mac}, ` +
        `client outage after the heal ${outage} ms, invariant violations ${lab.checker.violations.length}`,
    );
    expect(lab.holders()).toEqual([holder]);
    expect(announced).toBe(true);
    expect(mac).toBe(holderMac);
    expect(reached.answer).toBe(holder);
    expect(outage).toBeLessThan(1000);
    expect(lab.checker.violations).toEqual([]);
  });
});

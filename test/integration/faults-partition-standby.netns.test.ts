import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type FaultLab, faultLabForSuite, isRoot, secs } from '../lab/fault-lab.js';

/**
 * Fault scenario 3: a standby is cut off for longer than its lease. The client sees nothing: the
 * holder keeps the VIP and its lock throughout, and after the heal the standby settles back
 * without ever taking the VIP from the client.
 */
describe.skipIf(!isRoot)('faults: partition a standby (root)', { timeout: 120_000 }, () => {
  let lab: FaultLab;

  faultLabForSuite({ prefix: 'lkfs', hosts: 2 }, (started) => {
    lab = started;
  });

  it('the client sees nothing, during the partition and after the heal', async () => {
    const startedAt = Date.now();
    lab.cut.add('b');
    // The isolated standby may bind the VIP on its side (default policy): two holders are allowed
    // until it is back and settled; the reachable holder must never be missing.
    const end = lab.checker.fault('partition b', 0);
    await lab.lab.partition('b');
    await sleep(12_000);
    const healedAt = Date.now();
    await lab.lab.heal('b');
    lab.cut.delete('b');
    const oneIn = await lab.checker.converged(20_000, ['a']);
    end(1000);
    await sleep(4000);
    const samples = (lab.probe as NonNullable<typeof lab.probe>).samples.filter((s) => s.at >= startedAt);
    const failed = samples.filter((s) => !s.ok);
    const answers = new Set(samples.filter((s) => s.ok).map((s) => s.answer));
    const bRoles = lab
      .transitions('b')
      .filter((t) => t.time >= startedAt)
      .map((t) => `${t.from}->${t.to} (${t.event})`);
    console.info(
      `standby b partitioned for ${secs(healedAt - startedAt)}: ${samples.length} probes, ${failed.length} failed, answered by ${[...answers].join('+')}; ` +
        `b: ${bRoles.join(', ') || 'no transitions'}; only a holds ${secs(oneIn)} after the heal; violations ${lab.checker.violations.length}`,
    );
    expect(failed.length).toBeLessThanOrEqual(2);
    expect([...answers]).toEqual(['a']);
    expect(lab.holders()).toEqual(['a']);
    // b bound the VIP by the fault policy: once back, it asks a (through etcd) to announce the VIP
    // and gives it up on hearing it, within about a second (it waited a lease TTL before).
    expect(oneIn).toBeLessThan(3000);
    expect(lab.checker.violations).toEqual([]);
  });
});

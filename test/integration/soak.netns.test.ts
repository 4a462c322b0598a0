import { describe, expect, it } from 'vitest';
import { runSoak, soakMarkdown } from '../../bench/soak/soak-run.js';

const isRoot = process.getuid?.() === 0;
/** `npm run soak` uses 300 VIPs; in the suite, 60 keep the 2-minute run light on a shared machine. */
const VIPS = Number(process.env.LINK_SOAK_VIPS ?? 60);

/**
 * Fault scenario 7, short: 2 minutes of random faults (agent SIGKILL and restart, backend stop
 * and start, etcd member restart, partition, 1-2 s stall of the busiest holder agent) on 3 agents, with the invariant checker sampling all
 * the while. `npm run soak -- --minutes N` runs the same for longer.
 */
describe.skipIf(!isRoot)('soak: 2 minutes of random faults (root)', () => {
  it('loses no endpoint and breaks no invariant outside the fault windows', {
    timeout: 600_000,
  }, async () => {
    const report = await runSoak({ minutes: 2, vips: VIPS, log: (line) => console.info(`soak: ${line}`) });
    console.info(soakMarkdown(report).split('\n## Faults')[0]);
    expect(report.faults.length).toBeGreaterThanOrEqual(3);
    expect(report.endpointsLost).toBe(0);
    expect(report.violations).toEqual([]);
    expect(report.earlyTakeoversOfLiveHost).toBe(0);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type FaultLab, faultLabForSuite, isRoot, secs } from '../lab/fault-lab.js';

const RESTARTS = 20;

/**
 * Fault scenario 6: the holder's agent restarted 20 times in a row, as fast as it starts,
 * alternately killed (SIGKILL) and stopped (SIGTERM). Leases and watches in etcd stay bounded:
 * nothing leaks; afterwards exactly one host holds the VIP.
 */
describe.skipIf(!isRoot)('faults: restart storm (root)', { timeout: 600_000 }, () => {
  let lab: FaultLab;

  faultLabForSuite({ prefix: 'lkfw', hosts: 2 }, (started) => {
    lab = started;
  });

  /**
   * Host leases in etcd. The durable history's bucket leases are the cluster's, one per bucket span
   * (max age / 100): a span that begins during the storm adds one, legitimately, so they are not counted.
   */
  const leases = async () => {
    const all = ((await lab.etcdctl(['lease', 'list'])).stdout.match(/^[0-9a-f]+$/gm) ?? []).length;
    const { stdout } = await lab.etcdctl(['get', '--prefix', '--keys-only', '/link/history-leases/']);
    return all - (stdout.match(/^\/link\/history-leases\//gm) ?? []).length;
  };
  /** etcd's own gauges: watchers and watch streams open right now. */
  const watches = async () => {
    const { stdout } = await lab.lab.exec('switch', 'curl', [
      '-s',
      '--max-time',
      '3',
      `${lab.etcdEndpoints[0]}/metrics`,
    ]);
    const gauge = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(stdout)?.[1] ?? Number.NaN);
    return {
      watchers: gauge('etcd_debugging_mvcc_watcher_total'),
      streams: gauge('etcd_debugging_mvcc_watch_stream_total'),
    };
  };

  it('20 quick restarts of the holder: leases and watches stay bounded, one holder after', async () => {
    const before = { leases: await leases(), ...(await watches()) };
    const agent = lab.agent('a');
    const started = Date.now();
    const end = lab.checker.fault('restart storm', Number.POSITIVE_INFINITY);
    let maxLeases = before.leases;
    let maxWatchers = before.watchers;
    const startMs: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      if (i % 2 === 0) await agent.kill();
      else await agent.stop();
      const t = Date.now();
      await agent.start();
      startMs.push(Date.now() - t);
      maxLeases = Math.max(maxLeases, await leases());
      maxWatchers = Math.max(maxWatchers, (await watches()).watchers);
    }
    const stormMs = Date.now() - started;
    // Leases of killed processes that were not reused expire within one TTL.
    await sleep(8000);
    const oneIn = await lab.checker.converged(30_000);
    end(1000);
    await sleep(2000);
    const after = { leases: await leases(), ...(await watches()) };
    const holders = lab.holders();
    const statuses = await Promise.all(lab.agents.map((a) => a.status(lab.vip)));
    console.info(
      `${RESTARTS} restarts of a in ${secs(stormMs)} (start p50 ${secs([...startMs].sort((x, y) => x - y)[Math.floor(RESTARTS / 2)] ?? 0)}): ` +
        `leases ${before.leases} before, at most ${maxLeases} during, ${after.leases} after; ` +
        `watchers ${before.watchers} before, at most ${maxWatchers} during, ${after.watchers} after (watch streams ${before.streams} -> ${after.streams}); ` +
        `holders after: ${holders.join('+')} (${secs(oneIn)}), states ${statuses.join(',')}`,
    );
    expect(after.leases).toBe(before.leases);
    expect(maxLeases).toBeLessThanOrEqual(before.leases + 2);
    expect(after.watchers).toBeLessThanOrEqual(before.watchers);
    expect(after.streams).toBeLessThanOrEqual(before.streams);
    expect(maxWatchers).toBeLessThanOrEqual(before.watchers + 4);
    expect(holders).toHaveLength(1);
    expect([...statuses].sort()).toEqual(['ACTIVATED', 'STANDBY']);
    expect(lab.checker.violations).toEqual([]);
  });
});

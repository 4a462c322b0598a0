import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BACKEND_PORT, type FaultLab, faultLabForSuite, isRoot } from '../lab/fault-lab.js';
import { startToggleBackend, type ToggleBackend } from '../lab/toggle-backend.js';

/**
 * Fault scenario 4: the holder's backend goes down and up every second for 30 s. With health checks
 * every second and the README's thresholds (fall 3, rise 1), a single failed round never moves the
 * VIP: the number of failovers stays small and bounded, no ping-pong.
 */
describe.skipIf(!isRoot)('faults: flapping backend (root)', { timeout: 150_000 }, () => {
  let lab: FaultLab;
  let backend: ToggleBackend;

  faultLabForSuite(
    {
      prefix: 'lkff',
      hosts: 2,
      healthInterval: 1,
      agentEnv: { LINK_HEALTH_FALL: '3', LINK_HEALTH_RISE: '1', LINK_HEALTH_TIMEOUT: '1' },
    },
    async (started) => {
      lab = started;
      // A backend that flips in milliseconds, so the period really is one second.
      await lab.stopBackend('a');
      backend = await startToggleBackend(lab.lab, 'a', BACKEND_PORT);
      await lab.checker.converged(20_000, ['a']);
    },
  );

  it('flapping every second for 30 s: failovers stay bounded and small', async () => {
    const startedAt = Date.now();
    // Health failures may move the VIP (a failover is allowed, a ping-pong is not): no window for
    // two holders, a detection window for the moves themselves.
    lab.checker.detection('flapping a', 36_000);
    let flips = 0;
    while (Date.now() - startedAt < 30_000) {
      lab.sick.add('a');
      await backend.set(false);
      await sleep(1000);
      await backend.set(true);
      lab.sick.delete('a');
      flips += 1;
      await sleep(1000);
    }
    await sleep(3000);
    const changes = lab.checker.changes(lab.address, startedAt);
    const failovers = changes.filter((c) => c.holders.length === 1).length;
    const failing = lab.transitions('a').filter((t) => t.time >= startedAt && t.to === 'FAILING').length;
    const failed = (lab.probe as NonNullable<typeof lab.probe>).samples.filter(
      (s) => s.at >= startedAt && !s.ok,
    );
    console.info(
      `backend of a flapped ${flips} times in ${Math.round((Date.now() - startedAt) / 1000)} s: ${failovers} failovers ` +
        `(holders ${changes.map((c) => c.holders.join('+') || 'none').join(' -> ') || 'a throughout'}), a went FAILING ${failing} times, ` +
        `${failed.length} failed client probes (backend down while a holds), violations ${lab.checker.violations.length}`,
    );
    expect(failovers).toBeLessThanOrEqual(2);
    expect(failing).toBeLessThanOrEqual(2);
    expect(lab.holders()).toHaveLength(1);
    expect(lab.checker.violations).toEqual([]);
  });
});

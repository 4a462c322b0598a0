import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFailed } from 'vitest';
import { eventually } from '../lab/agents.js';
import { type FaultLab, faultLabForSuite, isRoot } from '../lab/fault-lab.js';

const FILLER = '/filler/';

/**
 * Fault class "etcd out of space": a small backend quota, filled until etcd raises its NOSPACE
 * alarm and refuses writes (reads and lease keepalives still work). The holder needs no write to
 * keep its VIP, so nothing moves for longer than a lease TTL; writes through the API fail with
 * etcd's message; once an operator frees space and disarms the alarm, writes work again.
 */
describe.skipIf(!isRoot)('faults: etcd out of space (NOSPACE alarm) (root)', { timeout: 120_000 }, () => {
  let lab: FaultLab;

  faultLabForSuite(
    {
      prefix: 'lkns',
      hosts: 2,
      etcdArgs: [`--quota-backend-bytes=${4 * 1024 * 1024}`],
    },
    (started) => {
      lab = started;
    },
  );

  const alarms = async () => (await lab.etcdctl(['alarm', 'list'])).stdout.trim();

  it('no VIP dropped while writes are refused; writes work again after the alarm is disarmed', async () => {
    const startedAt = Date.now();
    onTestFailed(() => lab.dumpLogs(startedAt));
    const transitionsBefore = lab.transitions('a').length + lab.transitions('b').length;
    // Under the 128 KiB limit of one command-line argument.
    const value = 'x'.repeat(120 * 1024);
    for (let i = 0; i < 120 && !(await alarms()).includes('NOSPACE'); i++) {
      await lab.etcdctl(['put', `${FILLER}${i}`, value]).catch(() => undefined);
    }
    expect(await alarms()).toContain('NOSPACE');
    const fullAt = Date.now();
    // Longer than a lease TTL: keepalives must keep the holder's lease and lock.
    await sleep(8000);
    const refused = await lab.agent('b').api<{ error?: string }>('POST', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip: '10.77.0.60/32' },
      checks: [],
    });
    const outage = Math.max(0, ...lab.outages(fullAt).map((o) => o.durationMs));
    const leaseTrouble = lab.agents.flatMap((agent) =>
      agent.logs
        .filter((l) => Number(l.time) >= fullAt && l.component === 'host-lease' && Number(l.level) >= 40)
        .map((l) => String(l.msg)),
    );

    // The operator frees space: delete, compact, defragment, disarm.
    await lab.etcdctl(['del', '--prefix', FILLER]);
    const status = JSON.parse((await lab.etcdctl(['endpoint', 'status', '-w', 'json'])).stdout) as {
      Status: { header: { revision: number } };
    }[];
    await lab.etcdctl(['compact', String(status[0]?.Status.header.revision), '--physical']);
    await lab.etcdctl(['defrag']);
    await lab.etcdctl(['alarm', 'disarm']);
    const disarmedAt = Date.now();
    let created: { status: number } = { status: 0 };
    await eventually(
      async () => {
        created = await lab.agent('b').api('POST', '/endpoints', {
          plugin: 'arp',
          plugin_config: { ip: '10.77.0.61/32' },
          checks: [],
        });
        return created.status === 201;
      },
      10_000,
      'a create after the alarm was disarmed',
    );
    console.info(
      `etcd NOSPACE for ${((disarmedAt - fullAt) / 1000).toFixed(1)} s: holders ${lab.holders().join('+')}, transitions ${lab.transitions('a').length + lab.transitions('b').length - transitionsBefore}, ` +
        `lease warnings ${leaseTrouble.length}, client outage ${outage} ms; a create was answered ${refused.status} ${JSON.stringify(refused.body)}; ` +
        `after the disarm a create succeeded in ${Date.now() - disarmedAt} ms`,
    );
    expect(lab.holders()).toEqual(['a']);
    expect(lab.transitions('a').length + lab.transitions('b').length).toBe(transitionsBefore);
    expect(leaseTrouble).toEqual([]);
    expect(outage).toBe(0);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/out of space.*etcdctl alarm disarm/);
    expect(lab.checker.violations).toEqual([]);
  });
});

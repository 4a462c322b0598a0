import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { EtcdCluster, EtcdMember } from '../lab/etcd-cluster.js';
import { type FaultLab, faultLabForSuite, isRoot, secs } from '../lab/fault-lab.js';

const maxOutage = (lab: FaultLab, from: number, to = Date.now()) =>
  Math.max(0, ...lab.outages(from, to).map((o) => o.durationMs));

/**
 * Fault scenario 1: a 3-member etcd cluster inside the lab. Losing the leader costs nothing;
 * losing quorum applies the fault policy (default: keep the VIP bound); restoring the members
 * converges back to one holder, and the client reaches the VIP all along.
 */
describe.skipIf(!isRoot)('faults: 3-member etcd cluster (root)', { timeout: 150_000 }, () => {
  let lab: FaultLab;
  let cluster: EtcdCluster;
  const killed: EtcdMember[] = [];
  let endQuorumFault: ((settleMs: number) => void) | undefined;

  faultLabForSuite({ prefix: 'lkfe', hosts: 2, cluster: true }, (started) => {
    lab = started;
    cluster = lab.cluster as EtcdCluster;
  });

  it('kill the leader: the client sees no outage and the holder does not change', async () => {
    const leader = await cluster.leader();
    expect(leader).toBeDefined();
    const started = Date.now();
    await leader?.kill();
    killed.push(leader as EtcdMember);
    const electedIn = await cluster.waitHealthy(20_000);
    // Several keepalive rounds with one member of three down: each agent keeps its lease.
    await sleep(15_000);
    const outage = maxOutage(lab, started);
    const changes = lab.checker.changes(lab.address, started);
    const leaseLogs = lab.agents.flatMap((agent) =>
      agent.logs
        .filter((l) => Number(l.time) >= started && l.component === 'host-lease' && Number(l.level) >= 40)
        .map((l) => `${agent.hostname}: ${l.msg} ${l.reason ?? ''}`),
    );
    // A keepalive sent to the dead member fails; the retry goes to another one in time.
    const failedKeepalives = leaseLogs.filter((l) => l.includes('keepalive failed')).length;
    const leaseTrouble = leaseLogs.filter((l) => !l.includes('keepalive failed'));
    console.info(
      `etcd leader ${leader?.name} killed: cluster healthy again in ${secs(electedIn)}, longest client outage ${outage} ms, holder changes ${changes.length}, failed keepalives ${failedKeepalives} (retried), leases lost ${leaseTrouble.length}`,
    );
    expect(leaseTrouble).toEqual([]);
    expect(lab.holders()).toEqual(['a']);
    expect(changes).toEqual([]);
    expect(outage).toBeLessThan(1000);
    expect(lab.checker.violations).toEqual([]);
  });

  it('kill a second member (no quorum): by default the VIP stays bound and reachable', async () => {
    const second = cluster.members.find((m) => m.running) as EtcdMember;
    const started = Date.now();
    const end = lab.checker.fault('quorum lost', 0);
    await second.kill();
    killed.push(second);
    // faultAfter (2) failed keepalives: the `activate` policy binds the VIP on the standby too.
    const faultIn = await lab.checker.until(
      (holders) => (holders.get(lab.address) ?? []).length === 2,
      30_000,
      'the standby applying the fault policy too',
    );
    await sleep(3000);
    const outage = maxOutage(lab, started);
    const failed = lab.probe?.samples.filter((s) => s.at >= started && !s.ok).length ?? 0;
    console.info(
      `quorum lost: fault policy applied after ${secs(faultIn)}, holders ${lab.holders().join('+')}, longest client outage ${outage} ms (${failed} failed probes)`,
    );
    expect(lab.holders()).toContain('a');
    expect(outage).toBeLessThan(1500);
    endQuorumFault = end;
  });

  it('bring both members back: one holder again, and the client keeps reaching the VIP', async () => {
    const started = Date.now();
    for (const member of killed) member.start();
    const healthyIn = await cluster.waitHealthy(30_000);
    const convergedIn = await lab.checker.converged(30_000);
    endQuorumFault?.(1000);
    await sleep(3000);
    const holder = lab.holders();
    const outage = maxOutage(lab, started);
    await lab.probe?.waitFor((s) => s.ok && s.at > Date.now() - 200, 5000);
    console.info(
      `members back: cluster healthy in ${secs(healthyIn)}, one holder (${holder.join()}) ${secs(convergedIn)} after the restart, longest client outage ${outage} ms, violations ${lab.checker.violations.length}`,
    );
    expect(holder).toHaveLength(1);
    expect(outage).toBeLessThan(2000);
    expect(lab.checker.violations).toEqual([]);
  });
});

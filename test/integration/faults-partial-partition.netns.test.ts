import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFailed } from 'vitest';
import { totalOf } from '../lab/agent-metrics.js';
import { type FaultLab, faultLabForSuite, isRoot, secs } from '../lab/fault-lab.js';
import { cutFromEtcd, cutFromSegment, dropInbound, restoreLink } from '../lab/link-filter.js';

const TTL_MS = 6000;

/**
 * Partial partitions: the network cut on one side only. 3 hosts, one VIP with two TCP checks (the
 * host's backend and a service on the client's side, as a gateway check would be; fall 2, every
 * 1 s), the client probing every 20 ms, the invariant checker sampling holders.
 */
describe.skipIf(!isRoot)('faults: partial partitions (root)', { timeout: 120_000 }, () => {
  let lab: FaultLab;

  faultLabForSuite(
    {
      prefix: 'lkpp',
      hosts: 3,
      healthInterval: 1,
      gatewayCheck: true,
      agentEnv: { LINK_HEALTH_FALL: '2', LINK_HEALTH_TIMEOUT: '1' },
    },
    (started) => {
      lab = started;
    },
  );

  /** Holder changes since `from`, as the checker sampled them: `a`, `a+b`, `none`, ... */
  const changesSince = (from: number) =>
    lab.checker.changes(lab.address, from).map((c) => c.holders.join('+') || 'none');

  const maxOutage = (from: number) => Math.max(0, ...lab.outages(from).map((o) => o.durationMs));

  it('holder reaching etcd but not its peers or clients: keeps its lease, the gateway check moves the VIP', async () => {
    const [holder] = lab.holders() as [string];
    const since = Date.now();
    onTestFailed(() => lab.dumpLogs(since));
    const endedBefore = await totalOf(lab.agents, 'link_peer_claims_ended_total');
    const refutedBefore = await totalOf(lab.agents, 'link_peer_refutations_total');
    lab.cut.add(holder);
    // Detection: 2 failed rounds of the gateway check (1 s apart, 1 s timeout), then the election.
    const end = lab.checker.fault(`segment cut ${holder}`, 6000);
    await cutFromSegment(lab.lab, holder);
    const failing = await lab.waitForTransition(
      holder,
      (t) => t.time >= since && t.to === 'FAILING',
      15_000,
      'FAILING on its gateway check',
    );
    await lab.checker.until(
      (holders) => (holders.get(lab.address) ?? []).some((h) => h !== holder),
      15_000,
      'a reachable holder',
    );
    const movedAt = Date.now();
    // The cut lasts a while: the peers suspect the holder, it refutes through etcd; nothing flaps.
    await sleep(4000);
    const healedAt = Date.now();
    await restoreLink(lab.lab, holder);
    lab.cut.delete(holder);
    await lab.waitForTransition(holder, (t) => t.time >= healedAt && t.to === 'STANDBY', 10_000, 'STANDBY');
    end(1000);
    await sleep(1500);
    const changes = changesSince(since);
    const ended = (await totalOf(lab.agents, 'link_peer_claims_ended_total')) - endedBefore;
    const refuted = (await totalOf(lab.agents, 'link_peer_refutations_total')) - refutedBefore;
    const leaseLost = lab
      .agent(holder)
      .logs.some(
        (l) => Number(l.time) >= since && /host lease (expired|keepalive failed)/.test(String(l.msg)),
      );
    console.info(
      `${holder} cut from peers and client, reaching etcd: FAILING after ${secs(failing.time - since)} (${failing.cause}), ` +
        `VIP elsewhere after ${secs(movedAt - since)}, client outage ${maxOutage(since)} ms; ` +
        `suspicions refuted ${refuted}, claims ended ${ended}, lease trouble ${leaseLost}; holders ${changes.join(' -> ')}`,
    );
    expect(failing.cause).toContain(`${lab.lab.client?.ip}:8081`);
    expect(ended).toBe(0);
    expect(leaseLost).toBe(false);
    expect(maxOutage(since)).toBeLessThan(8000);
    // a -> (none) -> b, and it stays there after the heal: no move back.
    expect(changes.length).toBeLessThanOrEqual(3);
    expect(lab.holders()).toHaveLength(1);
    expect(lab.holders()).not.toContain(holder);
    expect(lab.checker.violations).toEqual([]);
  });

  it('holder reaching its peers and clients but not etcd: one move, no outage, one holder soon after the heal', async () => {
    const [holder] = lab.holders() as [string];
    const since = Date.now();
    onTestFailed(() => lab.dumpLogs(since));
    // It keeps the VIP (activate) while another host takes the lock: two holders, both reachable.
    const end = lab.checker.fault(`etcd cut ${holder}`, 0);
    await cutFromEtcd(lab.lab, holder);
    await lab.checker.until(
      (holders) => (holders.get(lab.address) ?? []).some((h) => h !== holder),
      TTL_MS + 8000,
      'another host holding the lock',
    );
    const takenAt = Date.now();
    const successor = await (lab.probe as NonNullable<typeof lab.probe>).waitFor(
      (s) => s.ok && s.at > since && s.answer !== holder,
      5000,
    );
    await sleep(2000);
    const healedAt = Date.now();
    await restoreLink(lab.lab, holder);
    const oneIn = await lab.checker.converged(10_000);
    end(1000);
    await sleep(1500);
    const changes = changesSince(since);
    const answers = (lab.probe as NonNullable<typeof lab.probe>).samples.filter(
      (s) => s.ok && s.at > successor.at,
    );
    console.info(
      `${holder} cut from etcd, reaching peers and client: ${successor.answer} bound after ${secs(takenAt - since)}, ` +
        `client moved after ${secs(successor.at - since)}, outage ${maxOutage(since)} ms; one holder ${secs(oneIn)} after the heal; ` +
        `holders ${changes.join(' -> ')}`,
    );
    expect(successor.answer).not.toBe(holder);
    expect(maxOutage(since)).toBeLessThan(1000);
    // The client, once moved, stays with the lock's holder: the cut host announces nothing.
    expect(answers.every((s) => s.answer === successor.answer)).toBe(true);
    expect(healedAt).toBeGreaterThan(takenAt);
    expect(oneIn).toBeLessThan(3000);
    expect(lab.holders()).toEqual([successor.answer]);
    // b -> b+c -> c.
    expect(changes.length).toBeLessThanOrEqual(3);
    expect(lab.checker.violations).toEqual([]);
  });

  it('asymmetric link: the holder sends but receives nothing; its peers end its claim, no client is pulled back', async () => {
    const [holder] = lab.holders() as [string];
    const since = Date.now();
    onTestFailed(() => lab.dumpLogs(since));
    lab.cut.add(holder);
    const end = lab.checker.fault(`inbound dropped ${holder}`, TTL_MS + 3000);
    await dropInbound(lab.lab, holder);
    const successor = await (lab.probe as NonNullable<typeof lab.probe>).waitFor(
      (s) => s.ok && s.at > since && s.answer !== holder,
      TTL_MS + 8000,
    );
    await sleep(4000);
    const healedAt = Date.now();
    await restoreLink(lab.lab, holder);
    lab.cut.delete(holder);
    const oneIn = await lab.checker.converged(10_000);
    end(1000);
    await sleep(1500);
    const changes = changesSince(since);
    const probe = lab.probe as NonNullable<typeof lab.probe>;
    const pulledBack = probe.samples.filter(
      (s) => s.ok && s.at > successor.at && s.answer !== successor.answer,
    );
    console.info(
      `${holder} receives nothing: client answered by ${successor.answer} after ${secs(successor.at - since)} ` +
        `(outage ${maxOutage(since)} ms), answers from others afterwards ${pulledBack.length}; ` +
        `one holder ${secs(oneIn)} after the heal (${secs(healedAt - since)} in); holders ${changes.join(' -> ')}`,
    );
    // Ended early by the peers (silence on the wire, no refutation through etcd), else by the lease.
    expect(successor.at - since).toBeLessThan(TTL_MS + 3000);
    expect(pulledBack).toEqual([]);
    expect(oneIn).toBeLessThan(5000);
    expect(lab.holders()).toEqual([successor.answer]);
    expect(changes.length).toBeLessThanOrEqual(4);
    expect(lab.checker.violations).toEqual([]);
  });
});

/**
 * Failover with real linkd agents in network namespaces: real etcd in the lab, real `ip`, real
 * gratuitous ARP and neighbour advertisements, and a client probing the VIP over TCP every 20 ms.
 * Bounds are the issue's, applied to the median of the runs of each scenario (what the issue asks
 * to report); a single run may take up to SLACK_MS longer, since every step of a failover is a
 * process wake-up and other work shares the two cores. Measured numbers are printed, and written
 * to bench/results/failover-netns.md when LINK_BENCH_WRITE=1.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { boundOn, eventually, type LabAgent, startAgents } from '../lab/agents.js';
import type { Backend } from '../lab/backend.js';
import type { LabEtcd } from '../lab/etcd.js';
import { type FailoverMeasure, measureFailover, median } from '../lab/failover-measure.js';
import { FailoverReport, type ScenarioSpec } from '../lab/failover-report.js';
import { createLab, type Lab, type LabNode } from '../lab/lab.js';
import { outagesOf, type ProbeLoop } from '../lab/probe-loop.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('test/integration/failover.netns.test.ts skipped: network namespaces need root');

const VIP = '10.77.0.50';
const VIP6 = 'fd77::50';
const PORT = 8080;
const RUNS = 3;
/** Graceful stops are quick to repeat and the most sensitive to a busy machine: more runs. */
const GRACEFUL_RUNS = 5;
const SLACK_MS = 2000;
/** Longest run of failed probes allowed while etcd is away and when it returns. */
const ETCD_OUTAGE_BLIP_MS = 1500;
const TTL_S = 6;
const HEALTH_INTERVAL_S = 1;
const HEALTH_FALL = 2;
const CHECK = { type: 'TCP', host: '127.0.0.1', port: PORT };
const REPORT_PATH = fileURLToPath(new URL('../../bench/results/failover-netns.md', import.meta.url));

const AGENT_ENV = {
  LINK_LEASE_TTL: String(TTL_S),
  LINK_KEEPALIVE_INTERVAL: '3',
  LINK_HEALTH_INTERVAL: String(HEALTH_INTERVAL_S),
  LINK_HEALTH_TIMEOUT: '1',
  LINK_HEALTH_FALL: String(HEALTH_FALL),
  LINK_HEALTH_RISE: '1',
};

/** A refused connection fails a check at once, so `fall` rounds one interval apart detect it. */
const HEALTH_DETECTION_MS = HEALTH_FALL * HEALTH_INTERVAL_S * 1000;

const CRASH: ScenarioSpec = {
  name: 'host crash (eth0 down + SIGKILL)',
  boundMs: TTL_S * 1000 + 2000,
  boundText: `TTL ${TTL_S} s + 2 s`,
};
const GRACEFUL: ScenarioSpec = { name: 'graceful stop (SIGTERM)', boundMs: 1000, boundText: '1 s' };
const HEALTH: ScenarioSpec = {
  name: 'backend stops (health fails)',
  boundMs: HEALTH_DETECTION_MS + 1000,
  boundText: `${HEALTH_FALL} x ${HEALTH_INTERVAL_S} s detection + 1 s`,
};
const KILL: ScenarioSpec = {
  name: 'agent SIGKILL, host up (stale address left)',
  boundMs: TTL_S * 1000 + 2000,
  boundText: `TTL ${TTL_S} s + 2 s`,
};
const GRACEFUL6: ScenarioSpec = { name: 'IPv6 graceful stop (SIGTERM)', boundMs: 1000, boundText: '1 s' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!isRoot)('failover in network namespaces (root)', () => {
  let lab: Lab;
  let etcd: LabEtcd;
  let agents: LabAgent[];
  let loop: ProbeLoop;
  const backends = new Map<string, Backend>();
  const report = new FailoverReport(
    'Failover in network namespaces',
    [
      'Three hosts and a client on one bridge (`test/integration/failover.netns.test.ts`), a real `linkd`',
      `per host, etcd in the lab, lease TTL ${TTL_S} s with a keepalive every 3 s, health checks`,
      `\`TCP 127.0.0.1:${PORT}\` every ${HEALTH_INTERVAL_S} s with fall ${HEALTH_FALL}, gratuitous ARP 1 + 3 rounds 1 s apart.`,
      'The client opens a TCP connection to the VIP every 20 ms (200 ms timeout); each host answers its name.',
      'Agents run from the TypeScript sources through tsx; the machine runs other work at the same time.',
    ].join('\n'),
  );

  const agentOf = (name: string) => {
    const agent = agents.find((a) => a.hostname === name);
    if (!agent) throw new Error(`no agent on ${name}`);
    return agent;
  };

  /**
   * Waits for the steady state: exactly one host binds `address`, its agent is ACTIVATED and every
   * other STANDBY, the client's probes reach it and its neighbour entry holds that host's MAC.
   */
  async function settle(address: string, cidr: string, probes: ProbeLoop, timeoutMs = 30_000) {
    let holder: LabAgent | undefined;
    await eventually(
      async () => {
        const bound = await boundOn(lab, address);
        if (bound.length !== 1) return false;
        const candidate = agentOf(bound[0] as string);
        const statuses = await Promise.all(agents.map((a) => a.status(cidr)));
        if (!statuses.every((s, i) => s === (agents[i] === candidate ? 'ACTIVATED' : 'STANDBY')))
          return false;
        holder = candidate;
        return true;
      },
      timeoutMs,
      `one holder of ${address}, the other agents STANDBY`,
    );
    const found = holder as LabAgent;
    const since = Date.now();
    await probes.waitFor((s) => s.ok && s.at >= since && s.answer === found.hostname, 10_000);
    await eventually(
      async () => (await lab.neighbourMac('client', address)) === found.node.mac,
      5000,
      `the client's neighbour entry for ${address} to hold ${found.node.mac}`,
    );
    return found;
  }

  /** After a failover: the client's neighbour entry moves to the new holder. */
  async function expectNeighbour(address: string, node: LabNode): Promise<void> {
    await eventually(
      async () => (await lab.neighbourMac('client', address)) === node.mac,
      3000,
      `the client's neighbour entry for ${address} to hold ${node.name}'s MAC ${node.mac}`,
    );
    expect(await lab.neighbourMac('client', address)).toBe(node.mac);
  }

  function record(spec: ScenarioSpec, run: number, measure: FailoverMeasure): void {
    report.add(spec, measure);
    console.log(
      `${spec.name} #${run}: ${measure.from} -> ${measure.to} in ${measure.failoverMs} ms ` +
        `(longest outage ${measure.outageMs} ms, ${measure.failedProbes} failed probes; bound ${spec.boundMs} ms)`,
    );
    expect(measure.failoverMs).toBeLessThanOrEqual(spec.boundMs + SLACK_MS);
  }

  /** The bound holds for the median of a scenario's runs. */
  function expectMedianWithin(spec: ScenarioSpec, runs: FailoverMeasure[]): void {
    const value = median(runs.map((r) => r.failoverMs));
    console.log(`${spec.name}: median ${value} ms over ${runs.length} runs (bound ${spec.boundMs} ms)`);
    expect(value).toBeLessThanOrEqual(spec.boundMs);
  }

  beforeAll(async () => {
    lab = await createLab({ hosts: 3, client: true, prefix: 'lkf' });
    etcd = await lab.startEtcd();
    for (const host of lab.hosts) backends.set(host.name, await lab.startBackend(host, { port: PORT }));
    agents = await startAgents(lab, { etcd: etcd.endpoints, env: AGENT_ENV, startTimeoutMs: 120_000 });
    for (const agent of agents) await agent.createVip(`${VIP}/32`, [CHECK]);
    loop = await lab.probeLoop('client', VIP, PORT, 20, { timeoutMs: 200 });
  }, 360_000);

  afterAll(async () => {
    await loop?.stop().catch(() => undefined);
    if (!report.empty) {
      console.log(report.summary());
      if (process.env.LINK_BENCH_WRITE === '1') {
        report.write(REPORT_PATH);
        console.log(`failover report written to ${REPORT_PATH}`);
      }
    }
    await lab?.destroy();
  });

  it('steady state: one host binds the VIP, the client reaches it by its MAC', async () => {
    const holder = await settle(VIP, `${VIP}/32`, loop);
    const since = Date.now();
    await sleep(1000);

    expect(await boundOn(lab, VIP)).toEqual([holder.hostname]);
    expect(await lab.neighbourMac('client', VIP)).toBe(holder.node.mac);
    // Every answer comes from the holder; on a loaded machine a probe may still miss its 200 ms.
    const window = loop.samples.filter((s) => s.at >= since);
    const answered = window.filter((s) => s.ok);
    console.log(`steady state: ${answered.length} of ${window.length} probes answered within 200 ms`);
    expect(answered.length).toBeGreaterThan(10);
    expect(new Set(answered.map((s) => s.answer))).toEqual(new Set([holder.hostname]));
    for (const agent of agents) {
      const [endpoint] = await agent.endpoints();
      expect(endpoint).toMatchObject({
        ip: `${VIP}/32`,
        status: agent === holder ? 'ACTIVATED' : 'STANDBY',
        holder: holder.hostname,
      });
    }
    console.log(`steady state: ${holder.hostname} (${holder.node.mac}) holds ${VIP}`);
  }, 180_000);

  it('announces a takeover with both gratuitous ARP shapes, 1 + 3 rounds about 1 s apart', async () => {
    const holder = await settle(VIP, `${VIP}/32`, loop);
    const vipHex = `0x${VIP.split('.')
      .map((o) => Number(o).toString(16).padStart(2, '0'))
      .join('')}`;
    // Every gratuitous ARP frame for the VIP (sender IP = target IP = VIP), whatever its shape.
    const claims = await lab.capture('client', `arp and arp[14:4] = ${vipHex} and arp[24:4] = ${vipHex}`);
    // Only the two shapes Linux accepts within locktime: request-style (op 1, sender IP = target
    // IP, target MAC zero) and reply-style (op 2, sender IP = target IP, target MAC = sender MAC).
    const shaped = await lab.capture(
      'client',
      `arp and ether dst ff:ff:ff:ff:ff:ff and arp[14:4] = ${vipHex} and arp[14:4] = arp[24:4] and (` +
        '(arp[6:2] = 1 and arp[18:4] = 0 and arp[22:2] = 0) or ' +
        '(arp[6:2] = 2 and arp[8:4] = arp[18:4] and arp[12:2] = arp[22:2]))',
    );

    const [endpoint] = await holder.endpoints();
    const since = Date.now();
    const res = await holder.api('POST', `/endpoints/${endpoint?.id}/failover`);
    expect(res.status).toBe(204);
    const moved = await measureFailover(loop, since, holder.hostname, 10_000);
    const successor = agentOf(moved.to).node;
    await expectNeighbour(VIP, successor);
    // The burst spans 3 s; leave time for the last round.
    await sleep(4000);
    const [all, matching] = await Promise.all([claims.stop(), shaped.stop()]);

    const fromSuccessor = (lines: string[]) => lines.filter((l) => l.split(' ')[1] === successor.mac);
    const requests = fromSuccessor(matching).filter((l) => l.includes(`Request who-has ${VIP} tell ${VIP}`));
    const replies = fromSuccessor(matching).filter((l) => l.includes(`Reply ${VIP} is-at ${successor.mac}`));
    console.log(`GARP from ${successor.name}:\n${fromSuccessor(all).join('\n')}`);
    expect(requests.length).toBeGreaterThanOrEqual(4);
    expect(replies.length).toBeGreaterThanOrEqual(4);
    // Every gratuitous frame the successor sent for the VIP has one of the two accepted shapes.
    expect(fromSuccessor(all)).toHaveLength(fromSuccessor(matching).length);
    for (const line of [...requests, ...replies])
      expect(line).toContain(`${successor.mac} > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60`);

    const seconds = requests.map((l) => {
      const [h, m, s] = (l.split(' ')[0] as string).split(':').map(Number);
      return (h as number) * 3600 + (m as number) * 60 + (s as number);
    });
    const spread = (seconds.at(-1) as number) - (seconds[0] as number);
    console.log(
      `announcement: ${requests.length} request-style, ${replies.length} reply-style over ${spread.toFixed(2)} s`,
    );
    expect(spread).toBeGreaterThan(2.5);
    expect(spread).toBeLessThan(5);
  }, 180_000);

  it(`graceful stop (SIGTERM): the client reaches the successor within ${GRACEFUL.boundMs} ms`, async () => {
    const runs: FailoverMeasure[] = [];
    for (let run = 1; run <= GRACEFUL_RUNS; run++) {
      const holder = await settle(VIP, `${VIP}/32`, loop);
      const since = Date.now();
      const stopped = holder.stop();
      const moved = await measureFailover(loop, since, holder.hostname, 15_000);
      await stopped;
      record(GRACEFUL, run, moved);
      runs.push(moved);
      await expectNeighbour(VIP, agentOf(moved.to).node);
      expect(await boundOn(lab, VIP)).toEqual([moved.to]);
      await holder.start();
    }
    expectMedianWithin(GRACEFUL, runs);
  }, 540_000);

  it(`host crash (eth0 down + SIGKILL): the client reaches another host within TTL + 2 s`, async () => {
    const runs: FailoverMeasure[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const holder = await settle(VIP, `${VIP}/32`, loop);
      const since = Date.now();
      await holder.crash();
      const moved = await measureFailover(loop, since, holder.hostname, 30_000);
      record(CRASH, run, moved);
      runs.push(moved);
      await expectNeighbour(VIP, agentOf(moved.to).node);

      await lab.hostUp(holder.node);
      // eth0 down flushed the host's own IPv6 address (keep_addr_on_down=0): put it back.
      await lab.exec(holder.node, 'ip', ['addr', 'replace', `${holder.node.ip6}/64`, 'dev', 'eth0', 'nodad']);
      await holder.start();
    }
    expectMedianWithin(CRASH, runs);
  }, 600_000);

  it(`backend stops: the client reaches a healthy host within detection + 1 s`, async () => {
    const runs: FailoverMeasure[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const holder = await settle(VIP, `${VIP}/32`, loop);
      const since = Date.now();
      await backends.get(holder.hostname)?.stop();
      const moved = await measureFailover(loop, since, holder.hostname, 20_000);
      record(HEALTH, run, moved);
      runs.push(moved);
      await expectNeighbour(VIP, agentOf(moved.to).node);
      expect(await holder.status(`${VIP}/32`)).toBe('FAILING');
      expect(await boundOn(lab, VIP)).toEqual([moved.to]);

      backends.set(holder.hostname, await lab.startBackend(holder.node, { port: PORT }));
    }
    expectMedianWithin(HEALTH, runs);
  }, 540_000);

  it('restart after SIGKILL: the stale address goes once the agent is back as STANDBY', async () => {
    const holder = await settle(VIP, `${VIP}/32`, loop);
    const since = Date.now();
    await holder.kill();
    // The kernel keeps the address, and the backend keeps answering on it until another host
    // takes the lock after the lease expires and announces itself.
    expect(await boundOn(lab, VIP)).toContain(holder.hostname);
    const moved = await measureFailover(loop, since, holder.hostname, 30_000);
    record(KILL, 1, moved);
    expectMedianWithin(KILL, [moved]);
    await expectNeighbour(VIP, agentOf(moved.to).node);
    expect((await boundOn(lab, VIP)).sort()).toEqual([holder.hostname, moved.to].sort());

    const restarted = Date.now();
    await holder.start();
    const removedMs = await eventually(
      async () =>
        (await holder.status(`${VIP}/32`)) === 'STANDBY' &&
        !(await boundOn(lab, VIP)).includes(holder.hostname),
      15_000,
      `${holder.hostname} back as STANDBY without the stale address`,
    );
    console.log(
      `stale ${VIP} removed from ${holder.hostname} ${Date.now() - restarted} ms after restart (${removedMs} ms after linkd started)`,
    );
    expect(await boundOn(lab, VIP)).toEqual([moved.to]);
    // Unbound at start, before the VIP's statechart asked etcd: another host holds its lock.
    await holder.waitForLog(
      (l) =>
        Number(l.time) >= restarted &&
        l.msg === 'unbound the addresses an earlier run left and other hosts hold now' &&
        l.unbound === 1,
      5000,
      'the stale address unbound at start',
    );
    // The client was never sent back to the stale address.
    const after = loop.samples.filter((s) => s.at >= restarted);
    expect(after.filter((s) => s.ok).every((s) => s.answer === moved.to)).toBe(true);
  }, 270_000);

  it('etcd outage of 10 s: the client keeps reaching the VIP, then one holder remains', async () => {
    const before = await settle(VIP, `${VIP}/32`, loop);
    const since = Date.now();
    // The kernel's view, sampled: who binds the VIP, and whether the client's neighbour entry points
    // at a host that does not (a stale entry is what an unbind before the holder's re-announcement
    // leaves). Neighbour and addresses are read one after the other, so only a state seen in two
    // successive samples counts.
    const bindings: string[] = [];
    const stale: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      let last = '';
      let staleBefore = false;
      while (sampling) {
        const mac = await lab.neighbourMac('client', VIP);
        const bound = await boundOn(lab, VIP);
        const at = `+${Date.now() - since} ms`;
        if (bound.join() !== last) bindings.push(`${at}: ${bound.join(',') || '(none)'}`);
        last = bound.join();
        const pointed = lab.hosts.find((h) => h.mac === mac);
        const isStale = pointed !== undefined && !bound.includes(pointed.name);
        if (isStale && staleBefore)
          stale.push(`${at}: client -> ${pointed?.name}, bound on ${last || '(none)'}`);
        staleBefore = isStale;
        await sleep(100);
      }
    })();

    await etcd.stop();
    const stoppedAt = Date.now();
    await sleep(10_000);
    await etcd.start();
    const restartedAt = Date.now();
    const after = await settle(VIP, `${VIP}/32`, loop, 40_000);
    const convergedMs = Date.now() - restartedAt;
    sampling = false;
    await sampler;

    const window = loop.samples.filter((s) => s.at >= since);
    const outages = outagesOf(window);
    const longest = Math.max(0, ...outages.map((o) => o.durationMs));
    const blips = outages.map((o) => `+${o.from - since} ms: ${o.durationMs} ms`).join(', ');
    console.log(
      `etcd down ${restartedAt - stoppedAt} ms; holder ${before.hostname} -> ${after.hostname}; ` +
        `converged ${convergedMs} ms after etcd restart; ${window.length} probes, ` +
        `${window.filter((s) => !s.ok).length} failed, longest outage ${longest} ms\n` +
        `bindings: ${bindings.join(' | ')}\nfailed probe runs: ${blips || '(none)'}` +
        (stale.length > 0 ? `\nclient pointed at a host without the VIP: ${stale.join(' | ')}` : ''),
    );
    report.note(
      `etcd stopped for 10 s (fault policy activate): ${window.filter((s) => !s.ok).length} of ${window.length} probes failed, ` +
        `longest outage ${longest} ms; one holder again ${convergedMs} ms after etcd restarted.`,
    );
    expect(stale).toEqual([]);
    // A blip, not an outage: on a machine this loaded the probing client itself can miss its 200 ms
    // timeout for several probes in a row, with nothing wrong on the network.
    expect(longest).toBeLessThanOrEqual(ETCD_OUTAGE_BLIP_MS);
    expect(await boundOn(lab, VIP)).toEqual([after.hostname]);
  }, 360_000);

  it('IPv6: the VIP fails over with unsolicited neighbour advertisements', async () => {
    // Right after the etcd outage above, an agent's etcd client may still refuse calls for a moment
    // (its circuit breaker half-opens after 1 s): retry the create until the agent writes again.
    for (const agent of agents) {
      await eventually(
        () =>
          agent.createVip(`${VIP6}/128`, [CHECK]).then(
            () => true,
            (error: unknown) => String(error).includes(': 409 '),
          ),
        15_000,
        `${agent.hostname} creating ${VIP6}`,
      );
    }
    const loop6 = await lab.probeLoop('client', VIP6, PORT, 20, { timeoutMs: 200 });
    try {
      const runs: FailoverMeasure[] = [];
      for (let run = 1; run <= GRACEFUL_RUNS; run++) {
        const holder = await settle(VIP6, `${VIP6}/128`, loop6);
        await lab.ping6('client', VIP6);
        expect(await lab.neighbourMac('client', VIP6)).toBe(holder.node.mac);

        const capture = await lab.capture('client', 'icmp6 and ip6[40] == 136');
        const since = Date.now();
        onTestFailed(() => {
          for (const agent of agents) agent.dumpLogs(since);
        });
        const stopped = holder.stop();
        const moved = await measureFailover(loop6, since, holder.hostname, 15_000);
        await stopped;
        record(GRACEFUL6, run, moved);
        runs.push(moved);
        const successor = agentOf(moved.to).node;
        await expectNeighbour(VIP6, successor);
        const advert = await capture.waitFor(
          new RegExp(`^\\S+ ${successor.mac} > 33:33:00:00:00:01.*tgt is ${VIP6}`),
          2000,
        );
        await capture.stop();
        expect(advert).toContain('Flags [override]');
        expect(await boundOn(lab, VIP6)).toEqual([moved.to]);
        await holder.start();
      }
      expectMedianWithin(GRACEFUL6, runs);
    } finally {
      await loop6.stop();
    }
  }, 540_000);
});

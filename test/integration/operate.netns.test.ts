/**
 * Operating LinK with real linkd agents in network namespaces, real etcd and a client probing each
 * VIP over TCP every 20 ms: drain and undrain of a host, a VIP moving back to its preferred host
 * after the stable period (and not while that host flaps), and a holder whose interface loses
 * its carrier while etcd, on a second segment, still answers. Measured numbers are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type LabAgent, startAgents } from '../lab/agents.js';
import type { LabEtcd } from '../lab/etcd.js';
import { measureFailover } from '../lab/failover-measure.js';
import { createLab, type Lab } from '../lab/lab.js';
import { outagesOf, type ProbeLoop } from '../lab/probe-loop.js';
import { addSecondPath, cutCarrier, restoreCarrier } from '../lab/second-path.js';
import { startToggleBackend, type ToggleBackend } from '../lab/toggle-backend.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('test/integration/operate.netns.test.ts skipped: network namespaces need root');

const VIP = '10.77.0.50';
const PREFERRED_VIP = '10.77.0.51';
const PORT = 8080;
const PREFERRED_PORT = 8081;
const PREEMPT_S = 8;
const HEALTH_INTERVAL_S = 1;
const HEALTH_FALL = 2;
const LINK_POLL_MS = 200;
/** Generous on a loaded machine: the goal is 0 ms. */
const OUTAGE_BOUND_MS = 1000;

const AGENT_ENV = {
  LINK_LEASE_TTL: '6',
  LINK_KEEPALIVE_INTERVAL: '3',
  LINK_HEALTH_INTERVAL: String(HEALTH_INTERVAL_S),
  LINK_HEALTH_TIMEOUT: '1',
  LINK_HEALTH_FALL: String(HEALTH_FALL),
  LINK_HEALTH_RISE: '1',
  LINK_PREEMPT_DELAY: String(PREEMPT_S),
  LINK_LINK_POLL_INTERVAL: String(LINK_POLL_MS),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!isRoot)('operating LinK in network namespaces (root)', () => {
  let lab: Lab;
  let etcd: LabEtcd;
  let agents: LabAgent[];
  let loop: ProbeLoop;
  let preferredLoop: ProbeLoop;
  let flapping: ToggleBackend;

  const agent = (name: string) => agents.find((a) => a.hostname === name) as LabAgent;
  const statusOn = async (name: string, ip: string) => agent(name).status(`${ip}/32`);

  /** Waits until `name` holds `ip` and the other host stands by, and the client reaches it. */
  async function settledOn(name: string, ip: string, probes: ProbeLoop, timeoutMs = 30_000) {
    await eventually(
      async () =>
        (await statusOn(name, ip)) === 'ACTIVATED' &&
        (await Promise.all(agents.filter((a) => a.hostname !== name).map((a) => a.status(`${ip}/32`)))).every(
          (s) => s === 'STANDBY',
        ),
      timeoutMs,
      `${name} holding ${ip}`,
    );
    const since = Date.now();
    await probes.waitFor((s) => s.ok && s.at >= since && s.answer === name, 10_000);
  }

  /** Waits for the holder: a new VIP first probes its address on the segment (`--bind-check`). */
  async function holderOf(ip: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const a of agents) if ((await a.status(`${ip}/32`)) === 'ACTIVATED') return a.hostname;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no holder of ${ip} within ${timeoutMs} ms`);
  }

  beforeAll(async () => {
    lab = await createLab({ hosts: 2, client: true, prefix: 'lko' });
    await addSecondPath(lab);
    etcd = await lab.startEtcd();
    for (const host of lab.hosts) await lab.startBackend(host, { port: PORT });
    await lab.startBackend('b', { port: PREFERRED_PORT });
    flapping = await startToggleBackend(lab, 'a', PREFERRED_PORT);
    await flapping.set(false);
    agents = await startAgents(lab, { etcd: etcd.endpoints, env: AGENT_ENV, startTimeoutMs: 120_000 });
    const check = (port: number) => [{ type: 'TCP', host: '127.0.0.1', port }];
    for (const a of agents) await a.createVip(`${VIP}/32`, check(PORT));
    // b first, and a's backend down: b takes the VIP that prefers a.
    for (const name of ['b', 'a'])
      await agent(name).createVip(`${PREFERRED_VIP}/32`, check(PREFERRED_PORT), { preferred_hosts: ['a'] });
    loop = await lab.probeLoop('client', VIP, PORT, 20, { timeoutMs: 200 });
    preferredLoop = await lab.probeLoop('client', PREFERRED_VIP, PREFERRED_PORT, 20, { timeoutMs: 200 });
  }, 240_000);

  afterAll(async () => {
    await loop?.stop().catch(() => undefined);
    await preferredLoop?.stop().catch(() => undefined);
    await lab?.destroy();
  });

  it('drain hands every held VIP over with no client outage; undrain brings the host back', async () => {
    const holder = await holderOf(VIP);
    const other = holder === 'a' ? 'b' : 'a';
    await settledOn(holder, VIP, loop);
    const since = Date.now();
    const res = await agent(holder).api<{ drained: boolean; handed_over: { ip: string; holder: string }[] }>(
      'POST',
      '/host/drain',
    );
    const answeredMs = Date.now() - since;
    expect(res.status).toBe(200);
    expect(res.body.handed_over).toContainEqual(expect.objectContaining({ ip: `${VIP}/32`, holder: other }));
    const moved = await measureFailover(loop, since, holder, 10_000);
    console.log(
      `drain of ${holder}: answered in ${answeredMs} ms; client reached ${moved.to} after ${moved.failoverMs} ms, ` +
        `longest outage ${moved.outageMs} ms (${moved.failedProbes} failed probes)`,
    );
    expect(moved.to).toBe(other);
    expect(moved.outageMs).toBeLessThanOrEqual(OUTAGE_BOUND_MS);
    expect(await statusOn(holder, VIP)).toBe('DRAINED');
    expect(
      (await agent(other).api<{ drained_hosts: string[] }>('GET', '/cluster')).body.drained_hosts,
    ).toEqual([holder]);
    const metrics = await fetch(`${agent(holder).forward?.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^link_host_drained 1$/m);

    // The host stays out: the other's backend failing leaves the VIP unheld rather than on a drained host.
    const refused = await agent(other).api<{ error: string }>('POST', '/host/drain');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/no other host can take/);

    const undrainedAt = Date.now();
    expect((await agent(holder).api('POST', '/host/undrain')).status).toBe(200);
    await eventually(async () => (await statusOn(holder, VIP)) === 'STANDBY', 10_000, `${holder} STANDBY`);
    await sleep(1000);
    const after = loop.samples.filter((s) => s.at >= undrainedAt);
    const outages = outagesOf(after);
    console.log(
      `undrain of ${holder}: ${outages.length} outages, answers ${[...new Set(after.filter((s) => s.ok).map((s) => s.answer))]}`,
    );
    expect(new Set(after.filter((s) => s.ok).map((s) => s.answer))).toEqual(new Set([other]));
    expect(Math.max(0, ...outages.map((o) => o.durationMs))).toBeLessThanOrEqual(OUTAGE_BOUND_MS);
  }, 120_000);

  it(`a preferred host takes its VIP back once stable for ${PREEMPT_S} s, never while it flaps`, async () => {
    // a's backend is down: a is FAILING, b holds the VIP.
    await eventually(async () => (await statusOn('b', PREFERRED_VIP)) === 'ACTIVATED', 30_000, 'b holding');
    await eventually(async () => (await statusOn('a', PREFERRED_VIP)) === 'FAILING', 10_000, 'a FAILING');
    const since = Date.now();
    await preferredLoop.waitFor((s) => s.ok && s.at >= since && s.answer === 'b', 10_000);
    const flapStart = Date.now();
    // Up 4 s, down 3 s: each up period is shorter than the preempt delay, each down one is seen.
    for (let cycle = 0; cycle < 4; cycle++) {
      await flapping.set(true);
      await sleep(4000);
      await flapping.set(false);
      await sleep(3000);
    }
    const flapEnd = Date.now();
    const duringFlap = preferredLoop.samples.filter((s) => s.at >= flapStart && s.at <= flapEnd && s.ok);
    expect(new Set(duringFlap.map((s) => s.answer))).toEqual(new Set(['b']));
    console.log(`flapping for ${Math.round((flapEnd - flapStart) / 1000)} s: 0 moves`);

    await flapping.set(true);
    const upAt = Date.now();
    const moved = await measureFailover(preferredLoop, upAt, 'b', 30_000);
    console.log(
      `move back to a: ${moved.failoverMs} ms after its backend came back (preempt delay ${PREEMPT_S} s), ` +
        `longest outage ${moved.outageMs} ms (${moved.failedProbes} failed probes)`,
    );
    expect(moved.to).toBe('a');
    expect(moved.failoverMs).toBeGreaterThanOrEqual(PREEMPT_S * 1000);
    expect(moved.outageMs).toBeLessThanOrEqual(OUTAGE_BOUND_MS);
    await sleep(2000);
    const run = preferredLoop.samples.filter((s) => s.at >= flapStart && s.ok).map((s) => s.answer);
    const moves = run.filter((answer, i) => i > 0 && answer !== run[i - 1]).length;
    console.log(`moves of ${PREFERRED_VIP} over the flapping run and the move back: ${moves}`);
    expect(moves).toBe(1);
    expect(await statusOn('b', PREFERRED_VIP)).toBe('STANDBY');
  }, 120_000);

  it('a holder whose eth0 loses its carrier hands over while it still reaches etcd', async () => {
    const holder = await holderOf(VIP);
    const other = holder === 'a' ? 'b' : 'a';
    await settledOn(holder, VIP, loop);
    const since = Date.now();
    await cutCarrier(lab, holder);
    try {
      const moved = await measureFailover(loop, since, holder, 15_000);
      console.log(
        `carrier lost on ${holder}: client reached ${moved.to} after ${moved.failoverMs} ms ` +
          `(link poll ${LINK_POLL_MS} ms; health detection ${HEALTH_FALL * HEALTH_INTERVAL_S} s)`,
      );
      expect(moved.to).toBe(other);
      expect(moved.failoverMs).toBeLessThanOrEqual(HEALTH_FALL * HEALTH_INTERVAL_S * 1000 + 1000);
      expect(await statusOn(holder, VIP)).toBe('FAILING');
      const healthz = await agent(holder).api<{ etcd_reachable: boolean }>('GET', '/healthz');
      expect(healthz.body.etcd_reachable).toBe(true);
    } finally {
      await restoreCarrier(lab, holder);
    }
    await eventually(
      async () => (await statusOn(holder, VIP)) === 'STANDBY',
      10_000,
      `${holder} STANDBY again`,
    );
    expect(await statusOn(other, VIP)).toBe('ACTIVATED');
  }, 60_000);
});

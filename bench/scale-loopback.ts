/**
 * The agent's own cost at scale, without the network lab: three compiled `linkd` in dry run
 * (addresses and frames recorded, not sent) on loopback, one etcd, every VIP configured on all
 * three by one bulk create each. Measures the time to one holder per VIP, CPU and memory per
 * agent, idle CPU, the crash of the busiest agent (SIGKILL: every VIP it held re-owned) and the
 * graceful stop of the others. What the namespace bench (`npm run bench -- --only scale`) adds on
 * top is the kernel's share: `ip` binds and the frames.
 *
 *   tsx bench/scale-loopback.ts --vips 10000 [--idle-seconds 20] [--no-crash] [--node-flags="--optimize-for-size"] [--logs DIR]
 *
 * `--node-flags` replaces linkd's V8 flags (`src/daemon/node-flags.ts`), to weigh memory against CPU;
 * `--logs DIR` keeps each agent's log (warnings and errors) in DIR/<name>.log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LINKD_NODE_FLAGS } from '../src/daemon/node-flags.js';
import { freePort, startEtcd } from '../test/support/etcd-server.js';
import { buildLinkd } from './linkd-build.js';
import { procUsage } from './proc-usage.js';
import { apiLatency, scaleVips } from './scale.js';

interface Agent {
  name: string;
  url: string;
  child: ChildProcess;
}

type ByState = Record<string, number>;

const { values } = parseArgs({
  options: {
    vips: { type: 'string', default: '1000' },
    'idle-seconds': { type: 'string', default: '20' },
    'no-crash': { type: 'boolean', default: false },
    'node-flags': { type: 'string' },
    logs: { type: 'string' },
  },
});
const n = Number(values.vips);
if (values.logs) mkdirSync(values.logs, { recursive: true });
const idleSeconds = Number(values['idle-seconds']);
const nodeFlags =
  values['node-flags'] === undefined ? LINKD_NODE_FLAGS : values['node-flags'].split(' ').filter(Boolean);
if (!Number.isInteger(n) || n < 1) throw new Error(`--vips: expected a positive integer, got ${values.vips}`);
if (!(idleSeconds > 0))
  throw new Error(`--idle-seconds: expected a positive number, got ${values['idle-seconds']}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stdout.write(`${line}\n`);

async function summary(agent: Agent): Promise<ByState | undefined> {
  try {
    const res = await fetch(`${agent.url}/endpoints/summary`, { signal: AbortSignal.timeout(30_000) });
    return ((await res.json()) as { by_state: ByState }).by_state;
  } catch {
    return undefined;
  }
}

function startAgent(entry: string, etcdUrl: string, name: string, port: number): Agent {
  const child = spawn(process.execPath, [...nodeFlags, entry], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LINK_ETCD: etcdUrl,
      LINK_INTERFACE: 'lo',
      LINK_HOSTNAME: name,
      LINK_LISTEN: `127.0.0.1:${port}`,
      LINK_DRY_RUN: 'true',
      LINK_LOG_LEVEL: 'warn',
      LINK_MAX_ENDPOINTS: String(Math.max(n, 1000)),
    },
    stdio: ['ignore', values.logs ? openSync(join(values.logs, `${name}.log`), 'w') : 'ignore', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && code !== 0) log(`agent ${name} exited (${signal ?? code})`);
  });
  return { name, url: `http://127.0.0.1:${port}`, child };
}

const cpuOf = (agent: Agent) => procUsage(agent.child.pid ?? 0)?.cpuSeconds ?? 0;

async function main(): Promise<void> {
  const entry = await buildLinkd();
  const etcd = await startEtcd();
  const agents: Agent[] = [];
  try {
    for (const name of ['node-a', 'node-b', 'node-c'])
      agents.push(startAgent(entry, etcd.url, name, await freePort()));
    for (const agent of agents) while (!(await summary(agent))) await sleep(200);
    const cpuBefore = agents.map(cpuOf);

    const specs = scaleVips(n).map((ip) => ({ plugin: 'arp', plugin_config: { ip }, checks: [] }));
    const started = performance.now();
    const answered = await Promise.all(
      agents.map(async (agent) => {
        const res = await fetch(`${agent.url}/endpoints/bulk`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ create: specs }),
          signal: AbortSignal.timeout(600_000),
        });
        if (res.status !== 200)
          throw new Error(`${agent.name}: bulk create ${res.status} ${await res.text()}`);
        return Math.round(performance.now() - started);
      }),
    );
    let converged: number | undefined;
    let held: number[] = [];
    while (performance.now() - started < 300_000) {
      const states = await Promise.all(agents.map(summary));
      held = states.map((s) => s?.ACTIVATED ?? 0);
      const booting = states.reduce((sum, s) => sum + (s?.BOOTING ?? 0), 0);
      if (held.reduce((a, b) => a + b, 0) === n && booting === 0) {
        converged = Math.round(performance.now() - started);
        break;
      }
      await sleep(250);
    }
    log(`${n} VIPs on 3 agents, node flags [${nodeFlags.join(' ')}] (load ${loadAverage()})`);
    log(`bulk create answered after ${answered.join(' / ')} ms`);
    log(converged ? `one holder each after ${converged} ms` : 'not converged within 300 s');
    log(`placement ${agents.map((a, i) => `${a.name} ${held[i]}`).join(', ')}`);
    log(
      `CPU to converge per agent ${agents.map((a, i) => (cpuOf(a) - (cpuBefore[i] ?? 0)).toFixed(1)).join(' / ')} s`,
    );

    await sleep(5000); // status and history batches written
    const idleFrom = agents.map(cpuOf);
    await sleep(idleSeconds * 1000);
    const idle = agents.map((a, i) => (((cpuOf(a) - (idleFrom[i] ?? 0)) / idleSeconds) * 100).toFixed(1));
    log(`idle CPU per agent ${idle.join(' / ')} % of a core over ${idleSeconds} s`);
    const rss = agents.map((a) => ((procUsage(a.child.pid ?? 0)?.rssBytes ?? 0) / 1024 / 1024).toFixed(0));
    log(`RSS per agent ${rss.join(' / ')} MB`);
    log(`API of ${agents[0]?.name} (medians, ms): ${JSON.stringify(await apiLatency(agents[0]?.url ?? ''))}`);

    if (!values['no-crash']) await crash(agents, held);
    const stopping = performance.now();
    const stops = await Promise.all(agents.map((agent) => gracefulStop(agent, stopping)));
    log(`graceful stop ${stops.filter((ms) => ms >= 0).join(' / ')} ms`);
  } finally {
    for (const agent of agents) if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
    await etcd.destroy();
  }
}

/** SIGKILLs the agent holding the most VIPs; times until the others hold every VIP. */
async function crash(agents: Agent[], held: number[]): Promise<void> {
  const victim = held.indexOf(Math.max(...held));
  const survivors = agents.filter((_, i) => i !== victim);
  const lost = held[victim] ?? 0;
  const killed = performance.now();
  agents[victim]?.child.kill('SIGKILL');
  let first: number | undefined;
  for (;;) {
    const states = await Promise.all(survivors.map(summary));
    const holding = states.reduce((sum, s) => sum + (s?.ACTIVATED ?? 0), 0);
    const elapsed = Math.round(performance.now() - killed);
    if (first === undefined && holding > n - lost) first = elapsed;
    if (holding === n) {
      log(
        `crash of ${agents[victim]?.name} (${lost} VIPs): first re-owned after ${first} ms, all after ${elapsed} ms`,
      );
      return;
    }
    if (elapsed > 120_000) {
      log(`crash of ${agents[victim]?.name} (${lost} VIPs): ${holding - (n - lost)} re-owned after 120 s`);
      return;
    }
    await sleep(50);
  }
}

/** SIGTERM (each VIP handed over or released); -1 for an agent already gone. */
function gracefulStop(agent: Agent, since: number): Promise<number> {
  const { child } = agent;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(-1);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(Math.round(performance.now() - since));
    });
    child.kill('SIGTERM');
  });
}

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

main().catch((error: unknown) => {
  process.stderr.write(`scale-loopback: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

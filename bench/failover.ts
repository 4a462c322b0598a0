import type { Backend } from '../test/lab/backend.js';
import { createLab, type Lab, type LabNode } from '../test/lab/lab.js';
import type { ProbeLoop } from '../test/lab/probe-loop.js';
import type { FailoverTool } from './failover-tool.js';
import { KeepalivedTool } from './keepalived-tool.js';
import { kernelHolders } from './kernel-holders.js';
import { LinkTool } from './link-tool.js';
import { buildLinkd, compiledLab, type LinkdRuntime } from './linkd-build.js';
import { loadAverage } from './machine.js';
import { outageSince, recovered, samplesBetween } from './outage.js';
import { waitFor } from './wait.js';

export const SCENARIOS = ['crash', 'graceful', 'backend'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/**
 * `keepalived` is VRRPv2 with advert_int 1 s (its users' usual setting), `keepalived-v3` VRRPv3
 * with advert_int 0.1 s (its fastest practical one). `link-ttl3` is LinK with its lease tuned (TTL
 * 3 s, keepalive 1 s), on request only: with peer probing a crash no longer waits for the lease.
 */
export const TOOLS = ['link', 'keepalived', 'keepalived-v3', 'link-ttl3'] as const;
export type ToolName = (typeof TOOLS)[number];
/** What `npm run bench` compares by default: LinK at its defaults and keepalived's two setups. */
export const DEFAULT_TOOLS: readonly ToolName[] = ['link', 'keepalived', 'keepalived-v3'];

/** Scenarios a tool variant runs: the tuned lease changes only what a crash looks like. */
const TOOL_SCENARIOS: Partial<Record<ToolName, readonly Scenario[]>> = { 'link-ttl3': ['crash'] };

export const SCENARIO_LABELS: Record<Scenario, string> = {
  crash: 'host crash (eth0 down + SIGKILL)',
  graceful: 'graceful stop (SIGTERM)',
  backend: 'backend failure',
};

/** One failover as the client saw it. */
export interface FailoverRun {
  tool: string;
  scenario: Scenario;
  repeat: number;
  from: string;
  to: string | undefined;
  /** Null when the client was not served again within the recovery limit. */
  outageMs: number | null;
  failed: number;
  probes: number;
  /** Failed probes by error (ETIMEDOUT, ECONNREFUSED, ...). */
  failures: Record<string, number>;
  load1: number;
}

export interface FailoverOptions {
  tools: readonly ToolName[];
  scenarios: readonly Scenario[];
  repeats: number;
  runtime: LinkdRuntime;
  log: (line: string) => void;
  probeEveryMs?: number;
  /** Per-probe timeout: the resolution of the outage while the VIP answers nothing. */
  probeTimeoutMs?: number;
  recoveryTimeoutMs?: number;
  /** Successes needed, after the last failure, to call the service restored. */
  stableMs?: number;
}

export interface FailoverResult {
  runs: FailoverRun[];
  settings: Record<string, Record<string, string>>;
  probe: { everyMs: number; timeoutMs: number };
}

const BACKEND_PORT = 8080;

/**
 * Every scenario, `repeats` times, for each tool on a lab of its own: 3 hosts with a backend each
 * and a client probing the VIP over TCP. Each repeat starts from a steady state (one holder, the
 * client served by it for a second), acts on the holder, waits until another host serves the client
 * steadily, then restores the host (a crashed one as after a reboot: VIP gone, eth0 up, tool
 * restarted).
 */
export async function runFailover(options: FailoverOptions): Promise<FailoverResult> {
  const everyMs = options.probeEveryMs ?? 20;
  const timeoutMs = options.probeTimeoutMs ?? 100;
  const result: FailoverResult = { runs: [], settings: {}, probe: { everyMs, timeoutMs } };
  for (const toolName of options.tools) {
    const allowed = TOOL_SCENARIOS[toolName];
    const scenarios = options.scenarios.filter((s) => !allowed || allowed.includes(s));
    if (scenarios.length === 0) continue;
    const lab = await createLab({ hosts: 3, client: true, prefix: 'lkb' });
    let tool: FailoverTool | undefined;
    let loop: ProbeLoop | undefined;
    try {
      const vip = `${lab.hosts[0]?.ip.split('.').slice(0, 3).join('.')}.50/32`;
      const backends = new Map<string, Backend>();
      for (const host of lab.hosts)
        backends.set(host.name, await lab.startBackend(host, { port: BACKEND_PORT }));
      if (toolName === 'link' || toolName === 'link-ttl3') {
        const etcd = await lab.startEtcd();
        const agentLab = options.runtime === 'compiled' ? compiledLab(lab, await buildLinkd()) : lab;
        tool = new LinkTool(agentLab, {
          etcd: etcd.endpoints,
          vip,
          backendPort: BACKEND_PORT,
          ...(toolName === 'link-ttl3'
            ? { name: 'LinK (TTL 3 s)', lease: { ttlSeconds: 3, keepaliveSeconds: 1 } }
            : {}),
        });
      } else if (toolName === 'keepalived-v3') {
        tool = new KeepalivedTool(lab, {
          vip,
          backendPort: BACKEND_PORT,
          name: 'keepalived VRRPv3 0.1 s',
          vrrp3AdvertInt: 0.1,
        });
      } else {
        tool = new KeepalivedTool(lab, { vip, backendPort: BACKEND_PORT, name: 'keepalived VRRPv2 1 s' });
      }
      result.settings[tool.name] = tool.settings;
      await tool.start();
      loop = await lab.probeLoop('client', vip.split('/')[0] as string, BACKEND_PORT, everyMs, { timeoutMs });
      const run = { lab, tool, loop, vip, backends, options };
      for (const scenario of scenarios) {
        for (let repeat = 1; repeat <= options.repeats; repeat++) {
          const measured = await failoverOnce(run, scenario, repeat);
          result.runs.push(measured);
          options.log(
            `${tool.name} ${scenario} #${repeat}: ${measured.from} -> ${measured.to ?? '?'} outage ${
              measured.outageMs === null ? 'not recovered' : `${measured.outageMs} ms`
            }, ${measured.failed}/${measured.probes} probes failed ${JSON.stringify(measured.failures)} (load ${measured.load1})`,
          );
        }
      }
    } finally {
      await loop?.stop().catch(() => undefined);
      await tool?.close().catch(() => undefined);
      await lab.destroy();
    }
  }
  return result;
}

interface RunContext {
  lab: Lab;
  tool: FailoverTool;
  loop: ProbeLoop;
  vip: string;
  backends: Map<string, Backend>;
  options: FailoverOptions;
}

async function failoverOnce(run: RunContext, scenario: Scenario, repeat: number): Promise<FailoverRun> {
  const { lab, tool, loop, options } = run;
  const holder = await steadyHolder(run);
  const load1 = loadAverage();
  const since = Date.now();
  if (scenario === 'crash') {
    await lab.hostDown(holder);
    await tool.kill(holder);
  } else if (scenario === 'graceful') {
    await tool.stop(holder);
  } else {
    await run.backends.get(holder.name)?.stop();
  }
  const limit = options.recoveryTimeoutMs ?? 30_000;
  const back = await waitFor(
    () => recovered(loop.samples, since, holder.name, options.stableMs ?? 1000),
    limit,
    `${tool.name} to serve the client again after ${scenario}`,
  ).then(
    () => true,
    () => false,
  );
  const measure = back ? outageSince(loop.samples, since) : undefined;
  const failures: Record<string, number> = {};
  for (const sample of samplesBetween(loop.samples, since)) {
    if (!sample.ok) failures[sample.detail ?? 'unknown'] = (failures[sample.detail ?? 'unknown'] ?? 0) + 1;
  }
  await restore(run, scenario, holder);
  return {
    tool: tool.name,
    scenario,
    repeat,
    from: holder.name,
    to: measure?.answeredBy,
    outageMs: measure ? measure.outageMs : null,
    failed: measure?.failed ?? loop.samples.filter((s) => s.at >= since && !s.ok).length,
    probes: measure?.probes ?? loop.samples.filter((s) => s.at >= since).length,
    failures,
    load1,
  };
}

/** Waits for one holder that the tool agrees on and that has served the client for a second. */
async function steadyHolder(run: RunContext): Promise<LabNode> {
  const { lab, tool, loop, vip } = run;
  let holder: LabNode | undefined;
  await waitFor(
    async () => {
      if (!(await tool.settled())) return false;
      const bound = (await kernelHolders(lab, [vip])).get(vip.split('/')[0] as string) ?? [];
      if (bound.length !== 1) return false;
      const now = Date.now();
      const recent = loop.samples.filter((s) => s.at >= now - 1000);
      if (recent.length < 10 || !recent.every((s) => s.ok && s.answer === bound[0])) return false;
      holder = lab.host(bound[0] as string);
      return true;
    },
    90_000,
    `${tool.name}: one holder serving the client steadily`,
    100,
  );
  return holder as LabNode;
}

async function restore(run: RunContext, scenario: Scenario, host: LabNode): Promise<void> {
  const { lab, tool } = run;
  if (scenario === 'crash') {
    // A crashed host comes back as after a reboot: the kernel no longer has the VIP.
    await lab.exec(host, 'ip', ['addr', 'del', run.vip, 'dev', host.iface]).catch(() => undefined);
    await lab.hostUp(host);
    await tool.restart(host);
  } else if (scenario === 'graceful') {
    await tool.restart(host);
  } else {
    run.backends.set(host.name, await lab.startBackend(host, { port: BACKEND_PORT }));
  }
}

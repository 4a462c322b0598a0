import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { EndpointView } from '../../src/agent/agent-service.js';
import type { Forward } from './forward.js';
import type { Lab, LabNode, NodeRef } from './lab.js';
import { LineCollector } from './line-collector.js';
import { exited, processTree } from './processes.js';

export interface LabAgentOptions {
  etcd: string[];
  /** Extra LINK_* settings, e.g. `{ LINK_LEASE_TTL: '6' }`. */
  env?: Record<string, string>;
  /** API port inside the host namespace (default 1313). */
  port?: number;
  /** How long `start()` waits for the agent's start line (default 20 s; more on a loaded machine). */
  startTimeoutMs?: number;
  /** A command that execs the agent (e.g. setpriv dropping a capability); see `Lab.spawnTs`. */
  wrap?: readonly string[];
}

/**
 * A real linkd process in a host namespace of the lab (`ip netns exec`, so killing it by PID kills
 * the agent), its API reached from the test through a loopback forward.
 */
export class LabAgent {
  child: ChildProcessWithoutNullStreams | undefined;
  forward: Forward | undefined;
  /** Every JSON log line the agent printed, across restarts. */
  readonly logs: Record<string, unknown>[] = [];
  private collector: LineCollector | undefined;
  private paused: number[] = [];

  constructor(
    readonly lab: Lab,
    readonly node: LabNode,
    private readonly options: LabAgentOptions,
  ) {}

  /** Prints the log lines since `from` (epoch ms), to explain a failed run. */
  dumpLogs(from: number): void {
    const lines = this.logs.filter((l) => Number(l.time) >= from);
    console.error(`--- ${this.hostname}: ${lines.length} log lines since ${new Date(from).toISOString()}`);
    for (const line of lines) console.error(JSON.stringify(line));
  }

  /** The first log line (already printed or to come) matching `predicate`. */
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<Record<string, unknown>> {
    return firstMatch(() => this.logs, predicate, timeoutMs, `${this.hostname} logging ${what}`);
  }

  get hostname(): string {
    return this.node.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts linkd and resolves once its API answers. */
  async start(): Promise<void> {
    const port = this.options.port ?? 1313;
    const child = this.lab.spawnTs(this.node, 'src/cli/linkd.ts', [], {
      ...(this.options.wrap ? { wrap: this.options.wrap } : {}),
      env: {
        LINK_ETCD: this.options.etcd.join(','),
        LINK_INTERFACE: this.node.iface,
        LINK_HOSTNAME: this.node.name,
        LINK_LISTEN: `127.0.0.1:${port}`,
        // LAB_LOG_LEVEL=debug to see every etcd retry when a lab test needs explaining.
        LINK_LOG_LEVEL: process.env.LAB_LOG_LEVEL ?? 'info',
        ...labNodeOptions(),
        ...this.options.env,
      },
    });
    this.child = child;
    this.collector = new LineCollector(child.stdout);
    this.collector.onLine((line) => {
      try {
        this.logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + String(chunk)).slice(-4000);
    });
    // An agent gone without a word (a signal, a native crash) says only how it ended.
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(` (exited: ${signal ?? `code ${code}`})`)),
    );
    try {
      await this.collector.waitFor(
        (line) => line.includes('"linkd started"'),
        this.options.startTimeoutMs ?? 20_000,
        `linkd on ${this.hostname}`,
      );
    } catch (error) {
      const ended = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r(''), 1000))]);
      throw new Error(`linkd on ${this.hostname} did not start${ended}: ${stderr}`, { cause: error });
    }
    this.forward ??= await this.lab.forward(this.node, '127.0.0.1', port);
  }

  /** SIGTERM and wait: a graceful stop that hands the VIPs over. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.kill(signal);
    await done;
  }

  /**
   * SIGSTOP of the agent's whole process tree (its frame worker too), as a frozen VM or a long GC
   * pause would: the kernel keeps any VIP bound and keeps capturing frames meanwhile.
   */
  pause(): void {
    if (this.pid === undefined) throw new Error(`agent ${this.hostname} is not running`);
    this.paused = processTree(this.pid);
    for (const pid of this.paused) process.kill(pid, 'SIGSTOP');
  }

  /** SIGCONT of the processes `pause()` stopped. */
  resume(): void {
    for (const pid of this.paused.reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // exited meanwhile
      }
    }
    this.paused = [];
  }

  /** SIGKILL: nothing released, the VIP stays on the interface. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }

  /** A host crash: eth0 down, then SIGKILL of the agent. */
  async crash(): Promise<void> {
    await this.lab.hostDown(this.node);
    await this.kill();
  }

  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    if (!this.forward) throw new Error(`agent ${this.hostname} has no API forward: start it first`);
    const res = await fetch(`${this.forward.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async endpoints(): Promise<EndpointView[]> {
    return (await this.api<{ endpoints: EndpointView[] }>('GET', '/endpoints')).body.endpoints;
  }

  /** Creates a VIP through the API; resolves the created endpoint. */
  async createVip(
    ip: string,
    checks: unknown[] = [],
    extra: Record<string, unknown> = {},
  ): Promise<EndpointView> {
    const res = await this.api<{ endpoint: EndpointView }>('POST', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip },
      checks,
      ...extra,
    });
    if (res.status !== 201)
      throw new Error(`create ${ip} on ${this.hostname}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.endpoint;
  }

  async status(ip: string): Promise<string | undefined> {
    try {
      return (await this.endpoints()).find((e) => e.ip === ip)?.status;
    } catch {
      return undefined; // agent down
    }
  }
}

/** Starts one linkd per host of the lab. */
export async function startAgents(
  lab: Lab,
  options: LabAgentOptions,
  hosts: NodeRef[] = lab.hosts,
): Promise<LabAgent[]> {
  const agents = hosts.map((ref) => new LabAgent(lab, lab.node(ref), options));
  await Promise.all(agents.map((agent) => agent.start()));
  return agents;
}

/** Hosts of the lab that have `ip` bound on their interface right now (the kernel's view). */
export async function boundOn(lab: Lab, ip: string, hosts: LabNode[] = lab.hosts): Promise<string[]> {
  const address = ip.split('/')[0] as string;
  const bound = await Promise.all(
    hosts.map(async (node) =>
      (await lab.addressesOf(node).catch(() => [])).some((a) => a.split('/')[0] === address)
        ? node.name
        : undefined,
    ),
  );
  return bound.filter((name): name is string => name !== undefined);
}

/** Polls `check` until it holds or `timeoutMs` passes; resolves the elapsed ms. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

/** The first item of `items()` (already there or added later) that matches `predicate`. */
export async function firstMatch<T>(
  items: () => readonly T[],
  predicate: (item: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let found: T | undefined;
  await eventually(
    () => {
      found = items().find(predicate);
      return found !== undefined;
    },
    timeoutMs,
    what,
  );
  return found as T;
}

/**
 * LAB_NODE_OPTIONS (V8 flags to weigh, beside linkd's own) and LAB_PROFILE_DIR=DIR (a CPU profile
 * per SIGUSR1, see bench/cpu-profiler.mjs), for explaining a lab run.
 */
function labNodeOptions(): Record<string, string> {
  const profileDir = process.env.LAB_PROFILE_DIR;
  const options = [
    process.env.LAB_NODE_OPTIONS ?? '',
    profileDir ? `--import ${new URL('../../bench/cpu-profiler.mjs', import.meta.url).href}` : '',
  ].filter(Boolean);
  return {
    ...(options.length > 0 ? { NODE_OPTIONS: options.join(' ') } : {}),
    ...(profileDir ? { BENCH_PROFILE_DIR: profileDir } : {}),
  };
}

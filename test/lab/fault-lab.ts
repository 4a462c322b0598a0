import { afterAll, beforeAll } from 'vitest';
import { electionKeyOf, type FaultPolicy } from '../../src/model/endpoint.js';
import { firstMatch, LabAgent } from './agents.js';
import type { Backend } from './backend.js';
import type { LabEtcd } from './etcd.js';
import { type EtcdCluster, startEtcdCluster } from './etcd-cluster.js';
import { InvariantChecker } from './invariants.js';
import { createLab, type ExecResult, type Lab } from './lab.js';
import { type LockTimeline, watchLock } from './lock-timeline.js';
import type { ProbeLoop } from './probe-loop.js';

export interface FaultLabOptions {
  /** Namespace prefix, unique per test file. */
  prefix: string;
  hosts: number;
  /** A 3-member etcd cluster instead of one member. */
  cluster?: boolean;
  /** More flags for the single etcd member. */
  etcdArgs?: readonly string[];
  /** Extra LINK_* settings for every agent. */
  agentEnv?: Record<string, string>;
  /** Extra environment for one host's agent, by host name (e.g. libfaketime's). */
  hostEnv?: Record<string, Record<string, string>>;
  /** A command that execs one host's agent, by host name (e.g. setpriv dropping CAP_NET_ADMIN). */
  hostWrap?: Record<string, readonly string[]>;
  /** The VIP (default 10.77.0.50/32). */
  vip?: string;
  faultPolicy?: FaultPolicy;
  /** A TCP health check on the host's own backend, every `healthInterval` seconds. */
  healthInterval?: number;
  /**
   * A second TCP check on each VIP, to a service in the client's namespace (port `GATEWAY_PORT`):
   * a check of the path to the clients, as a check of the gateway would be. Needs `healthInterval`.
   */
  gatewayCheck?: boolean;
  /** Probe period of the client (default 20 ms). */
  probeEveryMs?: number;
  /** Sample period of the invariant checker (default 100 ms). */
  sampleEveryMs?: number;
}

export const BACKEND_PORT = 8080;
export const GATEWAY_PORT = 8081;

/** A transition of the VIP as an agent logged it. */
export interface Transition {
  time: number;
  from: string;
  to: string;
  event: string;
  cause?: string;
  /** The VIP, with its prefix length. */
  ip?: string;
}

/**
 * The fault suite's common ground: a lab with hosts and a client, etcd (one member or a cluster),
 * a backend on every host answering its name, a linkd per host, one VIP created through every
 * agent, a client probing the VIP every 20 ms, and the invariant checker sampling the hosts. Hosts
 * named in `down`, `cut` and `sick` tell the checker which agents count as healthy.
 */
export class FaultLab {
  etcdctl!: (args: readonly string[]) => Promise<ExecResult>;
  etcdEndpoints: string[] = [];
  cluster: EtcdCluster | undefined;
  single: LabEtcd | undefined;
  agents: LabAgent[] = [];
  readonly backends = new Map<string, Backend | undefined>();
  probe: ProbeLoop | undefined;
  checker!: InvariantChecker;
  readonly down = new Set<string>();
  readonly cut = new Set<string>();
  readonly sick = new Set<string>();
  readonly vip: string;
  #lock: LockTimeline | undefined;

  private constructor(
    readonly lab: Lab,
    readonly options: FaultLabOptions,
  ) {
    this.vip = options.vip ?? '10.77.0.50/32';
  }

  static async start(options: FaultLabOptions): Promise<FaultLab> {
    const lab = await createLab({ hosts: options.hosts, client: true, prefix: options.prefix });
    const fault = new FaultLab(lab, options);
    try {
      await fault.#up();
    } catch (error) {
      await fault.destroy();
      throw error;
    }
    return fault;
  }

  get address(): string {
    return this.vip.split('/')[0] as string;
  }

  async #up(): Promise<void> {
    const { lab, options } = this;
    if (options.cluster) {
      this.cluster = await startEtcdCluster(lab);
      this.etcdEndpoints = this.cluster.endpoints;
      this.etcdctl = (args) => (this.cluster as EtcdCluster).etcdctl(args);
    } else {
      this.single = await lab.startEtcd(options.etcdArgs ? { extraArgs: options.etcdArgs } : {});
      this.etcdEndpoints = this.single.endpoints;
      this.etcdctl = (args) => (this.single as LabEtcd).etcdctl(args);
    }
    await Promise.all(
      lab.hosts.map(async (host) =>
        this.backends.set(host.name, await lab.startBackend(host, { port: BACKEND_PORT })),
      ),
    );
    if (options.gatewayCheck) await lab.startBackend('client', { port: GATEWAY_PORT });
    this.checker = new InvariantChecker(lab, {
      vips: [this.vip],
      everyMs: options.sampleEveryMs ?? 100,
      healthy: () => this.healthyHosts(),
      reachable: () => lab.hosts.map((h) => h.name).filter((h) => !this.cut.has(h)),
    });
    // The first agent starts alone, so it is the first holder: scenarios know whom they fault.
    const [first, ...rest] = lab.hosts;
    this.agents = lab.hosts.map(
      (host) =>
        new LabAgent(lab, host, {
          etcd: this.etcdEndpoints,
          env: { LINK_LOG_LEVEL: 'info', ...options.agentEnv, ...options.hostEnv?.[host.name] },
          startTimeoutMs: 60_000,
          ...(options.hostWrap?.[host.name] ? { wrap: options.hostWrap[host.name] } : {}),
        }),
    );
    const [firstAgent, ...others] = this.agents;
    if (!first || !firstAgent) throw new Error('a fault lab needs hosts');
    void rest;
    // Until the VIP exists and settled on its first holder, nothing is checked.
    const endSetup = this.checker.fault('setup', Number.POSITIVE_INFINITY);
    this.checker.start();
    await firstAgent.start();
    await this.#create(firstAgent);
    await this.checker.until((c) => (c.get(this.address) ?? []).includes(first.name), 20_000, 'first holder');
    await Promise.all(others.map((agent) => agent.start()));
    await Promise.all(others.map((agent) => this.#create(agent)));
    await this.checker.converged(20_000, [first.name]);
    endSetup(0);
    this.checker.suppress(['atLeastOne'], 0, Date.now(), 'setup');
    this.probe = await lab.probeLoop('client', this.address, BACKEND_PORT, options.probeEveryMs ?? 20);
    await this.probe.waitFor((s) => s.ok, 10_000);
  }

  async #create(agent: LabAgent): Promise<void> {
    const client = this.lab.client as NonNullable<Lab['client']>;
    const checks =
      this.options.healthInterval === undefined
        ? []
        : [
            { type: 'TCP', host: '127.0.0.1', port: BACKEND_PORT },
            ...(this.options.gatewayCheck ? [{ type: 'TCP', host: client.ip, port: GATEWAY_PORT }] : []),
          ];
    await agent.createVip(this.vip, checks, {
      ...(this.options.faultPolicy ? { fault_policy: this.options.faultPolicy } : {}),
      ...(this.options.healthInterval === undefined
        ? {}
        : { healthcheck_interval: this.options.healthInterval }),
    });
  }

  healthyHosts(): string[] {
    return this.lab.hosts
      .map((h) => h.name)
      .filter((h) => !this.down.has(h) && !this.cut.has(h) && !this.sick.has(h));
  }

  agent(name: string): LabAgent {
    const agent = this.agents.find((a) => a.hostname === name);
    if (!agent) throw new Error(`no agent ${name}`);
    return agent;
  }

  /** Hosts that have the VIP bound in the latest sample. */
  holders(): string[] {
    return this.checker.holders(this.address);
  }

  async stopBackend(host: string): Promise<void> {
    await this.backends.get(host)?.stop();
    this.backends.set(host, undefined);
  }

  async startBackend(host: string): Promise<void> {
    if (this.backends.get(host)) return;
    this.backends.set(host, await this.lab.startBackend(host, { port: BACKEND_PORT }));
  }

  /**
   * Every log line of an agent that a transition of the VIP wrote: `{ time, from, to, event }`.
   * Other VIPs a scenario creates have transitions of their own, not counted here.
   */
  transitions(host: string): Transition[] {
    return this.agent(host).logs.filter(
      (l) => typeof l.to === 'string' && typeof l.from === 'string' && l.ip === this.vip,
    ) as unknown as Transition[];
  }

  /** The first transition of `host`'s VIP (already logged or to come) matching `predicate`. */
  waitForTransition(
    host: string,
    predicate: (t: Transition) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<Transition> {
    return firstMatch(() => this.transitions(host), predicate, timeoutMs, `${host}: ${what}`);
  }

  /** Prints each agent's log lines since `from` (epoch ms) and the holders sampled, to explain a failure. */
  dumpLogs(from: number): void {
    for (const agent of this.agents) agent.dumpLogs(from);
    console.error(`--- holder samples: ${JSON.stringify(this.checker.changes(this.address, from))}`);
  }

  /** The client's outages between `from` and `to` (epoch ms). */
  outages(from = 0, to = Number.POSITIVE_INFINITY) {
    return (this.probe?.outages() ?? []).filter((o) => o.from >= from && o.from <= to);
  }

  /** The VIP's lock history, watched from the test process (single etcd); `destroy` closes it. */
  async watchLock(): Promise<LockTimeline> {
    if (!this.single) throw new Error('watchLock needs the single etcd (no `etcdCluster` option)');
    this.#lock ??= await watchLock(await this.single.localEndpoints(), electionKeyOf(this.vip));
    return this.#lock;
  }

  async destroy(): Promise<void> {
    await this.#lock?.close();
    await this.checker?.stop();
    await this.probe?.stop().catch(() => undefined);
    await this.lab.destroy();
  }
}

/**
 * A fault lab for the enclosing suite: started before its tests (`started` receives it, for a
 * variable the tests read), destroyed after them. Hooks registered after this one run after the
 * start and, for `afterAll`, before the destroy.
 */
export function faultLabForSuite(
  options: FaultLabOptions,
  started: (lab: FaultLab) => void | Promise<void>,
): void {
  let lab: FaultLab | undefined;
  beforeAll(async () => {
    lab = await FaultLab.start(options);
    await started(lab);
  }, 90_000);
  afterAll(async () => {
    await lab?.destroy();
  });
}

/** Whether this process may create namespaces: the lab's suites are skipped otherwise. */
export const isRoot = process.getuid?.() === 0;

/** `ms` as seconds with one decimal, for printed measurements. */
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

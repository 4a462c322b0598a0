import type { LabAgent } from '../test/lab/agents.js';
import type { Lab, LabNode } from '../test/lab/lab.js';
import type { FailoverTool } from './failover-tool.js';
import { startLabAgents, startWithRetry } from './lab-agents.js';

export interface LinkToolOptions {
  etcd: string[];
  /** The VIP with its prefix, e.g. `10.77.0.50/32`. */
  vip: string;
  /** The backend each host's health check probes on 127.0.0.1. */
  backendPort: number;
  /** A name for the results when the lease is tuned, e.g. `LinK (TTL 3 s)`. */
  name?: string;
  /** Lease timing other than LinK's defaults (TTL 6 s, keepalive 3 s). */
  lease?: { ttlSeconds: number; keepaliveSeconds: number };
}

/**
 * Health checking comparable to the keepalived track script: a TCP connect to the local backend
 * every second, 1 s timeout, 2 failures to fail over, 1 success to come back. Lease, ARP and
 * handover settings are LinK's defaults (TTL 6 s, keepalive 3 s).
 */
export const LINK_FAILOVER_ENV = {
  LINK_HEALTH_INTERVAL: '1',
  LINK_HEALTH_TIMEOUT: '1',
  LINK_HEALTH_FALL: '2',
  LINK_HEALTH_RISE: '1',
} as const;

/** Real linkd processes, one per host, the VIP created on each through its API. */
export class LinkTool implements FailoverTool {
  readonly name: string;
  readonly settings: Record<string, string>;
  private readonly env: Record<string, string>;
  private agents = new Map<string, LabAgent>();
  private readonly running = new Set<string>();

  constructor(
    private readonly lab: Lab,
    private readonly options: LinkToolOptions,
  ) {
    this.name = options.name ?? 'LinK';
    const lease = options.lease;
    this.env = {
      ...LINK_FAILOVER_ENV,
      ...(lease
        ? {
            LINK_LEASE_TTL: String(lease.ttlSeconds),
            LINK_KEEPALIVE_INTERVAL: String(lease.keepaliveSeconds),
          }
        : {}),
    };
    this.settings = {
      ...this.env,
      ...(lease ? {} : { LINK_LEASE_TTL: '6 (default)', LINK_KEEPALIVE_INTERVAL: '3 (default)' }),
      check: `TCP 127.0.0.1:${options.backendPort}`,
    };
  }

  async start(): Promise<void> {
    const agents = await startLabAgents(this.lab, { etcd: this.options.etcd, env: this.env });
    this.agents = new Map(agents.map((agent) => [agent.hostname, agent]));
    for (const agent of agents) {
      this.running.add(agent.hostname);
      await agent.createVip(this.options.vip, [
        { type: 'TCP', host: '127.0.0.1', port: this.options.backendPort },
      ]);
    }
  }

  async settled(): Promise<boolean> {
    const statuses = await Promise.all(
      [...this.running].map((name) => this.agent(name).status(this.options.vip)),
    );
    return (
      statuses.every((s) => s === 'ACTIVATED' || s === 'STANDBY') &&
      statuses.filter((s) => s === 'ACTIVATED').length === 1
    );
  }

  async kill(host: LabNode): Promise<void> {
    this.running.delete(host.name);
    await this.agent(host.name).kill();
  }

  async stop(host: LabNode): Promise<void> {
    this.running.delete(host.name);
    await this.agent(host.name).stop();
  }

  async restart(host: LabNode): Promise<void> {
    // The endpoint is stored in etcd: the agent restores it on start.
    await startWithRetry(this.agent(host.name));
    this.running.add(host.name);
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.kill()));
  }

  /** The agent on `name`, for measurements that need its PID or API. */
  agent(name: string): LabAgent {
    const agent = this.agents.get(name);
    if (!agent) throw new Error(`no LinK agent on ${name}`);
    return agent;
  }
}

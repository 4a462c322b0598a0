import { boundOn, LabAgent } from '../test/lab/agents.js';
import type { Backend } from '../test/lab/backend.js';
import { createLab, type Lab, type LabNode } from '../test/lab/lab.js';
import { AGENT_ENV, AGENT_START_TIMEOUT_MS, BACKEND_PORT } from './agent-settings.js';
import { startClientProbe } from './client-probe.js';
import type { ClientView, DemoCluster, DemoHost } from './demo-cluster.js';
import { startEtcdRelay } from './etcd-relay.js';
import type { Teardown } from './teardown.js';

export const NAMESPACE_PREFIX = 'lkdemo';

/**
 * The demo on a namespace lab: hosts a, b, c and a client on one bridge, each host with a real
 * linkd binding the VIP on its eth0 and a backend on port 8080 answering its name.
 */
export async function buildLabCluster(options: {
  etcdPort: number;
  teardown: Teardown;
  stopping: AbortSignal;
  onProgress: (text: string) => void;
}): Promise<DemoCluster> {
  const { teardown, stopping } = options;
  const lab = await createLab({ hosts: 3, client: true, prefix: NAMESPACE_PREFIX });
  teardown.add({ name: 'namespace lab', run: () => lab.destroy(), runSync: () => lab.destroySync() });
  options.onProgress(
    `namespaces ${lab.nodes.map((node) => node.ns).join(', ')} (built in ${Math.round(lab.timings.upMs)} ms)`,
  );

  const relay = await startEtcdRelay(lab, options.etcdPort);
  teardown.add({ name: 'etcd relay', run: () => relay.close(), runSync: () => relay.close() });

  const hosts = await Promise.all(
    lab.hosts.map(async (node) => {
      const etcdUrl = await relay.into(node);
      const host = new LabHost(lab, node, etcdUrl, stopping);
      await host.startBackend();
      return host;
    }),
  );
  options.onProgress(
    `backends on ${hosts.map((h) => `${h.name} ${h.node.ip}:${BACKEND_PORT}`).join(', ')} (each answers its host name)`,
  );
  const subnet = lab.switch.ip.split('.').slice(0, 3).join('.');
  const vip = `${subnet}.50/32`;

  return {
    mode: 'lab',
    hosts,
    vip,
    pids: () => lab.processes.pids,
    startClient: async (): Promise<ClientView> => {
      stopping.throwIfAborted();
      return startClientProbe(lab, vip.split('/')[0] as string, BACKEND_PORT);
    },
    boundOn: () => boundOn(lab, vip),
  };
}

class LabHost implements DemoHost {
  readonly agent: LabAgent;
  #backend: Backend | undefined;

  constructor(
    readonly lab: Lab,
    readonly node: LabNode,
    etcdUrl: string,
    private readonly stopping: AbortSignal,
  ) {
    this.agent = new LabAgent(lab, node, {
      etcd: [etcdUrl],
      env: AGENT_ENV,
      startTimeoutMs: AGENT_START_TIMEOUT_MS,
    });
  }

  get name(): string {
    return this.node.name;
  }

  get apiUrl(): string | undefined {
    return this.agent.forward?.url;
  }

  get apiPort(): number | undefined {
    return this.agentRunning ? this.agent.forward?.port : undefined;
  }

  get agentRunning(): boolean {
    const child = this.agent.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  get healthCheck() {
    return { type: 'TCP' as const, host: '127.0.0.1', port: BACKEND_PORT };
  }

  async startAgent(): Promise<void> {
    this.stopping.throwIfAborted();
    await this.agent.start();
  }

  stopAgent(): Promise<void> {
    return this.agent.stop('SIGTERM');
  }

  crash(): Promise<void> {
    return this.agent.crash();
  }

  async recover(): Promise<void> {
    this.stopping.throwIfAborted();
    await this.lab.hostUp(this.node);
    await this.startAgent();
  }

  async stopBackend(): Promise<void> {
    await this.#backend?.stop();
    this.#backend = undefined;
  }

  async startBackend(): Promise<void> {
    this.stopping.throwIfAborted();
    this.#backend ??= await this.lab.startBackend(this.node, { port: BACKEND_PORT });
  }
}

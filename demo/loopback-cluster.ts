import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { LineCollector } from '../test/lab/line-collector.js';
import { exited } from '../test/lab/processes.js';
import { AGENT_ENV, AGENT_START_TIMEOUT_MS } from './agent-settings.js';
import type { DemoCluster, DemoHost } from './demo-cluster.js';
import { freePort } from './free-port.js';
import type { Teardown } from './teardown.js';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * The demo without root: three agents as plain processes on loopback with LINK_DRY_RUN=true. The
 * election, the API and the live view are real; the VIP is bound in memory only, so there is no
 * client to measure an outage, only the takeover time the agents report.
 */
export async function buildLoopbackCluster(options: {
  repoRoot: string;
  etcdUrl: string;
  teardown: Teardown;
  stopping: AbortSignal;
  onProcess: (pid: number) => void;
}): Promise<DemoCluster> {
  const running = new Set<ChildProcessWithoutNullStreams>();
  const killAll = () => {
    for (const child of running) child.kill('SIGKILL');
  };
  options.teardown.add({
    name: 'loopback agents',
    run: async () => {
      const exits = [...running].map((child) => exited(child));
      killAll();
      await Promise.all(exits);
    },
    runSync: killAll,
  });
  const hosts = await Promise.all(
    ['a', 'b', 'c'].map(async (name) => {
      const host = new LoopbackHost(name, await freePort(), { ...options, running });
      options.teardown.add({
        name: `backend of ${name}`,
        run: () => host.stopBackend(),
        runSync: () => host.stopBackendSync(),
      });
      await host.startBackend();
      return host;
    }),
  );
  return {
    mode: 'dry-run',
    hosts,
    // Nothing is bound in a dry run: any address shows the election.
    vip: '10.77.0.50/32',
    pids: () => [...running].flatMap((child) => (child.pid === undefined ? [] : [child.pid])),
    startClient: async () => undefined,
    boundOn: async () => undefined,
  };
}

class LoopbackHost implements DemoHost {
  #child: ChildProcessWithoutNullStreams | undefined;
  #backend: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #backendPort = 0;

  constructor(
    readonly name: string,
    private readonly port: number,
    private readonly options: {
      repoRoot: string;
      etcdUrl: string;
      stopping: AbortSignal;
      onProcess: (pid: number) => void;
      running: Set<ChildProcessWithoutNullStreams>;
    },
  ) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiPort(): number | undefined {
    return this.agentRunning ? this.port : undefined;
  }

  get agentRunning(): boolean {
    const child = this.#child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  get healthCheck() {
    return { type: 'TCP' as const, host: '127.0.0.1', port: this.#backendPort };
  }

  async startAgent(): Promise<void> {
    this.options.stopping.throwIfAborted();
    const child = spawn(process.execPath, ['--import', TSX_LOADER, 'src/cli/linkd.ts'], {
      cwd: this.options.repoRoot,
      // A clean environment: only what the agent needs, never the caller's LINK_* or test variables.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
        LINK_ETCD: this.options.etcdUrl,
        LINK_INTERFACE: 'lo',
        LINK_HOSTNAME: this.name,
        LINK_LISTEN: `127.0.0.1:${this.port}`,
        LINK_DRY_RUN: 'true',
        ...AGENT_ENV,
      },
      stdio: 'pipe',
    });
    child.on('error', () => {}); // reported below: no start line
    this.#child = child;
    if (child.pid !== undefined) {
      this.options.running.add(child);
      this.options.onProcess(child.pid);
    }
    child.once('exit', () => this.options.running.delete(child));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    try {
      await new LineCollector(child.stdout).waitFor(
        (line) => line.includes('"linkd started"'),
        AGENT_START_TIMEOUT_MS,
        `linkd ${this.name} start`,
      );
    } catch (error) {
      throw new Error(`linkd ${this.name} did not start: ${stderr}`, { cause: error });
    }
  }

  async stopAgent(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (!child || !this.agentRunning) return;
    const done = exited(child);
    child.kill(signal);
    await done;
  }

  crash(): Promise<void> {
    return this.stopAgent('SIGKILL');
  }

  recover(): Promise<void> {
    return this.startAgent();
  }

  /** A backend of the host's own: a TCP server in the demo process, on a loopback port of its own. */
  async startBackend(): Promise<void> {
    this.options.stopping.throwIfAborted();
    if (this.#backend) return;
    const server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
      socket.end(`${this.name}\n`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#backendPort, '127.0.0.1', () => resolve());
    });
    this.#backendPort = (server.address() as AddressInfo).port;
    this.#backend = server;
  }

  async stopBackend(): Promise<void> {
    const server = this.#backend;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    this.stopBackendSync();
    await closed;
  }

  stopBackendSync(): void {
    this.#backend?.close();
    this.#backend = undefined;
    for (const socket of this.#sockets) socket.destroy();
  }
}

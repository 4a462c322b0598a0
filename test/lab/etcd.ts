import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ExecResult, Lab } from './lab.js';
import { exited } from './processes.js';

const etcdsStarted = new WeakMap<Lab, number>();

export interface LabEtcdOptions {
  /**
   * Client port on the bridge address. Default 2379 for the lab's first etcd, +10 for each further
   * one: the switch namespace is the lab's own, so these are free.
   */
  clientPort?: number;
  peerPort?: number;
  /** How long to wait for /health (default 10 s). */
  readyTimeoutMs?: number;
  /** More etcd flags, e.g. `--quota-backend-bytes=...`. */
  extraArgs?: readonly string[];
}

export interface LabEtcd {
  /** What agents in host namespaces dial, e.g. `http://10.77.0.254:2379`. */
  endpoints: string[];
  dataDir: string;
  /** Milliseconds the last start took until /health answered. */
  readonly startMs: number;
  readonly pid: number | undefined;
  /** SIGTERM, and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, and wait for exit: an etcd crash. */
  kill(): Promise<void>;
  /** Starts it again on the same data directory and waits for /health. */
  start(): Promise<void>;
  /** Runs `etcdctl` (API v3) against it from the switch namespace. */
  etcdctl(args: readonly string[]): Promise<ExecResult>;
  /**
   * Endpoints the test process itself can dial (an etcd3 client in the test, to inspect or seed
   * keys), forwarded from 127.0.0.1; they survive `stop()`/`start()`.
   */
  localEndpoints(): Promise<string[]>;
}

/**
 * A single-member etcd inside the lab's switch namespace, listening on the bridge address so every
 * host reaches it, as PLATFORM.md prescribes (both `initial-*` peer flags, or it dials :2380).
 */
export async function startLabEtcd(lab: Lab, options: LabEtcdOptions = {}): Promise<LabEtcd> {
  const sw = lab.switch;
  const nth = etcdsStarted.get(lab) ?? 0;
  etcdsStarted.set(lab, nth + 1);
  const clientPort = options.clientPort ?? 2379 + 10 * nth;
  const clientUrl = `http://${sw.ip}:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${options.peerPort ?? clientPort + 1}`;
  const dataDir = mkdtempSync(join(tmpdir(), `${lab.name}-etcd-`));
  lab.ownPath(dataDir);
  const args = [
    '--name',
    's1',
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    clientUrl,
    '--advertise-client-urls',
    clientUrl,
    '--listen-peer-urls',
    peerUrl,
    '--initial-advertise-peer-urls',
    peerUrl,
    '--initial-cluster',
    `s1=${peerUrl}`,
    '--initial-cluster-state',
    'new',
    '--log-level',
    'warn',
    ...(options.extraArgs ?? []),
  ];

  let child: ChildProcessWithoutNullStreams | undefined;
  let startMs = 0;
  let stderr = '';

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const started = performance.now();
    stderr = '';
    const proc = lab.spawnIn(sw, 'etcd', args);
    child = proc;
    proc.stdout.resume();
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const deadline = started + (options.readyTimeoutMs ?? 10_000);
    while (performance.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`etcd exited while starting (${proc.exitCode ?? proc.signalCode}):\n${stderr}`);
      }
      const health = await lab
        .exec(sw, 'curl', ['-s', '--max-time', '1', `${clientUrl}/health`])
        .catch(() => ({ stdout: '' }));
      if (health.stdout.includes('"health":"true"')) {
        startMs = performance.now() - started;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`etcd not healthy within ${options.readyTimeoutMs ?? 10_000} ms:\n${stderr}`);
  };

  const signal = async (sig: NodeJS.Signals) => {
    if (!child) return;
    const done = exited(child);
    child.kill(sig);
    await done;
  };

  let local: Promise<string[]> | undefined;
  await start();
  return {
    endpoints: [clientUrl],
    dataDir,
    get startMs() {
      return startMs;
    },
    get pid() {
      return child?.pid;
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    start,
    etcdctl: (etcdctlArgs) =>
      lab.exec(sw, 'etcdctl', [`--endpoints=${clientUrl}`, '--command-timeout=3s', ...etcdctlArgs], {
        env: { ETCDCTL_API: '3' },
      }),
    localEndpoints: () => {
      local ??= lab.forward(sw, sw.ip, clientPort).then((forward) => [forward.url]);
      return local;
    },
  };
}

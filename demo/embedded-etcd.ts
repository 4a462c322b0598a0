import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';

export interface EmbeddedEtcd {
  /** `http://127.0.0.1:PORT`, in the demo's (root) namespace. */
  url: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  /** Undefined when it could not be spawned (`ready()` says why). */
  pid: number | undefined;
  /** Resolves once /health answers; rejects (and stops it) when it does not in time. */
  ready(): Promise<void>;
  /** SIGKILL and wait: the data is thrown away with the run directory anyway. */
  stop(): Promise<void>;
  stopSync(): void;
}

/**
 * A single-member etcd on loopback, with both `initial-*` peer flags (without them it dials
 * localhost:2380) and a clean environment (no stray ETCD_* variable changes its settings).
 * Returns as soon as the process is spawned, so its removal can be registered before anything
 * else can go wrong; `ready()` then waits for /health.
 */
export function launchEmbeddedEtcd(options: {
  dataDir: string;
  clientPort: number;
  peerPort: number;
  readyTimeoutMs?: number;
}): EmbeddedEtcd {
  const { dataDir, clientPort, peerPort } = options;
  // A fresh member every time: a data directory from an attempt on other ports would not fit.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    'etcd',
    [
      '--name',
      'demo',
      '--data-dir',
      dataDir,
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `demo=${peer}`,
      '--initial-cluster-state',
      'new',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(
        new Error(
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'etcd is not installed: `apt-get install etcd-server` (scripts/ensure-deps.sh does it as root)'
            : `could not start etcd: ${error.message}`,
          { cause: error },
        ),
      ),
    ),
  );
  spawnError.catch(() => undefined);
  const stopSync = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      child.kill('SIGKILL');
  };
  return {
    url,
    clientPort,
    peerPort,
    dataDir,
    pid: child.pid,
    ready: async () => {
      try {
        await Promise.race([
          spawnError,
          waitHealthy(child, url, options.readyTimeoutMs ?? 10_000, () => stderr),
        ]);
      } catch (error) {
        stopSync();
        throw error;
      }
    },
    stop: async () => {
      const exited = new Promise((resolve) => {
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
          resolve(undefined);
        else child.once('exit', resolve);
      });
      stopSync();
      await exited;
    },
    stopSync,
  };
}

async function waitHealthy(child: ChildProcess, url: string, timeoutMs: number, stderr: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`etcd exited while starting (${child.exitCode ?? child.signalCode}):\n${stderr()}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if ((await res.text()).includes('"health":"true"')) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`etcd not healthy at ${url} within ${timeoutMs} ms:\n${stderr()}`);
}

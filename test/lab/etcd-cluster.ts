import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ExecResult, Lab } from './lab.js';
import { exited } from './processes.js';

export interface EtcdClusterOptions {
  /** Members (default 3). */
  size?: number;
  /** Client port of the first member on the bridge address; member i uses `clientPort + 2 * i` (default 2479). */
  clientPort?: number;
  /** `https` when `extraArgs` configure TLS for clients (default `http`). */
  scheme?: 'http' | 'https';
  /** Added to every member's command line, e.g. TLS flags. */
  extraArgs?: readonly string[];
  /** Added to every `etcdctl` call, e.g. `--cacert`, `--cert`, `--key`, `--user`. */
  etcdctlArgs?: readonly string[];
  /** How long to wait for the cluster to be healthy (default 15 s). */
  readyTimeoutMs?: number;
}

export interface EtcdMember {
  name: string;
  /** What agents dial: `http://10.77.0.254:2479`. */
  endpoint: string;
  dataDir: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGKILL and wait for the exit: a member crash. */
  kill(): Promise<void>;
  /** Starts the member again on its data directory (does not wait for health). */
  start(): void;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Every member's client URL, for LINK_ETCD. */
  endpoints: string[];
  /** Runs etcdctl (API v3) from the switch namespace against the running members. */
  etcdctl(args: readonly string[], options?: { endpoints?: string[] }): Promise<ExecResult>;
  /** The member that is the raft leader now, if a quorum elected one. */
  leader(): Promise<EtcdMember | undefined>;
  /** Resolves once every running member answers /health with true. */
  waitHealthy(timeoutMs?: number): Promise<number>;
  /** SIGKILLs every member (throw-away clusters: SIGTERM of all three takes seconds). */
  killAll(): Promise<void>;
}

/**
 * Members keep their data in memory (tmpfs) when the machine has one: raft fsyncs every write on
 * three members, and on a busy disk that alone made keepalives miss their deadline.
 */
const DATA_ROOT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

interface StatusJson {
  Endpoint: string;
  Status: { header: { member_id: number }; leader: number };
}

/**
 * An etcd cluster inside the lab's switch namespace: members listen for clients on the bridge
 * address (so every host reaches them) and talk raft over the switch's loopback. A partitioned host
 * loses them all at once; killing members tests quorum.
 */
export async function startEtcdCluster(lab: Lab, options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const size = options.size ?? 3;
  const base = options.clientPort ?? 2479;
  const scheme = options.scheme ?? 'http';
  const sw = lab.switch;
  const token = `${lab.name}-cluster-${base}`;
  const specs = Array.from({ length: size }, (_, i) => {
    const name = `m${i + 1}`;
    const clientUrl = `${scheme}://${sw.ip}:${base + 2 * i}`;
    const peerUrl = `http://127.0.0.1:${base + 2 * i + 1}`;
    const dataDir = mkdtempSync(join(DATA_ROOT, `${lab.name}-${name}-`));
    lab.ownPath(dataDir);
    return { name, clientUrl, peerUrl, dataDir };
  });
  const initialCluster = specs.map((s) => `${s.name}=${s.peerUrl}`).join(',');

  const members: EtcdMember[] = specs.map((spec) => {
    let child: ChildProcessWithoutNullStreams | undefined;
    const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
    return {
      name: spec.name,
      endpoint: spec.clientUrl,
      dataDir: spec.dataDir,
      get pid() {
        return alive() ? child?.pid : undefined;
      },
      get running() {
        return alive();
      },
      async kill() {
        if (!child || !alive()) return;
        const done = exited(child);
        child.kill('SIGKILL');
        await done;
      },
      start() {
        if (alive()) return;
        const proc = lab.spawnIn(sw, 'etcd', [
          '--name',
          spec.name,
          '--data-dir',
          spec.dataDir,
          '--listen-client-urls',
          spec.clientUrl,
          '--advertise-client-urls',
          spec.clientUrl,
          '--listen-peer-urls',
          spec.peerUrl,
          '--initial-advertise-peer-urls',
          spec.peerUrl,
          '--initial-cluster',
          initialCluster,
          '--initial-cluster-token',
          token,
          '--initial-cluster-state',
          'new',
          '--log-level',
          'error',
          ...(options.extraArgs ?? []),
        ]);
        proc.stdout.resume();
        proc.stderr.resume();
        child = proc;
      },
    };
  });

  const etcdctl = (args: readonly string[], opts: { endpoints?: string[] } = {}) => {
    const endpoints = opts.endpoints ?? members.filter((m) => m.running).map((m) => m.endpoint);
    return lab.exec(
      sw,
      'etcdctl',
      [
        `--endpoints=${endpoints.join(',')}`,
        '--command-timeout=3s',
        '--dial-timeout=2s',
        ...(options.etcdctlArgs ?? []),
        ...args,
      ],
      { env: { ETCDCTL_API: '3' }, timeoutMs: 15_000 },
    );
  };

  const waitHealthy = async (timeoutMs = options.readyTimeoutMs ?? 15_000) => {
    const started = performance.now();
    for (;;) {
      const running = members.filter((m) => m.running);
      const ok = await etcdctl(['endpoint', 'health'], { endpoints: running.map((m) => m.endpoint) }).then(
        () => true,
        () => false,
      );
      if (ok) return performance.now() - started;
      if (performance.now() - started > timeoutMs)
        throw new Error(`etcd cluster not healthy within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  for (const member of members) member.start();
  await waitHealthy();

  return {
    members,
    endpoints: members.map((m) => m.endpoint),
    etcdctl,
    waitHealthy,
    async leader() {
      const running = members.filter((m) => m.running);
      const { stdout } = await etcdctl(['endpoint', 'status', '-w', 'json'], {
        endpoints: running.map((m) => m.endpoint),
      }).catch(() => ({ stdout: '[]' }));
      let statuses: StatusJson[];
      try {
        statuses = JSON.parse(stdout) as StatusJson[];
      } catch {
        return undefined;
      }
      const leaderStatus = statuses.find(
        (s) => s.Status.leader !== 0 && s.Status.header.member_id === s.Status.leader,
      );
      return members.find((m) => m.endpoint === leaderStatus?.Endpoint);
    },
    async killAll() {
      await Promise.all(members.map((m) => m.kill()));
    },
  };
}

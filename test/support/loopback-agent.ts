import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EndpointView } from '../../src/agent/agent-service.js';
import { LineCollector } from '../lab/line-collector.js';
import { exited } from '../lab/processes.js';
import { freePort } from './etcd-server.js';

const REPO = join(import.meta.dirname, '../..');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Every agent started here, killed by PID if a run ends without its clean-up. */
const running = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * One linkd process on a loopback port of its own with LINK_DRY_RUN=true (election, API, status
 * publishing and live view are real; VIPs are bound in memory only), with a clean environment.
 */
export class LoopbackAgent {
  child: ChildProcessWithoutNullStreams | undefined;
  port = 0;
  stderr = '';

  /** `env`: more LINK_* settings, over the defaults below. */
  constructor(
    readonly hostname: string,
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(etcdUrl: string): Promise<void> {
    this.port = await freePort();
    const child = spawn(process.execPath, ['--import', TSX_LOADER, 'src/cli/linkd.ts'], {
      cwd: REPO,
      // Never vitest's variables or the caller's LINK_* settings: only what the agent needs.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
        LINK_ETCD: etcdUrl,
        LINK_INTERFACE: 'lo',
        LINK_HOSTNAME: this.hostname,
        LINK_LISTEN: `127.0.0.1:${this.port}`,
        LINK_DRY_RUN: 'true',
        LINK_LOG_LEVEL: 'info',
        ...this.env,
      },
      stdio: 'pipe',
    });
    child.on('error', () => {}); // reported below: no start line
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    try {
      await new LineCollector(child.stdout).waitFor(
        (line) => line.includes('"linkd started"'),
        60_000,
        `linkd ${this.hostname} start`,
      );
    } catch (error) {
      throw new Error(`linkd ${this.hostname} did not start: ${this.stderr}`, { cause: error });
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
  }

  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async endpoints(): Promise<EndpointView[]> {
    const res = await this.api<{ endpoints: EndpointView[] }>('GET', '/endpoints');
    return res.body.endpoints;
  }
}

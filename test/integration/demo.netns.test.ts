/**
 * `npm run demo`, run as a child process with a short story: each failover happens, and nothing
 * the demo created outlives it (namespaces, processes, etcd data), whether it ends by itself or
 * is interrupted mid-way.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { DemoResult } from '../../demo/say.js';
import { REPO_ROOT } from '../lab/lab.js';
import { LineCollector } from '../lab/line-collector.js';
import { exited, isRunning, startTimeOf } from '../lab/processes.js';

const isRoot = process.getuid?.() === 0;

class DemoRun {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: LineCollector;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Inodes of the demo's namespaces, read while it runs: a process left in one is found by them. */
  readonly namespaceInodes = new Set<number>();
  stderr = '';

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'demo/run.ts', '--port', '0', ...args], {
      cwd: REPO_ROOT,
      // vitest's variables (NODE_ENV, VITEST, ...) must not reach the demo or its agents.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
    });
    this.exit = exited(this.child);
    this.out = new LineCollector(this.child.stdout);
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8000);
    });
  }

  results(): DemoResult[] {
    return this.out.lines
      .filter((line) => line.startsWith('DEMO-RESULT '))
      .map((line) => JSON.parse(line.slice('DEMO-RESULT '.length)) as DemoResult);
  }

  result<T extends DemoResult['type']>(type: T): Extract<DemoResult, { type: T }> | undefined {
    return this.results().find((r): r is Extract<DemoResult, { type: T }> => r.type === type);
  }

  async waitForLine(predicate: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    return this.out.waitFor(predicate, timeoutMs, what).catch((error: Error) => {
      throw new Error(`${error.message}\nstderr:\n${this.stderr}`);
    });
  }

  async waitForResult(type: DemoResult['type'], timeoutMs: number): Promise<void> {
    await this.waitForLine(
      (line) => line.startsWith(`DEMO-RESULT {"type":"${type}"`),
      timeoutMs,
      `${type} result`,
    );
  }

  recordNamespaces(): void {
    const prefix = this.result('mode')?.namespacePrefix;
    if (!prefix) return;
    for (const ns of readdirSync('/run/netns').filter((name) => name.startsWith(prefix)))
      this.namespaceInodes.add(statSync(`/run/netns/${ns}`).ino);
  }

  async finished(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`demo still running after ${timeoutMs} ms:\n${this.out.lines.slice(-15).join('\n')}`),
          ),
        timeoutMs,
      );
    });
    return Promise.race([this.exit, timeout]).finally(() => clearTimeout(timer));
  }
}

/** `pid` still runs the process that started at `start`: PIDs are reused quickly on a busy machine. */
function stillRunning(pid: number, start: string | undefined): boolean {
  return start !== undefined && startTimeOf(pid) === start && isRunning(pid);
}

function describeProcess(pid: number): string {
  try {
    return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`;
  } catch {
    return `${pid}: gone`;
  }
}

function processesInNamespaces(inodes: Set<number>): number[] {
  if (inodes.size === 0) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return inodes.has(statSync(`/proc/${entry}/ns/net`).ino);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function expectNothingLeft(run: DemoRun): void {
  const mode = run.result('mode');
  expect(mode, 'the demo reports its mode').toBeDefined();
  expect(run.result('cleanup')).toMatchObject({ ok: true });
  const reports = run.results().filter((r) => r.type === 'processes');
  const started = Object.assign({}, ...reports.map((r) => r.started)) as Record<string, string>;
  const pids = [...new Set(reports.flatMap((r) => r.pids))];
  expect(pids.length).toBeGreaterThan(0);
  expect(
    pids.filter((pid) => stillRunning(pid, started[pid])).map(describeProcess),
    'processes the demo started',
  ).toEqual([]);
  expect(existsSync(mode!.dataDir), `${mode!.dataDir} (etcd data)`).toBe(false);
  const prefix = mode!.namespacePrefix;
  if (prefix) {
    const namespaces = existsSync('/run/netns') ? readdirSync('/run/netns') : [];
    expect(namespaces.filter((ns) => ns.startsWith(prefix))).toEqual([]);
    expect(processesInNamespaces(run.namespaceInodes), 'processes left in the lab').toEqual([]);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(prefix))).toEqual([]);
  }
}

let current: DemoRun | undefined;
afterEach(async () => {
  // A failed test must not leave a demo running: SIGTERM makes it clean up after itself.
  if (current && current.child.exitCode === null && current.child.signalCode === null) {
    current.child.kill('SIGTERM');
    await current.finished(30_000).catch(() => current?.child.kill('SIGKILL'));
  }
  current = undefined;
});

describe.skipIf(!isRoot)('npm run demo in a namespace lab', () => {
  it('walks through three failovers, measures each outage, then removes everything', async () => {
    const run = new DemoRun(['--story=short', '--exit-after-story']);
    current = run;
    await run.waitForLine((line) => line.includes('Starting three LinK agents'), 120_000, 'agents starting');
    run.recordNamespaces();
    const { code } = await run.finished(240_000);
    expect(code, run.stderr).toBe(0);

    const failovers = run.results().filter((r) => r.type === 'failover');
    expect(failovers.map((f) => f.step)).toEqual(['owner-crash', 'graceful-stop', 'backend-failure']);
    for (const failover of failovers) {
      expect(failover.to).not.toBe(failover.from);
      expect(failover.outageMs).toBeTypeOf('number');
      expect(failover.takeoverMs).toBeGreaterThanOrEqual(0);
    }
    const [crash, graceful, backend] = failovers;
    // A crash is found by the peers' probes and its claim ended (well within the 6 s lease TTL);
    // a graceful stop hands over at once.
    expect(crash!.outageMs!).toBeGreaterThan(0);
    expect(crash!.outageMs!).toBeLessThan(6000);
    expect(graceful!.outageMs!).toBeLessThan(crash!.outageMs!);
    expect(backend!.outageMs!).toBeGreaterThan(0);
    expect(run.results().filter((r) => r.type === 'restored')).toHaveLength(3);
    expect(run.result('story-done')).toBeDefined();
    expectNothingLeft(run);
  }, 300_000);

  it('Ctrl-C in the middle of the story leaves nothing behind', async () => {
    const run = new DemoRun(['--story=short', '--exit-after-story']);
    current = run;
    await run.waitForLine((line) => line.includes('Starting three LinK agents'), 120_000, 'agents starting');
    run.recordNamespaces();
    // Mid-failover: the holder's host is down, its agent killed, the standbys waiting on its lease.
    await run.waitForLine((line) => line.includes('Failover 1/3'), 120_000, 'the first failover');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    run.child.kill('SIGINT');
    const { code } = await run.finished(60_000);
    expect(code, run.stderr).toBe(0);
    expect(run.result('story-done')).toBeUndefined();
    expectNothingLeft(run);
  }, 240_000);

  it('Ctrl-C while etcd starts and the lab is built leaves nothing behind', async () => {
    const run = new DemoRun(['--story=short']);
    current = run;
    await run.waitForResult('mode', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.recordNamespaces();
    run.child.kill('SIGINT');
    const { code } = await run.finished(60_000);
    expect(code, run.stderr).toBe(0);
    expectNothingLeft(run);
  }, 120_000);
});

describe('npm run demo -- --dry-run (agents on loopback, no root needed)', () => {
  it('runs the election through a failover, then removes everything', async () => {
    const run = new DemoRun(['--dry-run', '--story=short', '--exit-after-first-failover']);
    current = run;
    const { code } = await run.finished(180_000);
    expect(code, run.stderr).toBe(0);
    expect(run.result('mode')).toMatchObject({ mode: 'dry-run', namespacePrefix: null });
    const [failover] = run.results().filter((r) => r.type === 'failover');
    expect(failover).toMatchObject({ step: 'owner-crash', outageMs: null });
    expect(failover!.to).not.toBe(failover!.from);
    expectNothingLeft(run);
  }, 200_000);

  it('SIGTERM while the agents start leaves nothing behind', async () => {
    const run = new DemoRun(['--dry-run', '--story=short', '--exit-after-story']);
    current = run;
    await run.waitForLine((line) => line.includes('Starting three LinK agents'), 60_000, 'agents starting');
    run.child.kill('SIGTERM');
    const { code } = await run.finished(60_000);
    expect(code, run.stderr).toBe(0);
    expectNothingLeft(run);
  }, 120_000);
});

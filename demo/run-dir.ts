import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTimeOf } from '../test/lab/processes.js';

/**
 * The demo's files inside the project: `.demo/run-<pid>/` (etcd data, sockets' neighbours,
 * the record of the processes it started in the root namespace). Removed at the end; a run that
 * was SIGKILLed leaves it behind, and the next run removes it and kills what it records, by PID,
 * only while each PID still is the very process that was started (same start time).
 */
export class RunDir {
  readonly path: string;
  readonly #base: string;
  readonly #record: string;
  readonly #processes: { pid: number; start: string }[] = [];

  /** `tmpPrefix`: what names this run's files in the temporary directory (the lab's sockets) start with. */
  constructor(
    repoRoot: string,
    private readonly tmpPrefix: string,
  ) {
    this.#base = join(repoRoot, '.demo');
    this.path = join(this.#base, `run-${process.pid}`);
    this.#record = join(this.path, 'processes.json');
  }

  /** Removes what dead runs left behind, then creates this run's directory. */
  create(): void {
    sweepDeadRuns(this.#base, this.tmpPrefix);
    mkdirSync(this.path, { recursive: true });
  }

  /** Remembers a root-namespace process, so a later run can stop it if this one is SIGKILLed. */
  recordProcess(pid: number): void {
    const start = startTimeOf(pid);
    if (start === undefined) return;
    this.#processes.push({ pid, start });
    writeFileSync(this.#record, JSON.stringify(this.#processes));
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
    try {
      rmdirSync(this.#base); // only when empty: another run may be using it
    } catch {
      // Not empty, or already gone.
    }
  }
}

function sweepDeadRuns(base: string, tmpPrefix: string): void {
  if (!existsSync(base)) return;
  for (const entry of readdirSync(base)) {
    const pid = Number(/^run-(\d+)$/.exec(entry)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    for (const name of readdirSync(tmpdir()))
      if (name.startsWith(`${tmpPrefix}${pid}x`))
        rmSync(join(tmpdir(), name), { recursive: true, force: true });
    const dir = join(base, entry);
    try {
      const recorded = JSON.parse(readFileSync(join(dir, 'processes.json'), 'utf8')) as {
        pid: number;
        start: string;
      }[];
      for (const { pid: child, start } of recorded) {
        if (startTimeOf(child) === start) process.kill(child, 'SIGKILL');
      }
    } catch {
      // Nothing recorded, or gone meanwhile.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

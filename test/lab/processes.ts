import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The child processes one lab started, so it kills exactly those, by PID, and nothing else.
 * `ip netns exec` execs its command, so the tracked PID is the command itself.
 */
export class ProcessGroup {
  readonly #children = new Set<ChildProcess>();

  track<T extends ChildProcess>(child: T): T {
    if (child.pid === undefined) return child; // failed to spawn: its 'error' event says why
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  get pids(): number[] {
    return [...this.#children].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  /** SIGKILLs every live child and waits (bounded) for their exit. */
  async killAll(timeoutMs = 3000): Promise<void> {
    const exits = [...this.#children].map((child) => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      return exited;
    });
    await Promise.race([
      Promise.all(exits),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  killAllSync(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/** Resolves when `child` exits (at once if it already has), with its exit code or signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** The fields of `/proc/PID/stat` after the command name (state first), or undefined if it is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** `pid` runs: it exists and is not a zombie waiting to be reaped (which `kill(pid, 0)` counts). */
export function isRunning(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z';
}

/** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
export function startTimeOf(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** `pid` and every process below it (children, their children...), parents first. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

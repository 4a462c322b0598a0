import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Memory and CPU time of one process, read from /proc (the kernel's own accounting). */
export interface ProcUsage {
  rssBytes: number;
  /** User + system CPU time since the process started. */
  cpuSeconds: number;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Undefined once the process is gone. */
export function procUsage(pid: number): ProcUsage | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { rssBytes: rssKb * 1024, cpuSeconds: (utime + stime) / clockTicks() };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid` (the agent's frame worker, say), found through parent PIDs. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift() as number) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** A process and its descendants, summed. */
export function treeUsage(pid: number): ProcUsage | undefined {
  const own = procUsage(pid);
  if (!own) return undefined;
  let { rssBytes, cpuSeconds } = own;
  for (const child of descendantsOf(pid)) {
    const usage = procUsage(child);
    if (!usage) continue;
    rssBytes += usage.rssBytes;
    cpuSeconds += usage.cpuSeconds;
  }
  return { rssBytes, cpuSeconds };
}

export const MB = 1024 * 1024;

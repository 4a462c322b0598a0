import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';

/** What the numbers ran on: they mean little without it. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  kernel: string;
  node: string;
  etcd: string;
  keepalived: string;
  /** 1-minute load average when sampled. */
  load1: number;
}

/** A version from a command's output, stdout or stderr (keepalived prints it on stderr). */
function versionOf(cmd: string, args: string[], pattern: RegExp): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return pattern.exec(`${result.stdout ?? ''}\n${result.stderr ?? ''}`)?.[1] ?? 'unknown';
}

function cpuModel(): string {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    kernel: release(),
    node: process.version,
    etcd: versionOf('etcd', ['--version'], /etcd Version:\s*(\S+)/),
    keepalived: versionOf('keepalived', ['--version'], /Keepalived v(\S+)/),
    load1: loadAverage(),
  };
}

export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

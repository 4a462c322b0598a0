import { spawn } from 'node:child_process';
import type { Lab } from './lab.js';
import { LineCollector } from './line-collector.js';
import { exited } from './processes.js';

export interface SlowDisk {
  /** Detaches strace: the process syncs at full speed again. */
  stop(): Promise<void>;
}

/**
 * A slow disk for one running process (etcd): strace's fault injection delays every `fdatasync`
 * and `fsync` it makes by `delayMs` before the call runs, as a disk whose syncs take that long
 * would. Attached with ptrace, so every other system call is slowed a little too; `stop()` detaches.
 */
export async function slowDisk(lab: Lab, pid: number, delayMs: number): Promise<SlowDisk> {
  const child = lab.processes.track(
    spawn(
      'strace',
      [
        '-f',
        '-qq',
        '-e',
        'trace=fdatasync,fsync',
        '-e',
        `inject=fdatasync,fsync:delay_enter=${delayMs * 1000}`,
        '-o',
        '/dev/null',
        '-p',
        String(pid),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    ),
  );
  const stderr = new LineCollector(child.stderr);
  // strace prints nothing once attached (-qq): give it a moment, and fail if it exited.
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (child.exitCode !== null || child.signalCode !== null)
    throw new Error(`strace could not attach to ${pid}: ${stderr.lines.join('\n')}`);
  return {
    stop: async () => {
      const done = exited(child);
      child.kill('SIGINT'); // strace detaches on SIGINT and leaves the process running
      await done;
    },
  };
}

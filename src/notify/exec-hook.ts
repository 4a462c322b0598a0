import { spawn } from 'node:child_process';
import type { TransitionRecord } from '../agent/agent-service.js';
import { type HookOutcome, hookEnvironment, type NotifyHook } from './notify-event.js';

export interface ExecHookOptions {
  /** The executable; run without arguments and without a shell. */
  path: string;
  timeoutMs: number;
  /** `PATH` given to the hook; linkd's own by default. */
  searchPath?: string | undefined;
}

/** Output kept for the log line, from the end (where scripts say why they failed). */
const OUTPUT_TAIL = 512;

/**
 * An executable run on a state change, keepalived's `notify` script. It runs in a process group of
 * its own, so that at the time limit SIGKILL reaches what it started too (a `sleep` in a shell
 * script would otherwise hold its output pipes open and outlive the kill).
 */
export class ExecHook implements NotifyHook {
  readonly kind = 'exec';

  constructor(private readonly options: ExecHookOptions) {}

  run(record: TransitionRecord): Promise<HookOutcome> {
    const started = Date.now();
    const outcome = (result: HookOutcome['result'], status: number | null, detail: string): HookOutcome => ({
      result,
      status,
      durationMs: Date.now() - started,
      detail,
    });
    return new Promise((resolve) => {
      let output = '';
      let timedOut = false;
      const child = spawn(this.options.path, [], {
        env: hookEnvironment(record, this.options.searchPath ?? process.env.PATH),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, this.options.timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve(outcome('error', null, error.message));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) resolve(outcome('timeout', code, `killed after ${this.options.timeoutMs} ms`));
        else if (code === 0) resolve(outcome('ok', 0, output.trim()));
        else resolve(outcome('failed', code, output.trim() || `ended by ${signal ?? `exit status ${code}`}`));
      });
    });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

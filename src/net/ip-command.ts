import { execFile } from 'node:child_process';
import { NetError } from './net-error.js';

/**
 * Runs `ip ARGS` (with `input` on its stdin, for `-batch -`) and resolves its stdout; injectable so
 * adapters can be tested without root.
 */
export type IpRunner = (args: readonly string[], input?: string) => Promise<string>;

/** A failed `ip` call, with what it printed so callers can tell "already gone" from real trouble. */
export class IpCommandError extends NetError {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | string | undefined,
    options?: ErrorOptions,
  ) {
    super(`ip ${args.join(' ')} failed (exit ${exitCode ?? '?'}): ${stderr.trim() || 'no output'}`, options);
  }
}

interface ExecFailure extends Error {
  code?: number | string;
  killed?: boolean;
  signal?: string | null;
}

/**
 * `ip` through execFile, never a shell, so a CIDR or interface name is never interpreted. A
 * deadline bounds each call: a wedged netlink request must not stall the VIP's actor for ever.
 */
export function createIpRunner(options: { timeoutMs?: number; binary?: string } = {}): IpRunner {
  const timeout = options.timeoutMs ?? 5000;
  const binary = options.binary ?? 'ip';
  return (args, input) =>
    new Promise((resolve, reject) => {
      // LC_ALL=C: the "already absent" check matches iproute2's English messages.
      const env = { ...process.env, LC_ALL: 'C' };
      const child = execFile(
        binary,
        [...args],
        { timeout, env, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const failure = error as ExecFailure;
          const detail =
            failure.code === 'ENOENT'
              ? `the \`${binary}\` command was not found: install iproute2`
              : failure.killed
                ? `no answer within ${timeout} ms (killed by ${failure.signal ?? 'timeout'})`
                : stderr;
          reject(new IpCommandError(args, detail, failure.code, { cause: error }));
        },
      );
      child.stdin?.on('error', () => {}); // EPIPE if ip exits early: its exit code tells
      child.stdin?.end(input ?? '');
    });
}

export const runIp: IpRunner = createIpRunner();

import { NetError } from '../net-error.js';
import { commandThread, type Exec, ExecFailure } from './exec-thread.js';

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
    readonly exitCode: number | string | null | undefined,
    options?: ErrorOptions,
  ) {
    super(`ip ${args.join(' ')} failed (exit ${exitCode ?? '?'}): ${stderr.trim() || 'no output'}`, options);
  }
}

/**
 * `ip` through execFile, never a shell, so a CIDR or interface name is never interpreted. A
 * deadline bounds each call: a wedged netlink request must not stall the VIP's actor for ever.
 * By default the processes start from a worker thread (see `ExecThread`), never from the event
 * loop that renews the lease.
 */
export function createIpRunner(options: { timeoutMs?: number; binary?: string; exec?: Exec } = {}): IpRunner {
  const timeout = options.timeoutMs ?? 5000;
  const binary = options.binary ?? 'ip';
  const exec = options.exec ?? commandThread.exec;
  return async (args, input) => {
    // LC_ALL=C: the "already absent" check matches iproute2's English messages.
    const env = { ...process.env, LC_ALL: 'C' };
    try {
      const { stdout } = await exec({
        file: binary,
        args,
        timeoutMs: timeout,
        env,
        ...(input === undefined ? {} : { input }),
      });
      return stdout;
    } catch (error) {
      const failure = error instanceof ExecFailure ? error : undefined;
      const detail =
        failure?.code === 'ENOENT'
          ? `the \`${binary}\` command was not found: install iproute2`
          : failure?.killed
            ? `no answer within ${timeout} ms (killed by ${failure.signal ?? 'timeout'})`
            : (failure?.stderr ?? String(error));
      throw new IpCommandError(args, detail, failure?.code, { cause: error });
    }
  };
}

export const runIp: IpRunner = createIpRunner();

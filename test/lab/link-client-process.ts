import { execFile } from 'node:child_process';
import { REPO_ROOT } from './lab.js';

export interface ClientRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock time of the whole process, start-up included. */
  ms: number;
}

/**
 * Runs `node bin/link-client.js --host URL ARGS` as an operator would, with a clean environment
 * (no test-runner variables, no LINK_* settings of the test process), and resolves its exit code
 * and output instead of rejecting on a non-zero exit.
 */
export function runLinkClient(
  url: string,
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<ClientRun> {
  const env: NodeJS.ProcessEnv = { LANG: 'C' };
  for (const key of ['PATH', 'HOME', 'TMPDIR'] as const) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/link-client.js', '--host', url, ...args],
      { cwd: REPO_ROOT, env, timeout: options.timeoutMs ?? 60_000 },
      (error, stdout, stderr) => {
        const ms = Date.now() - started;
        if (error && typeof error.code !== 'number') {
          reject(new Error(`link-client ${args.join(' ')} did not run: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr, ms });
      },
    );
  });
}

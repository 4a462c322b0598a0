import { execFile } from 'node:child_process';
import { REPO_ROOT } from './lab.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment an operator's shell would have: the test process's (npm needs its proxy and CA
 * settings), without vitest's variables and the project's own LINK_* settings.
 */
function operatorEnv(): NodeJS.ProcessEnv {
  const vitest = new Set(['NODE_ENV', 'TEST', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL']);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !vitest.has(key) && !key.startsWith('VITEST') && !key.startsWith('LINK_'),
    ),
  );
}

/** Runs a command to its end and resolves its exit code and output (never rejects on a code). */
export function run(cmd: string, args: readonly string[], timeoutMs = 300_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: REPO_ROOT,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...operatorEnv(), LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number')
          reject(new Error(`${cmd} did not run: ${error.message}`));
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** apt-get waits for another dpkg (another test run, a developer's ensure-deps) instead of failing. */
const APT = ['-y', '-q', '-o', 'DPkg::Lock::Timeout=300'];

export const aptInstall = (deb: string) => run('apt-get', [...APT, 'install', deb]);
export const aptPurge = (name: string) => run('apt-get', [...APT, 'purge', name]);

/** dpkg's status of a package: `install ok installed`, or undefined when dpkg does not know it. */
export async function packageStatus(name: string): Promise<string | undefined> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format
  const result = await run('dpkg-query', ['-W', '-f=${Status}', name]);
  return result.code === 0 && result.stdout.trim() !== 'unknown ok not-installed'
    ? result.stdout.trim()
    : undefined;
}

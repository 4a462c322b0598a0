// @ts-check
/**
 * One command through `execFile` (never a shell), settled as plain data so the answer can cross a
 * worker boundary: used on the calling thread by `execHere` and in the command worker.
 */
import { execFile } from 'node:child_process';

/**
 * @typedef {import('./exec-thread.js').ExecRequest} ExecRequest
 * @typedef {{ message: string, code: number | string | null | undefined, killed: boolean, signal: string | null }} ExecError
 * @typedef {{ stdout: string, stderr: string, error: ExecError | null }} ExecOutcome
 */

/**
 * @param {ExecRequest} request
 * @returns {Promise<ExecOutcome>}
 */
export function execOutcome(request) {
  return new Promise((resolve) => {
    const child = execFile(
      request.file,
      [...request.args],
      { timeout: request.timeoutMs, env: request.env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({
          stdout,
          stderr,
          error: error
            ? {
                message: error.message,
                code: error.code,
                killed: error.killed ?? false,
                signal: error.signal ?? null,
              }
            : null,
        });
      },
    );
    child.stdin?.on('error', () => {}); // EPIPE if the command exits early: its exit code tells
    child.stdin?.end(request.input ?? '');
  });
}

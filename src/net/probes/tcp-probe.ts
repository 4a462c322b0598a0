import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeResult } from '../../ports/health.js';
import { errorCode, hostPort } from './probe-detail.js';

/**
 * LinK's TCP check: connect, then close at once. The timeout covers name resolution and the
 * handshake; the promise always resolves, with the reason in `detail` when it failed.
 */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const target = hostPort(host, port);
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host, port });
    const finish = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, detail, durationMs: performance.now() - started });
    };
    const timer = setTimeout(
      () => finish(false, `timeout after ${timeoutMs} ms connecting to ${target}`),
      timeoutMs,
    );
    socket.once('connect', () => finish(true, ''));
    socket.once('error', (error) => finish(false, `${errorCode(error)} ${target}`));
  });
}

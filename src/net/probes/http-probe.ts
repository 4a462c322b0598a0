import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { HealthCheck, ProbeResult } from '../../ports/health.js';
import { errorCode, hostPort } from './probe-detail.js';

export type HttpCheck = Extract<HealthCheck, { type: 'HTTP' | 'HTTPS' }>;

export interface HttpProbeOptions {
  /**
   * Accept any server certificate. Off by default: a check that trusts anything also passes when
   * something else answers on the address. Prefer `ca` for an internal authority.
   */
  insecureTls?: boolean;
  /** Trusted certificate authorities (PEM), replacing Node's bundled list, e.g. an internal CA. */
  ca?: string | Buffer | (string | Buffer)[];
}

const TLS_TRUST_ERRORS =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH/;

/**
 * GET `path` and accept a status inside `expectStatus`. A fresh connection each time (no agent,
 * `Connection: close`): a kept-alive socket would hide a listener that stopped accepting. The
 * verdict comes with the status line; the body is discarded. Always resolves.
 */
export function probeHttp(
  check: HttpCheck,
  timeoutMs: number,
  options: HttpProbeOptions = {},
): Promise<ProbeResult> {
  const started = performance.now();
  const target = `${hostPort(check.host, check.port)}${check.path}`;
  const [low, high] = check.expectStatus;
  const tls = check.type === 'HTTPS';
  const request = tls ? httpsRequest : httpRequest;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ok, detail, durationMs: performance.now() - started });
    };

    const req = request({
      host: check.host,
      port: check.port,
      path: check.path,
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'link-health-check', connection: 'close', accept: '*/*' },
      ...(tls && {
        rejectUnauthorized: options.insecureTls !== true,
        // SNI must be a name, never an IP literal (RFC 6066).
        ...(isIP(check.host) === 0 && { servername: check.host }),
        ...(options.ca !== undefined && { ca: options.ca }),
      }),
    });
    const timer = setTimeout(
      () => finish(false, `timeout after ${timeoutMs} ms waiting for ${target}`),
      timeoutMs,
    );

    req.once('response', (res: IncomingMessage) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= low && status <= high) finish(true, '');
      else finish(false, `HTTP ${status} from ${target} (expected ${low}-${high})`);
    });
    req.once('error', (error) => {
      const code = errorCode(error);
      const hint = TLS_TRUST_ERRORS.test(code)
        ? ': certificate not trusted (give the CA, or allow insecure TLS)'
        : '';
      finish(false, `${code} ${target}${hint}`);
    });
    req.end();
  });
}

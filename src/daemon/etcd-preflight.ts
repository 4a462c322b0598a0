import type { KvPort } from '../ports/coordination.js';

export interface PreflightResult {
  ok: boolean;
  fatal?: string;
  detail?: string;
}

/**
 * Calls at start that tell an etcd that is away (keep going: the agent is built to ride out
 * outages) from one that refuses us (wrong password, wrong certificate: stop with a clear error,
 * rather than a crash loop under systemd). A call that only timed out says neither, and on a
 * loaded host the first one can time out before the TLS handshake even ran: ask again (up to
 * `attempts` times) before deciding that etcd is away.
 */
export async function etcdPreflight(
  etcd: { kv: Pick<KvPort, 'get'> },
  options: { attempts?: number; pauseMs?: number } = {},
): Promise<PreflightResult> {
  const attempts = options.attempts ?? 3;
  let detail = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await etcd.kv.get('/link/preflight');
      return { ok: true };
    } catch (error) {
      const text = `${(error as Error).name}: ${(error as Error).message}`;
      if (/auth|permission denied|user name|password/i.test(text)) {
        return { ok: false, fatal: `etcd refused the credentials (--etcd-user / --etcd-password): ${text}` };
      }
      if (/certificate|ssl|tls|handshake|x509|alert/i.test(text)) {
        return { ok: false, fatal: `TLS with etcd failed (--etcd-cert / --etcd-key / --etcd-ca): ${text}` };
      }
      detail = text;
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 1000));
  }
  return { ok: false, detail };
}

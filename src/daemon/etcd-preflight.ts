import type { EtcdCoordination } from '../etcd/etcd-coordination.js';

/**
 * One call at start that tells an etcd that is away (keep going: the agent is built to ride out
 * outages) from one that refuses us (wrong password, wrong certificate: stop with a clear error,
 * rather than a crash loop under systemd).
 */
export async function etcdPreflight(
  etcd: EtcdCoordination,
): Promise<{ ok: boolean; fatal?: string; detail?: string }> {
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
    return { ok: false, detail: text };
  }
}

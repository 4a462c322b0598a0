import type { EtcdConnection } from '../etcd/etcd-options.js';
import type { LinkConfig } from './config.schema.js';

/** The etcd client's connection settings from linkd's configuration. */
export function toEtcdConnection(config: LinkConfig): EtcdConnection {
  const tls = {
    ...(config.etcdCert ? { cert: config.etcdCert } : {}),
    ...(config.etcdKey ? { key: config.etcdKey } : {}),
    ...(config.etcdCa ? { ca: config.etcdCa } : {}),
  };
  return {
    endpoints: config.etcd,
    callTimeoutMs: config.etcdTimeoutMs,
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
    ...(config.etcdUser && config.etcdPassword
      ? { auth: { user: config.etcdUser, password: config.etcdPassword } }
      : {}),
  };
}

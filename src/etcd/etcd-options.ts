import { readFileSync } from 'node:fs';
import { ConsecutiveBreaker, circuitBreaker, ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { type IOptions, isRecoverableError } from 'etcd3';

export interface EtcdConnection {
  endpoints: string[];
  tls?: { cert?: string; key?: string; ca?: string };
  auth?: { user: string; password: string };
  /** Deadline for every single call, in ms. */
  callTimeoutMs: number;
}

/**
 * etcd3 client options. The host circuit breaker re-tries a failed member after 1 s instead of the
 * default 5 s, so an agent notices a recovered single-node etcd within one keepalive interval.
 */
export function toEtcd3Options(conn: EtcdConnection): IOptions {
  const hosts = conn.endpoints.map((url) => url.replace(/^https?:\/\//, ''));
  const useTls = conn.endpoints.some((url) => url.startsWith('https://')) || Boolean(conn.tls?.ca);
  const options: IOptions = {
    hosts,
    dialTimeout: conn.callTimeoutMs,
    grpcOptions: {
      // grpc-js shares one connection per target across clients unless told otherwise: the host
      // lease's client (and its replacement after a failed call) must get a connection of its own.
      'grpc.use_local_subchannel_pool': 1,
      // grpc's reconnect backoff grows to 120 s by default: a member back after an outage of a few
      // seconds must be reached again within a keepalive interval.
      'grpc.initial_reconnect_backoff_ms': 500,
      'grpc.max_reconnect_backoff_ms': 1000,
    },
    faultHandling: {
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: 1000,
          breaker: new ConsecutiveBreaker(3),
        }),
      global: retry(handleWhen(isRecoverableError), { maxAttempts: 1 }),
      // The lock watch re-connects within a second of etcd's return. By default its backoff grew
      // to 8 s and more during an outage of 10 s, and a lock deleted meanwhile went unseen: a
      // graceful stop found no successor and the VIP waited for the lease to expire.
      watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }).next(),
    },
  };
  if (useTls) {
    options.credentials = {
      // Without a CA file grpc falls back to the system's trusted roots.
      rootCertificate: (conn.tls?.ca ? readFileSync(conn.tls.ca) : null) as Buffer,
      ...(conn.tls?.key ? { privateKey: readFileSync(conn.tls.key) } : {}),
      ...(conn.tls?.cert ? { certChain: readFileSync(conn.tls.cert) } : {}),
    };
  }
  if (conn.auth) options.auth = { username: conn.auth.user, password: conn.auth.password };
  return options;
}

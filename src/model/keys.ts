/** The etcd key layout, LinK v3 compatible (`/link/...`). */
export const ROOT = '/link';

export const keys = {
  lockPrefix: `${ROOT}/default/`,
  lock: (electionKey: string) => `${ROOT}/default/${electionKey}`,
  endpointsOf: (hostname: string) => `${ROOT}/hosts/${hostname}/`,
  endpoint: (hostname: string, id: string) => `${ROOT}/hosts/${hostname}/${id}`,
  hostConfig: (hostname: string) => `${ROOT}/config/${hostname}`,
  /** Trailing slash so that `10.0.0.1_32` never matches `10.0.0.1_320`. */
  linksOf: (electionKey: string) => `${ROOT}/ips/${electionKey}/`,
  link: (electionKey: string, hostname: string) => `${ROOT}/ips/${electionKey}/${hostname}`,
  statusPrefix: `${ROOT}/status/`,
  status: (electionKey: string, hostname: string) => `${ROOT}/status/${electionKey}/${hostname}`,
  auditOf: (electionKey: string) => `${ROOT}/audit/${electionKey}`,
} as const;

export function electionKeyFromLock(key: string): string | undefined {
  return key.startsWith(keys.lockPrefix) ? key.slice(keys.lockPrefix.length) : undefined;
}

/** The etcd key layout, LinK v3 compatible (`/link/...`). */
export const ROOT = '/link';

export const keys = {
  lockPrefix: `${ROOT}/default/`,
  lock: (electionKey: string) => `${ROOT}/default/${electionKey}`,
  endpointsOf: (hostname: string) => `${ROOT}/hosts/${hostname}/`,
  endpoint: (hostname: string, id: string) => `${ROOT}/hosts/${hostname}/${id}`,
  hostConfig: (hostname: string) => `${ROOT}/config/${hostname}`,
  /** Trailing slash so that `10.0.0.1_32` never matches `10.0.0.1_320`. */
  linksPrefix: `${ROOT}/ips/`,
  linksOf: (electionKey: string) => `${ROOT}/ips/${electionKey}/`,
  link: (electionKey: string, hostname: string) => `${ROOT}/ips/${electionKey}/${hostname}`,
  statusPrefix: `${ROOT}/status/`,
  status: (electionKey: string, hostname: string) => `${ROOT}/status/${electionKey}/${hostname}`,
  statusesOf: (electionKey: string) => `${ROOT}/status/${electionKey}/`,
  /** Election keys of the endpoints this host's endpoints file applied (and so owns). */
  declared: (hostname: string) => `${ROOT}/declared/${hostname}`,
  /** Transitions of every host, by time: `<prefix><epoch ms>/<hostname>/<sequence>`. */
  historyPrefix: `${ROOT}/history/`,
  /** The shared lease of each history bucket (see `EtcdHistory`), on that lease itself. */
  historyLeasePrefix: `${ROOT}/history-leases/`,
  /**
   * A standby's claim to take a VIP back (preferred hosts, spread placement): lease-bound, one per
   * VIP, so the holder hands over to that host and other standbys let it win.
   */
  claimPrefix: `${ROOT}/claims/`,
  claim: (electionKey: string) => `${ROOT}/claims/${electionKey}`,
  /**
   * A drained host's flag, not lease-bound, so it survives restarts; kept apart from
   * `/link/hosts/<hostname>/`, which every LinK agent reads as endpoint records.
   */
  maintenancePrefix: `${ROOT}/maintenance/`,
  maintenance: (hostname: string) => `${ROOT}/maintenance/${hostname}`,
  /** A host asking the holder of a VIP to announce it (see `AnnounceRequests`), bound to its lease. */
  announcePrefix: `${ROOT}/announce/`,
  announceRequest: (electionKey: string) => `${ROOT}/announce/${electionKey}`,
  /** Host liveness: each host's probe address, the suspicions about it and its refutation. */
  livenessPrefix: `${ROOT}/liveness/`,
  probeAddress: (hostname: string) => `${ROOT}/liveness/${hostname}/probe`,
  suspicion: (suspect: string, observer: string) => `${ROOT}/liveness/${suspect}/suspect/${observer}`,
  refutation: (hostname: string) => `${ROOT}/liveness/${hostname}/refute`,
  /** A claim ended early: lives as long as the ended lease could have, so `release` VIPs wait it out. */
  endedPrefix: `${ROOT}/ended/`,
  ended: (leaseId: string) => `${ROOT}/ended/${leaseId}`,
} as const;

export function electionKeyFromLock(key: string): string | undefined {
  return key.startsWith(keys.lockPrefix) ? key.slice(keys.lockPrefix.length) : undefined;
}

export type LivenessKey =
  | { kind: 'probe'; host: string }
  | { kind: 'suspect'; host: string; observer: string }
  | { kind: 'refute'; host: string };

/** Reads a key under `keys.livenessPrefix`; undefined for anything else. */
export function parseLivenessKey(key: string): LivenessKey | undefined {
  if (!key.startsWith(keys.livenessPrefix)) return undefined;
  const parts = key.slice(keys.livenessPrefix.length).split('/');
  const [host, kind, observer] = parts;
  if (!host) return undefined;
  if (kind === 'probe' && parts.length === 2) return { kind, host };
  if (kind === 'refute' && parts.length === 2) return { kind, host };
  if (kind === 'suspect' && observer && parts.length === 3) return { kind, host, observer };
  return undefined;
}

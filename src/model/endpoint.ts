import type { HealthCheck } from '../ports/health.js';

/**
 * What LinK does when etcd cannot be reached within the retry budget:
 * - `activate` binds or keeps the VIP, so at least one host always binds it (LinK's behaviour);
 * - `hold` keeps whatever state the endpoint is in;
 * - `release` unbinds before the local lease deadline, so at most one host binds it.
 */
export const FAULT_POLICIES = ['activate', 'hold', 'release'] as const;
export type FaultPolicy = (typeof FAULT_POLICIES)[number];

/** One VIP as configured on this host and stored under `/link/hosts/<hostname>/<id>`. */
export interface Endpoint {
  id: string;
  /** The VIP with its prefix length, e.g. `10.0.0.10/32`. */
  ip: string;
  checks: HealthCheck[];
  /** Seconds between health checks; 0 means the agent's default. */
  healthcheckInterval: number;
  faultPolicy: FaultPolicy;
  /**
   * Hosts that should hold this VIP, most preferred first. A listed host that is healthy and stable
   * takes the VIP back from a less preferred holder (see `src/model/placement.ts`).
   */
  preferredHosts?: string[];
}

/** LinK's election key: the CIDR with `/` replaced by `_`, e.g. `10.0.0.10_32`. */
export function electionKeyOf(ip: string): string {
  return ip.replace('/', '_');
}

/** The CIDR an election key stands for: `10.0.0.10_32` is `10.0.0.10/32`. */
export function cidrOfElectionKey(key: string): string {
  return key.replace(/_(\d+)$/, '/$1');
}

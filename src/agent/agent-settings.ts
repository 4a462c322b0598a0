import type { FaultPolicy } from '../model/endpoint.js';

/** The agent's timing and policy, resolved from configuration at the composition root. */
export interface AgentSettings {
  leaseTtlSeconds: number;
  keepaliveIntervalMs: number;
  /** Consecutive failed keepalives before the VIPs apply their fault policy. */
  faultAfter: number;
  /** `release` VIPs unbind this long before the local lease deadline. */
  expiryMarginMs: number;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  healthFall: number;
  healthRise: number;
  arpCount: number;
  arpIntervalMs: number;
  arpRefreshMs: number;
  reconcileMs: number;
  handoverTimeoutMs: number;
  /** How long the address probes before a VIP's first bind wait for an answer; 0: no check. */
  bindCheckMs: number;
  /** How often an address found in use by another station is probed again. */
  bindRecheckMs: number;
  /** 0 or less: no limit. */
  maxEndpoints: number;
  defaultFaultPolicy: FaultPolicy;
  publishStatus: boolean;
  /** Fast failure detection of peer hosts (`src/actors/peer-monitor.ts`); 0 turns it off. */
  probeIntervalMs: number;
  probePort: number;
  /** Where peers probe this host; undefined: found on the interface at start. */
  probeAddress?: string;
  suspectAfterMs: number;
  confirmWindowMs: number;
  secondObserverTimeoutMs: number;
  suspicionBackoffMs: number;
  /** How long a preferred standby stays healthy before it claims its VIP back. */
  preemptDelayMs: number;
  /** Cluster-wide: rank hosts an endpoint does not list by rendezvous hashing, spreading the VIPs. */
  spread: boolean;
}

export const defaultSettings: AgentSettings = {
  leaseTtlSeconds: 6,
  keepaliveIntervalMs: 3000,
  faultAfter: 2,
  expiryMarginMs: 1000,
  healthIntervalMs: 5000,
  healthTimeoutMs: 5000,
  healthFall: 3,
  healthRise: 1,
  arpCount: 4,
  arpIntervalMs: 1000,
  arpRefreshMs: 0,
  reconcileMs: 2000,
  handoverTimeoutMs: 2000,
  bindCheckMs: 1000,
  bindRecheckMs: 10_000,
  maxEndpoints: 10_000,
  defaultFaultPolicy: 'activate',
  publishStatus: true,
  probeIntervalMs: 20,
  probePort: 1312,
  suspectAfterMs: 100,
  confirmWindowMs: 100,
  secondObserverTimeoutMs: 500,
  suspicionBackoffMs: 1000,
  preemptDelayMs: 30_000,
  spread: false,
};

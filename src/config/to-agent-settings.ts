import type { AgentSettings } from '../agent/agent-settings.js';
import type { LinkConfig } from './config.schema.js';

/** The agent's timing and policy from linkd's configuration. */
export function toAgentSettings(config: LinkConfig): AgentSettings {
  return {
    leaseTtlSeconds: config.leaseTtlSeconds,
    keepaliveIntervalMs: config.keepaliveIntervalMs,
    faultAfter: config.faultAfter,
    expiryMarginMs: config.expiryMarginMs,
    healthIntervalMs: config.healthIntervalMs,
    healthTimeoutMs: config.healthTimeoutMs,
    healthFall: config.healthFall,
    healthRise: config.healthRise,
    arpCount: config.arpCount,
    arpIntervalMs: config.arpIntervalMs,
    arpRefreshMs: config.arpRefreshMs,
    reconcileMs: config.reconcileIntervalMs,
    handoverTimeoutMs: config.handoverTimeoutMs,
    bindCheckMs: config.bindCheckMs,
    bindRecheckMs: config.bindRecheckMs,
    maxEndpoints: config.maxEndpoints,
    defaultFaultPolicy: config.faultPolicy,
    publishStatus: config.statusPublish,
    probeIntervalMs: config.probeIntervalMs,
    probePort: config.probePort,
    ...(config.probeAddress ? { probeAddress: config.probeAddress } : {}),
    suspectAfterMs: config.suspectAfterMs,
    confirmWindowMs: config.confirmWindowMs,
    secondObserverTimeoutMs: config.secondObserverTimeoutMs,
    suspicionBackoffMs: config.suspicionBackoffMs,
    preemptDelayMs: config.preemptDelayMs,
    spread: config.placement === 'spread',
  };
}

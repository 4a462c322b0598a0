import ipaddr from 'ipaddr.js';
import type { HealthCheck } from '../ports/health.js';
import { describeInput } from './describe-input.js';
import { type Endpoint, FAULT_POLICIES, type FaultPolicy } from './endpoint.js';

/**
 * The JSON stored under `/link/hosts/<hostname>/<id>`: LinK v3's record (`plugin_config.ip`,
 * `healthcheck_interval`, checks), plus `fault_policy`. LinK agents ignore the extra field.
 */
export interface EndpointRecord {
  id: string;
  ip: '';
  checks: HealthCheck[];
  healthcheck_interval: number;
  plugin: 'arp';
  plugin_config: { ip: string };
  fault_policy: FaultPolicy;
}

export function toRecord(endpoint: Endpoint): EndpointRecord {
  return {
    id: endpoint.id,
    ip: '',
    checks: endpoint.checks,
    healthcheck_interval: endpoint.healthcheckInterval,
    plugin: 'arp',
    plugin_config: { ip: endpoint.ip },
    fault_policy: endpoint.faultPolicy,
  };
}

/** Parses a stored record; throws an error naming the bad field, so a corrupt record is skipped, not fatal. */
export function parseRecord(raw: string, defaultPolicy: FaultPolicy): Endpoint {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(raw) as Record<string, unknown>;
  } catch (error) {
    throw new Error('stored endpoint is not valid JSON', { cause: error });
  }
  if (typeof data !== 'object' || data === null) throw new Error('stored endpoint is not an object');
  const id = data.id;
  if (typeof id !== 'string' || !/^vip-[a-zA-Z0-9-]{36}$/.test(id))
    throw new Error(`id: invalid (${describeInput(id)})`);
  const config = data.plugin_config as { ip?: unknown } | undefined;
  // v2 records kept the IP at the top level.
  const ip = typeof config?.ip === 'string' ? config.ip : data.ip;
  if (typeof ip !== 'string' || !isCidr(ip))
    throw new Error(`plugin_config.ip: not an IP with prefix (${describeInput(ip)})`);
  if (data.plugin !== undefined && data.plugin !== 'arp')
    throw new Error(`plugin: unsupported (${describeInput(data.plugin)})`);
  const interval = data.healthcheck_interval ?? 0;
  if (typeof interval !== 'number' || interval < 0)
    throw new Error('healthcheck_interval: not a number >= 0');
  const checks = data.checks ?? [];
  if (!Array.isArray(checks) || !checks.every(isCheck)) throw new Error('checks: malformed');
  const policy = data.fault_policy ?? defaultPolicy;
  if (!FAULT_POLICIES.includes(policy as FaultPolicy))
    throw new Error(`fault_policy: unknown (${String(policy)})`);
  return { id, ip, checks, healthcheckInterval: interval, faultPolicy: policy as FaultPolicy };
}

function isCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

function isCheck(value: unknown): value is HealthCheck {
  const check = value as Partial<HealthCheck> | null;
  return (
    typeof check === 'object' &&
    check !== null &&
    (check.type === 'TCP' || check.type === 'HTTP' || check.type === 'HTTPS') &&
    typeof check.host === 'string' &&
    typeof check.port === 'number' &&
    check.port > 0 &&
    check.port < 65536
  );
}

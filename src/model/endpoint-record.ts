import { z } from 'zod';
import type { HealthCheck } from '../ports/health.js';
import { describeInput } from './describe-input.js';
import type { Endpoint, FaultPolicy } from './endpoint.js';
import {
  cidrSchema,
  endpointIdSchema,
  faultPolicySchema,
  intervalSchema,
  preferredHostsSchema,
  storedChecksSchema,
} from './endpoint-schema.js';

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
  /** Absent when the endpoint has no preference. */
  preferred_hosts?: string[];
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
    ...(endpoint.preferredHosts?.length ? { preferred_hosts: endpoint.preferredHosts } : {}),
  };
}

/**
 * A stored record is held to the API's rules (the same id, CIDR and check schemas), so nothing
 * enters through etcd that `POST /endpoints` would refuse.
 */
const recordSchema = z.object(
  {
    id: endpointIdSchema,
    plugin: z.literal('arp', { error: 'unsupported' }).optional(),
    plugin_config: z.object({ ip: z.string({ error: 'not an IP with prefix' }).pipe(cidrSchema) }),
    healthcheck_interval: intervalSchema.default(0),
    checks: storedChecksSchema.default([]),
    fault_policy: faultPolicySchema.optional(),
    preferred_hosts: preferredHostsSchema.default([]),
  },
  { error: 'not an object' },
);

/** Parses a stored record; throws an error naming the bad field, so a corrupt record is skipped, not fatal. */
export function parseRecord(raw: string, defaultPolicy: FaultPolicy): Endpoint {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw new Error('stored endpoint is not valid JSON', { cause: error });
  }
  const result = recordSchema.safeParse(normalise(data), { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'record';
    const value = issue && 'input' in issue ? ` (${describeInput(issue.input)})` : '';
    throw new Error(`${field}: ${issue?.message ?? 'invalid'}${value}`, { cause: result.error });
  }
  const record = result.data;
  return {
    id: record.id,
    ip: record.plugin_config.ip,
    checks: record.checks,
    healthcheckInterval: record.healthcheck_interval,
    faultPolicy: record.fault_policy ?? defaultPolicy,
    ...(record.preferred_hosts.length > 0 ? { preferredHosts: record.preferred_hosts } : {}),
  };
}

/**
 * The record in today's shape: v2 records kept the IP at the top level (v3 keeps it in
 * `plugin_config`, with `ip: ""`), and a null list, interval or policy (Go writes an empty slice
 * as null) means the default, as an absent one does.
 */
function normalise(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const record = data as Record<string, unknown>;
  const config = record.plugin_config as { ip?: unknown } | undefined;
  const ip = typeof config?.ip === 'string' ? config.ip : record.ip;
  return {
    ...record,
    plugin_config: { ip },
    checks: record.checks ?? undefined,
    healthcheck_interval: record.healthcheck_interval ?? undefined,
    fault_policy: record.fault_policy ?? undefined,
    preferred_hosts: record.preferred_hosts ?? undefined,
  };
}

import { z } from 'zod';
import type { HealthCheck } from '../ports/health.js';
import { parseCidr } from './cidr.js';
import { describeInput } from './describe-input.js';
import { FAULT_POLICIES } from './endpoint.js';
import { HOSTNAME_RULE, isHostname } from './hostname.js';

/**
 * The JSON shapes clients send and receive, LinK v3 compatible. Checks travel as
 * `{type, host, port}` (TCP) or `{type, host, port, path, expect_status: "200-399"}` (HTTP/HTTPS)
 * and become the internal `HealthCheck`.
 */

/** LinK's endpoint id: `vip-` and a UUID. */
export const ENDPOINT_ID_PATTERN = /^vip-[a-zA-Z0-9-]{36}$/;

export function isEndpointId(value: string): boolean {
  return ENDPOINT_ID_PATTERN.test(value);
}

export const endpointIdSchema = z
  .string({ error: 'must be an endpoint id like vip-<uuid>' })
  .regex(ENDPOINT_ID_PATTERN, 'must be an endpoint id like vip-<uuid>');

/** LinK capped the per-endpoint interval at an hour. */
export const MAX_HEALTHCHECK_INTERVAL = 3600;
/** Enough for any real VIP; bounds the work a single request can ask for. */
export const MAX_CHECKS = 32;

/** A VIP's CIDR (see model/cidr.ts), canonical. */
export const cidrSchema = z.string({ error: 'ip is required, e.g. 10.0.0.1/32' }).transform((value, ctx) => {
  const result = parseCidr(value.trim());
  if (result.ok) return result.cidr;
  ctx.issues.push({ code: 'custom', message: result.reason, input: value });
  return z.NEVER;
});

// DNS names and IP literals; no spaces, slashes or URL syntax, which would break `host:port`.
const hostSchema = z
  .string({ error: 'host is required' })
  .min(1, 'host is required')
  .max(253, 'host is longer than 253 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'host must be a DNS name or an IP address');

const portSchema = z.int({ error: 'port must be an integer from 1 to 65535' }).min(1).max(65535);

/** `"200-399"`, `"200"` or `200`: the accepted HTTP status range, inclusive. */
const statusRangeSchema = z
  .union([z.string(), z.int()], { error: 'expect_status must be like "200-399" or 200' })
  .transform((value, ctx): [number, number] => {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(String(value).trim());
    const low = Number(match?.[1]);
    const high = match?.[2] === undefined ? low : Number(match[2]);
    if (!match || low < 100 || high > 599 || low > high) {
      ctx.issues.push({
        code: 'custom',
        message: 'expect_status must be like "200-399" (100 to 599)',
        input: value,
      });
      return z.NEVER;
    }
    return [low, high];
  });

const DEFAULT_EXPECT_STATUS: [number, number] = [200, 399];

const tcpCheckSchema = z.object({ type: z.literal('TCP'), host: hostSchema, port: portSchema });

const pathSchema = z
  .string({ error: 'path must be a string starting with /' })
  .regex(/^\/\S*$/, 'path must start with / and contain no spaces')
  .max(2048)
  .default('/');

const httpCheckSchema = z.object({
  type: z.enum(['HTTP', 'HTTPS']),
  host: hostSchema,
  port: portSchema,
  path: pathSchema,
  expect_status: statusRangeSchema.optional(),
});

export const healthCheckSchema = z
  .discriminatedUnion('type', [tcpCheckSchema, httpCheckSchema], {
    error: (issue) => (issue.code === 'invalid_union' ? 'type must be TCP, HTTP or HTTPS' : undefined),
  })
  .transform((check): HealthCheck => {
    if (check.type === 'TCP') return { type: 'TCP', host: check.host, port: check.port };
    return {
      type: check.type,
      host: check.host,
      port: check.port,
      path: check.path,
      expectStatus: check.expect_status ?? DEFAULT_EXPECT_STATUS,
    };
  });

const statusCodeSchema = z.int({ error: 'expectStatus must be [low, high], 100 to 599' }).min(100).max(599);

/** A check as stored: the internal `HealthCheck`, held to the same rules as the API's. */
const storedCheckSchema = z.discriminatedUnion(
  'type',
  [
    tcpCheckSchema,
    z.object({
      type: z.enum(['HTTP', 'HTTPS']),
      host: hostSchema,
      port: portSchema,
      path: pathSchema,
      expectStatus: z
        .tuple([statusCodeSchema, statusCodeSchema], { error: 'expectStatus must be [low, high]' })
        .refine(([low, high]) => low <= high, 'expectStatus must be [low, high] with low <= high')
        .default(DEFAULT_EXPECT_STATUS),
    }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'type must be TCP, HTTP or HTTPS' : undefined) },
);

export const storedChecksSchema = z
  .array(storedCheckSchema, { error: 'must be a list of health checks' })
  .max(MAX_CHECKS, `at most ${MAX_CHECKS} health checks`);

export const checksSchema = z
  .array(healthCheckSchema, { error: 'must be a list of health checks' })
  .max(MAX_CHECKS, `at most ${MAX_CHECKS} health checks`);

export const intervalSchema = z
  .int({ error: `must be an integer number of seconds from 0 to ${MAX_HEALTHCHECK_INTERVAL}` })
  .min(0)
  .max(MAX_HEALTHCHECK_INTERVAL);

export const faultPolicySchema = z.enum(FAULT_POLICIES, {
  error: `must be one of ${FAULT_POLICIES.join(', ')}`,
});

/** Enough for any real cluster; bounds the work a single request can ask for. */
export const MAX_PREFERRED_HOSTS = 32;

/** Hostnames, most preferred first, each once. Shared by the API body and the stored record. */
export const preferredHostsSchema = z
  .array(z.string({ error: 'must be a host name' }).refine(isHostname, HOSTNAME_RULE), {
    error: 'must be a list of host names, most preferred first',
  })
  .max(MAX_PREFERRED_HOSTS, `at most ${MAX_PREFERRED_HOSTS} preferred hosts`)
  .refine((hosts) => new Set(hosts).size === hosts.length, 'must name each host once');

/** `POST /endpoints`. `fault_policy` absent means the agent's default. */
export const createEndpointBodySchema = z.object(
  {
    plugin: z.literal('arp', {
      error: (issue) =>
        issue.input === undefined
          ? "plugin is required: 'arp'"
          : `plugin not found: '${describeInput(issue.input)}' (supported: 'arp')`,
    }),
    plugin_config: z.object(
      { ip: cidrSchema },
      { error: 'plugin_config must be an object like {"ip":"10.0.0.1/32"}' },
    ),
    checks: checksSchema.default([]),
    healthcheck_interval: intervalSchema.default(0),
    fault_policy: faultPolicySchema.optional(),
    preferred_hosts: preferredHostsSchema.default([]),
  },
  { error: 'body must be a JSON object' },
);
export type CreateEndpointBody = z.output<typeof createEndpointBodySchema>;

/** LinK v2's `POST /ips`: an `arp` endpoint with the IP at the top level. */
export const legacyIpBodySchema = z.object(
  {
    ip: cidrSchema,
    checks: checksSchema.default([]),
    healthcheck_interval: intervalSchema.default(0),
  },
  { error: 'body must be a JSON object' },
);

/**
 * `PUT`/`PATCH /endpoints/:id`. LinK's key is `healthchecks`; `checks` is accepted too, so a client
 * can send back the `checks` it read.
 */
export const updateChecksBodySchema = z
  .object(
    { healthchecks: checksSchema.optional(), checks: checksSchema.optional() },
    { error: 'body must be a JSON object' },
  )
  .transform((body, ctx) => {
    const checks = body.healthchecks ?? body.checks;
    if (checks === undefined) {
      ctx.issues.push({
        code: 'custom',
        path: ['healthchecks'],
        message: 'healthchecks is required',
        input: body,
      });
      return z.NEVER;
    }
    return checks;
  });

export type WireHealthCheck =
  | { type: 'TCP'; host: string; port: number }
  | { type: 'HTTP' | 'HTTPS'; host: string; port: number; path: string; expect_status: string };

/** The internal check as clients see it, the same shape they send. */
export function toWireCheck(check: HealthCheck): WireHealthCheck {
  if (check.type === 'TCP') return { type: 'TCP', host: check.host, port: check.port };
  const [low, high] = check.expectStatus;
  return {
    type: check.type,
    host: check.host,
    port: check.port,
    path: check.path,
    expect_status: low === high ? String(low) : `${low}-${high}`,
  };
}

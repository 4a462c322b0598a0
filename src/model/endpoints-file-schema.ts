import { z } from 'zod';
import type { HealthCheck } from '../ports/health.js';
import { electionKeyOf, type FaultPolicy } from './endpoint.js';
import { checksSchema, cidrSchema, faultPolicySchema, intervalSchema } from './endpoint-schema.js';

/** One endpoint as an endpoints file declares it; `faultPolicy` absent means the agent's default. */
export interface DeclaredEndpoint {
  ip: string;
  checks: HealthCheck[];
  healthcheckInterval: number;
  faultPolicy?: FaultPolicy | undefined;
}

const declaredEndpointSchema = z
  .object(
    {
      ip: cidrSchema,
      checks: checksSchema.default([]),
      healthcheck_interval: intervalSchema.default(0),
      fault_policy: faultPolicySchema.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'must be a mapping like {ip: 10.0.0.1/32, checks: […]}' : undefined,
    },
  )
  .strict()
  .transform(
    (e): DeclaredEndpoint => ({
      ip: e.ip,
      checks: e.checks,
      healthcheckInterval: e.healthcheck_interval,
      ...(e.fault_policy === undefined ? {} : { faultPolicy: e.fault_policy }),
    }),
  );

/**
 * An endpoints file (`/etc/link/endpoints.yaml`) or the body of `POST /endpoints/apply`: the
 * endpoints one host should have, each IP once. The same checks as `POST /endpoints`.
 */
export const endpointsFileSchema = z
  .object(
    {
      endpoints: z.array(declaredEndpointSchema, { error: 'must be a list of endpoints' }).default([]),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'must be a mapping with an `endpoints` list' : undefined,
    },
  )
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.endpoints.forEach((endpoint, i) => {
      const key = electionKeyOf(endpoint.ip);
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', i, 'ip'],
          message: `${endpoint.ip} is declared twice (also endpoints.${first})`,
        });
      else seen.set(key, i);
    });
  });

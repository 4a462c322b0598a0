import { z } from 'zod';
import { VIP_STATUSES } from '../../machines/vip.status.js';
import { FAULT_POLICIES } from '../../model/endpoint.js';

/**
 * The shapes the API answers with, for the OpenAPI document (requests are described by the very
 * schemas the routes validate with). Objects allow more properties than listed, so a field added
 * to an answer does not make older clients' validation fail.
 */

const vipStatus = z.enum(VIP_STATUSES);

export const wireCheckSchema = z
  .union([
    z.looseObject({ type: z.literal('TCP'), host: z.string(), port: z.int() }),
    z.looseObject({
      type: z.enum(['HTTP', 'HTTPS']),
      host: z.string(),
      port: z.int(),
      path: z.string(),
      expect_status: z.string().meta({ description: 'status or range, e.g. "200" or "200-399"' }),
    }),
  ])
  .meta({ ref: 'HealthCheck' });

export const endpointSchema = z
  .looseObject({
    id: z.string().meta({ example: 'vip-0b5c9a52-3f1e-4a4f-9d7e-2f6c1b8e4a10' }),
    status: vipStatus,
    bound: z.boolean().nullable().meta({
      description: 'ACTIVATED only: whether the address is bound yet (false while binding); null otherwise',
    }),
    ip: z.string().meta({ example: '10.0.0.100/32' }),
    checks: z.array(wireCheckSchema),
    healthcheck_interval: z.int().meta({ description: 'seconds; 0: the agent default' }),
    plugin: z.literal('arp'),
    election_key: z.string().meta({ example: '10.0.0.100_32' }),
    fault_policy: z.enum(FAULT_POLICIES),
    holder: z.string().nullable().meta({ description: 'host holding the lock, as last seen' }),
    fencing_token: z.string().nullable().meta({ description: "create revision of the holder's lock" }),
    lease_deadline: z.number().nullable().meta({ description: "epoch ms when this host's lease runs out" }),
    health: z.looseObject({ ok: z.boolean(), detail: z.string() }).nullable(),
    last_fault: z.string().nullable(),
    conflicts: z.int(),
  })
  .meta({ ref: 'Endpoint' });

export const errorSchema = z
  .looseObject({ error: z.string() })
  .meta({ ref: 'Error', description: 'what went wrong, in words' });

export const fieldErrorsSchema = z
  .looseObject({ errors: z.record(z.string(), z.array(z.string())) })
  .meta({ ref: 'FieldErrors', description: 'messages by field path, e.g. "checks.0.port"' });

/** LinK v3 wraps one endpoint: `{"endpoint": Endpoint}`. */
export const endpointOneSchema = z.looseObject({ endpoint: endpointSchema });

export const endpointListSchema = z.looseObject({
  endpoints: z.array(endpointSchema),
  total: z.int().optional().meta({ description: 'with filters or paging: endpoints matched' }),
  next_cursor: z.string().nullable().optional().meta({ description: 'with limit: cursor of the next page' }),
});

export const endpointSummarySchema = z.looseObject({
  total: z.int(),
  by_state: z.record(z.string(), z.int()),
  by_holder: z.record(z.string(), z.int()),
});

export const bulkResultSchema = z.union([
  z.looseObject({
    created: z.array(endpointSchema),
    updated: z.array(endpointSchema),
    deleted: z.array(z.string()),
  }),
  z.looseObject({ dry_run: z.literal(true), create: z.int(), update: z.int(), delete: z.int() }),
]);

export const hostsSchema = z.looseObject({ hosts: z.array(z.looseObject({ hostname: z.string() })) });

export const versionSchema = z.looseObject({ version: z.string() });

export const healthzSchema = z.looseObject({
  status: z.literal('ok'),
  hostname: z.string(),
  version: z.string(),
  etcd_reachable: z.boolean(),
  lease_deadline: z.number().nullable(),
  endpoints: z.int(),
});

export const transitionSchema = z
  .looseObject({
    at: z.number(),
    endpointId: z.string(),
    electionKey: z.string(),
    ip: z.string().optional(),
    holder: z.string().nullable().optional(),
    hostname: z.string(),
    from: vipStatus,
    to: vipStatus,
    event: z.string(),
    cause: z.string(),
  })
  .meta({ ref: 'Transition' });

export const historySchema = z.looseObject({
  history: z.array(transitionSchema),
  source: z
    .enum(['etcd', 'local'])
    .optional()
    .meta({ description: "etcd's durable history, or this host's" }),
});

const plannedChangeSchema = z.looseObject({
  ip: z.string(),
  id: z.string().optional(),
  fields: z.array(z.string()).optional(),
});

export const applyResultSchema = z.looseObject({
  dry_run: z.boolean(),
  prune: z.boolean(),
  plan: z.looseObject({
    create: z.array(plannedChangeSchema),
    update: z.array(plannedChangeSchema),
    delete: z.array(plannedChangeSchema),
    unchanged: z.array(plannedChangeSchema),
  }),
  created: z.array(endpointSchema).optional(),
  updated: z.array(endpointSchema).optional(),
  deleted: z.array(z.string()).optional(),
});

export const clusterSchema = z.looseObject({
  cluster: z.array(
    z.looseObject({
      hostname: z.string(),
      electionKey: z.string(),
      status: vipStatus,
      holder: z.string().nullable(),
      updatedAt: z.number(),
    }),
  ),
});

export const machineSchema = z.looseObject({
  machine: z.looseObject({}).meta({ description: "the VIP statechart's definition (XState JSON)" }),
});

export const legacyListSchema = z.looseObject({ ips: z.array(endpointSchema) });
export const legacyOneSchema = z.looseObject({ ip: endpointSchema });

export const hostStateSchema = z.looseObject({ hostname: z.string(), drained: z.boolean() });

export const drainReportSchema = z.looseObject({
  drained: z.literal(true),
  handed_over: z.array(z.looseObject({ id: z.string(), ip: z.string(), holder: z.string().nullable() })),
});

export const undrainSchema = z.looseObject({ drained: z.literal(false) });

import { type Context, Hono } from 'hono';
import type { AgentService, EndpointChanges, EndpointUpdate, EndpointView } from '../agent/agent-service.js';
import { selectPage, summarize } from '../agent/endpoint-query.js';
import type { FaultPolicy } from '../model/endpoint.js';
import { bulkItemSchemas, endpointChangesEnvelopeSchema } from '../model/endpoint-changes-schema.js';
import { createEndpointBodySchema, updateChecksBodySchema } from '../model/endpoint-schema.js';
import { ChangesRefusedError } from '../model/errors.js';
import { callerOf } from './caller.js';
import { endpointId, existingEndpoint } from './endpoint-id.js';
import { toEndpointJson } from './endpoint-json.js';
import { parseEndpointQuery } from './endpoint-listing.js';
import { type FieldErrors, ValidationError } from './http-errors.js';
import { readBody, readJson } from './json-body.js';

export interface EndpointRoutesDeps {
  agent: AgentService;
  defaultFaultPolicy: FaultPolicy;
}

/** `/endpoints`: LinK v3's routes and shapes. */
export function endpointRoutes({ agent, defaultFaultPolicy }: EndpointRoutesDeps): Hono {
  const app = new Hono();

  // LinK's unpaginated list without parameters; filtered and paged with them (see endpoint-listing).
  app.get('/', (c) => {
    const query = parseEndpointQuery(c.req.query());
    if (!query) return c.json({ endpoints: agent.list().map(toEndpointJson) });
    const page = selectPage(agent.rows(), query);
    const endpoints = page.items.flatMap((row) => {
      const view = agent.get(row.id);
      return view ? [toEndpointJson(view)] : [];
    });
    return c.json({ endpoints, total: page.total, next_cursor: page.nextCursor });
  });

  // Counts by state and holder, with the list's filters (paging aside).
  app.get('/summary', (c) => {
    const { limit: _limit, cursor: _cursor, ...filters } = parseEndpointQuery(c.req.query()) ?? {};
    const { total, byState, byHolder } = summarize(selectPage(agent.rows(), filters).items);
    return c.json({ total, by_state: byState, by_holder: byHolder });
  });

  // Many creates, updates and deletes in one request; every problem listed in one 422 answer.
  app.post('/bulk', async (c) => {
    const changes = await readChanges(await readJson(c), defaultFaultPolicy, agent);
    if (c.req.query('dry_run') === 'true') {
      return c.json({
        dry_run: true,
        create: changes.create?.length ?? 0,
        update: changes.update?.length ?? 0,
        delete: changes.delete?.length ?? 0,
      });
    }
    const applied = await agent.apply(changes, { caller: callerOf(c) });
    const json = (views: EndpointView[]) => views.map(toEndpointJson);
    return c.json({
      created: json(applied.created),
      updated: json(applied.updated),
      deleted: applied.deleted,
    });
  });

  app.post('/', async (c) => {
    const body = await readBody(c, createEndpointBodySchema);
    const view = await agent.create(
      {
        ip: body.plugin_config.ip,
        checks: body.checks,
        healthcheckInterval: body.healthcheck_interval,
        faultPolicy: body.fault_policy ?? defaultFaultPolicy,
        preferredHosts: body.preferred_hosts,
      },
      callerOf(c),
    );
    return c.json({ endpoint: toEndpointJson(view) }, 201);
  });

  app.get('/:id', (c) => {
    const view = existingEndpoint(agent, endpointId(c.req.param('id')));
    return c.json({ endpoint: toEndpointJson(view) });
  });

  app.get('/:id/hosts', async (c) => {
    const id = endpointId(c.req.param('id'));
    existingEndpoint(agent, id);
    const hosts = await agent.hosts(id);
    return c.json({ hosts: hosts.map((hostname) => ({ hostname })) });
  });

  mountEndpointWrites(app, agent);
  return app;
}

/**
 * Validates every item of a bulk body, then asks the agent to check the valid ones against its
 * state (a dry run), and throws one ValidationError with both kinds of problem when there is any.
 */
async function readChanges(
  body: unknown,
  defaultFaultPolicy: FaultPolicy,
  agent: AgentService,
): Promise<EndpointChanges> {
  const envelope = endpointChangesEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw ValidationError.fromZod(envelope.error);
  const errors: FieldErrors = {};
  // For each list, the request's index of every item that parsed, to name agent errors by it.
  const indices = { create: [] as number[], update: [] as number[], delete: [] as number[] };
  const changes: Required<EndpointChanges> = { create: [], update: [], delete: [] };
  for (const list of ['create', 'update', 'delete'] as const) {
    envelope.data[list].forEach((item, i) => {
      const parsed = bulkItemSchemas[list].safeParse(item);
      if (!parsed.success) {
        for (const [field, messages] of Object.entries(ValidationError.fromZod(parsed.error).errors)) {
          const path = field === 'body' ? `${list}.${i}` : `${list}.${i}.${field}`;
          errors[path] = [...(errors[path] ?? []), ...messages];
        }
        return;
      }
      indices[list].push(i);
      if (list === 'create') {
        const body = parsed.data as ReturnType<typeof createEndpointBodySchema.parse>;
        changes.create.push({
          ip: body.plugin_config.ip,
          checks: body.checks,
          healthcheckInterval: body.healthcheck_interval,
          faultPolicy: body.fault_policy ?? defaultFaultPolicy,
          preferredHosts: body.preferred_hosts,
        });
      } else if (list === 'update') {
        changes.update.push(parsed.data as EndpointUpdate);
      } else {
        changes.delete.push(parsed.data as string);
      }
    });
  }
  try {
    await agent.apply(changes, { dryRun: true });
  } catch (error) {
    if (!(error instanceof ChangesRefusedError)) throw error;
    for (const [path, messages] of Object.entries(error.errors)) {
      // `create.3.ip` of the parsed lists -> the request's `create.7.plugin_config.ip`.
      const [list, index, ...rest] = path.split('.');
      const original = indices[list as keyof typeof indices]?.[Number(index)];
      const field = rest.join('.') === 'ip' ? 'plugin_config.ip' : rest.join('.');
      const named = original === undefined ? path : [list, original, field].filter((p) => p !== '').join('.');
      errors[named] = [...(errors[named] ?? []), ...messages];
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return changes;
}

/**
 * Update, delete and failover of one endpoint; shared with the legacy `/ips` routes, which
 * behave the same for these.
 */
export function mountEndpointWrites(app: Hono, agent: AgentService): void {
  // LinK answers the updated endpoint bare, not wrapped in {"endpoint":…}.
  const updateChecks = async (c: Context) => {
    const id = endpointId(c.req.param('id'));
    existingEndpoint(agent, id);
    const checks = await readBody(c, updateChecksBodySchema);
    return c.json(toEndpointJson(await agent.updateChecks(id, checks, callerOf(c))));
  };
  app.put('/:id', updateChecks);
  app.patch('/:id', updateChecks);

  // Synchronous: resolves once another host holds the VIP or the agent's bounded wait passed.
  app.delete('/:id', async (c) => {
    const id = endpointId(c.req.param('id'));
    existingEndpoint(agent, id);
    await agent.remove(id, callerOf(c));
    return c.body(null, 204);
  });

  app.post('/:id/failover', async (c) => {
    await agent.failover(endpointId(c.req.param('id')), callerOf(c));
    return c.body(null, 204);
  });
}

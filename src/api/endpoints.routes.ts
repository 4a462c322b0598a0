import { type Context, Hono } from 'hono';
import type { AgentService } from '../agent/agent-service.js';
import type { FaultPolicy } from '../model/endpoint.js';
import { createEndpointBodySchema, updateChecksBodySchema } from '../model/endpoint-schema.js';
import { endpointId, existingEndpoint } from './endpoint-id.js';
import { toEndpointJson } from './endpoint-json.js';
import { readBody } from './json-body.js';

export interface EndpointRoutesDeps {
  agent: AgentService;
  defaultFaultPolicy: FaultPolicy;
}

/** `/endpoints`: LinK v3's routes and shapes. */
export function endpointRoutes({ agent, defaultFaultPolicy }: EndpointRoutesDeps): Hono {
  const app = new Hono();

  app.get('/', (c) => c.json({ endpoints: agent.list().map(toEndpointJson) }));

  app.post('/', async (c) => {
    const body = await readBody(c, createEndpointBodySchema);
    const view = await agent.create({
      ip: body.plugin_config.ip,
      checks: body.checks,
      healthcheckInterval: body.healthcheck_interval,
      faultPolicy: body.fault_policy ?? defaultFaultPolicy,
    });
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
 * Update, delete and failover of one endpoint; shared with the legacy `/ips` routes, which
 * behave the same for these.
 */
export function mountEndpointWrites(app: Hono, agent: AgentService): void {
  // LinK answers the updated endpoint bare, not wrapped in {"endpoint":…}.
  const updateChecks = async (c: Context) => {
    const id = endpointId(c.req.param('id'));
    existingEndpoint(agent, id);
    const checks = await readBody(c, updateChecksBodySchema);
    return c.json(toEndpointJson(await agent.updateChecks(id, checks)));
  };
  app.put('/:id', updateChecks);
  app.patch('/:id', updateChecks);

  // Synchronous: resolves once another host holds the VIP or the agent's bounded wait passed.
  app.delete('/:id', async (c) => {
    const id = endpointId(c.req.param('id'));
    existingEndpoint(agent, id);
    await agent.remove(id);
    return c.body(null, 204);
  });

  app.post('/:id/failover', async (c) => {
    await agent.failover(endpointId(c.req.param('id')));
    return c.body(null, 204);
  });
}

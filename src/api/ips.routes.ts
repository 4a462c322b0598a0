import { Hono } from 'hono';
import type { AgentService } from '../agent/agent-service.js';
import type { FaultPolicy } from '../model/endpoint.js';
import { legacyIpBodySchema } from '../model/endpoint-schema.js';
import { callerOf } from './caller.js';
import { endpointId } from './endpoint-id.js';
import { toEndpointJson } from './endpoint-json.js';
import { mountEndpointWrites } from './endpoints.routes.js';
import { readBody } from './json-body.js';

/**
 * LinK v2's `/ips` routes, still served by LinK v3 for old scripts. Unlike LinK v3, the answers
 * include `ip` and `status`, which v2 clients expect and v3's compatibility layer dropped.
 */
export function legacyIpRoutes(agent: AgentService, defaultFaultPolicy: FaultPolicy): Hono {
  const app = new Hono();

  app.get('/', (c) => c.json({ ips: agent.list().map(toEndpointJson) }));

  app.post('/', async (c) => {
    const body = await readBody(c, legacyIpBodySchema);
    const view = await agent.create(
      {
        ip: body.ip,
        checks: body.checks,
        healthcheckInterval: body.healthcheck_interval,
        faultPolicy: defaultFaultPolicy,
      },
      callerOf(c),
    );
    return c.json(toEndpointJson(view), 201);
  });

  app.get('/:id', (c) => {
    const view = agent.get(endpointId(c.req.param('id')));
    if (!view) return c.json({ resource: 'IP', error: 'not found' }, 404);
    return c.json({ ip: toEndpointJson(view) });
  });

  mountEndpointWrites(app, agent);
  return app;
}

import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { AgentService } from '../agent/agent-service.js';
import { endpointId } from './endpoint-id.js';

/** Version, liveness, metrics and the cluster-wide views: everything that is not an endpoint. */
export function systemRoutes(agent: AgentService, registry: Registry): Hono {
  const app = new Hono();

  app.get('/version', (c) => c.json({ version: agent.version }));

  // Liveness of this process only: etcd being unreachable is reported, not failed, since
  // restarting the agent would not bring etcd back and would drop its VIPs.
  app.get('/healthz', (c) => {
    const lease = agent.lease();
    return c.json({
      status: 'ok',
      hostname: agent.hostname,
      version: agent.version,
      etcd_reachable: lease.etcdReachable,
      lease_deadline: lease.deadline,
      endpoints: agent.list().length,
    });
  });

  app.get('/metrics', async (c) => {
    const text = await registry.metrics();
    return c.body(text, 200, { 'Content-Type': registry.contentType });
  });

  app.get('/cluster', async (c) => c.json({ cluster: await agent.cluster() }));

  app.get('/history', (c) => {
    const raw = c.req.query('endpoint');
    return c.json({ history: agent.history(raw === undefined ? undefined : endpointId(raw)) });
  });

  app.get('/machine', (c) => c.json({ machine: agent.machineDefinition() }));

  return app;
}

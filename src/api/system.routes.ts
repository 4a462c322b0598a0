import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { AgentService } from '../agent/agent-service.js';
import { type HistoryRecorder, matches } from '../history/history-recorder.js';
import { parseHistoryQuery } from './history-query.js';

/** Version, liveness, metrics and the cluster-wide views: everything that is not an endpoint. */
export function systemRoutes(
  agent: AgentService,
  registry: Registry,
  history?: Pick<HistoryRecorder, 'query'>,
): Hono {
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
      endpoints: agent.rows().length,
      drained: agent.drained,
    });
  });

  app.get('/metrics', async (c) => {
    const text = await registry.metrics();
    return c.body(text, 200, { 'Content-Type': registry.contentType });
  });

  app.get('/cluster', async (c) => {
    const [cluster, drained] = await Promise.all([agent.cluster(), agent.drainedHosts()]);
    return c.json({ cluster, drained_hosts: drained });
  });

  // Every host's transitions from etcd's durable history when the agent keeps one (it outlives its
  // writer); otherwise, or while etcd cannot be read, this host's recent transitions.
  app.get('/history', async (c) => {
    const query = parseHistoryQuery(c.req.query());
    if (history) return c.json(await history.query(query));
    const local = agent
      .history(query.endpointId)
      .filter((r) => matches(r, query))
      .slice(-query.limit);
    return c.json({ history: local });
  });

  app.get('/machine', (c) => c.json({ machine: agent.machineDefinition() }));

  return app;
}

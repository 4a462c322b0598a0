import { Hono } from 'hono';
import type { AgentService } from '../agent/agent-service.js';
import { endpointId } from './endpoint-id.js';
import { streamTransitions } from './transition-stream.js';

export interface EventRoutesOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** Events queued for a client that does not read; past this the stream is closed. */
  maxQueued?: number;
}

/**
 * `GET /events`: server-sent events, one `transition` event per TransitionRecord.
 * `?endpoint=<id>` keeps one VIP; `?replay=true` first sends the retained history.
 * A `ready` event opens the stream so a client knows it is subscribed.
 */
export function eventRoutes(agent: AgentService, options: EventRoutesOptions = {}): Hono {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxQueued = options.maxQueued ?? 1000;
  const app = new Hono();

  app.get('/', (c) => {
    const rawFilter = c.req.query('endpoint');
    const filter = rawFilter === undefined ? undefined : endpointId(rawFilter);
    const replay = ['1', 'true'].includes(c.req.query('replay') ?? '');
    return streamTransitions(c, agent, { endpointId: filter, replay, heartbeatMs, maxQueued });
  });

  return app;
}

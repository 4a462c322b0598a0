import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AgentService, TransitionRecord } from '../agent/agent-service.js';
import { endpointId } from './endpoint-id.js';

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
    // A HEAD answer has no body to cancel, so a stream started for it would never be stopped.
    if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream' });

    return streamSSE(c, async (stream) => {
      let seq = 0;
      let queued = 0;
      // Listeners are synchronous and writes are not: chain them so events keep their order.
      let pending = Promise.resolve();
      const send = (record: TransitionRecord) => {
        if (filter !== undefined && record.endpointId !== filter) return;
        // A client that stopped reading would otherwise make this queue grow without end.
        if (++queued > maxQueued) return stream.abort();
        const message = { event: 'transition', id: String(++seq), data: JSON.stringify(record) };
        pending = pending
          .then(() => stream.writeSSE(message))
          .catch(() => {})
          .finally(() => {
            queued--;
          });
      };

      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ hostname: agent.hostname }) });
      if (replay) for (const record of agent.history(filter)) send(record);
      const unsubscribe = agent.onTransition(send);

      let wake: (() => void) | undefined;
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      try {
        while (!stream.aborted && !stream.closed) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, heartbeatMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          if (!stream.aborted) await pending.then(() => stream.write(': keepalive\n\n')).catch(() => {});
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}

import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AgentService, TransitionRecord } from '../agent/agent-service.js';

export interface TransitionStreamOptions {
  /** Keeps one VIP's transitions only. */
  endpointId?: string | undefined;
  /** Sends the retained history first. */
  replay?: boolean;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Events queued for a client that does not read; past this the stream is closed. */
  maxQueued: number;
  /** How long a browser waits before reconnecting (the SSE `retry` field). */
  retryMs?: number;
}

/**
 * The agent's transitions as server-sent events: a `ready` event opens the stream so a client knows
 * it is subscribed, then one `transition` event per TransitionRecord, with heartbeats in between.
 * A HEAD request gets the headers only.
 */
export function streamTransitions(c: Context, agent: AgentService, options: TransitionStreamOptions) {
  const { endpointId, heartbeatMs, maxQueued } = options;
  // A HEAD answer has no body to cancel, so a stream started for it would never be stopped.
  if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream' });
  return streamSSE(c, async (stream) => {
    let seq = 0;
    let queued = 0;
    // Listeners are synchronous and writes are not: chain them so events keep their order.
    let pending = Promise.resolve();
    const send = (record: TransitionRecord) => {
      if (endpointId !== undefined && record.endpointId !== endpointId) return;
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

    await stream.writeSSE({
      event: 'ready',
      data: JSON.stringify({ hostname: agent.hostname }),
      ...(options.retryMs === undefined ? {} : { retry: options.retryMs }),
    });
    if (options.replay) for (const record of agent.history(endpointId)) send(record);
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
}

import { describe, expect, it } from 'vitest';
import { setup } from './harness.js';

/** Reads SSE frames from a response until `count` events arrived. */
async function readEvents(response: Response, count: number) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: { event?: string; data?: string; id?: string; comment?: string }[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: Record<string, string> = {};
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(':');
          event[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
        }
      }
      events.push(event);
      end = buffer.indexOf('\n\n');
    }
  }
  return { events, cancel: () => reader.cancel() };
}

describe('GET /events', () => {
  it('streams each transition as a server-sent event, after a ready event', async () => {
    const { agent, app } = setup({ hostname: 'h1' });
    const view = agent.seed({ ip: '10.0.0.1/32' });
    const listenersBefore = agent.listenerCount;
    const response = await app.request('/events');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reading = readEvents(response, 3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const first = agent.setStatus(view.id, 'ACTIVATED', 'elected');
    const second = agent.setStatus(view.id, 'STANDBY', 'failover');
    const { events, cancel } = await reading;
    expect(events[0]).toMatchObject({ event: 'ready', data: JSON.stringify({ hostname: 'h1' }) });
    expect(events.slice(1).map((e) => e.event)).toEqual(['transition', 'transition']);
    expect(events.slice(1).map((e) => JSON.parse(e.data!))).toEqual([first, second]);
    expect(events.slice(1).map((e) => e.id)).toEqual(['1', '2']);
    await cancel();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(agent.listenerCount).toBe(listenersBefore);
  });

  it('replays history and filters by endpoint when asked', async () => {
    const { agent, app } = setup();
    const a = agent.seed({ ip: '10.0.0.1/32' });
    const b = agent.seed({ ip: '10.0.0.2/32' });
    const old = agent.setStatus(a.id, 'ACTIVATED', 'elected');
    agent.setStatus(b.id, 'ACTIVATED', 'elected');
    const response = await app.request(`/events?replay=true&endpoint=${a.id}`);
    const reading = readEvents(response, 3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    agent.setStatus(b.id, 'FAILING', 'health_check_fail');
    const live = agent.setStatus(a.id, 'FAILING', 'health_check_fail');
    const { events, cancel } = await reading;
    expect(events.slice(1).map((e) => JSON.parse(e.data!))).toEqual([old, live]);
    await cancel();
  });

  it('sends keepalive comments while idle', async () => {
    const { app } = setup({ events: { heartbeatMs: 20 } });
    const response = await app.request('/events');
    const { events, cancel } = await readEvents(response, 2);
    expect(events[1]).toEqual({ comment: 'keepalive' });
    await cancel();
  });

  it('answers HEAD without starting a stream', async () => {
    const { agent, app } = setup();
    const listeners = agent.listenerCount;
    const response = await app.request('/events', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(agent.listenerCount).toBe(listeners);
  });

  it('drops a client that stops reading', async () => {
    const { agent, app } = setup({ events: { maxQueued: 5 } });
    const view = agent.seed({ ip: '10.0.0.1/32' });
    const listeners = agent.listenerCount;
    const response = await app.request('/events');
    const reader = response.body!.getReader();
    await reader.read();
    expect(agent.listenerCount).toBe(listeners + 1);
    for (let i = 0; i < 20; i++) agent.setStatus(view.id, i % 2 ? 'STANDBY' : 'ACTIVATED');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(agent.listenerCount).toBe(listeners);
  });

  it('answers 400 for a malformed endpoint filter', async () => {
    const { call } = setup();
    expect((await call('GET', '/events?endpoint=nope')).status).toBe(400);
  });
});

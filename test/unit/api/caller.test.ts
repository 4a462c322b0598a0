import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { type RunningServer, serveApp } from '../../../src/api/serve.js';
import { FakeAgent } from '../../fakes/fake-agent.js';
import { VALID_BODY } from './harness.js';

describe('the caller of each API write', () => {
  const agent = new FakeAgent({ peers: ['h2'] });
  let server: RunningServer;
  const headers = {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}`,
  };

  beforeAll(async () => {
    server = await serveApp(createApp({ agent, auth: { user: 'admin', password: 'pw' } }), {
      listen: { host: '127.0.0.1', port: 0 },
    });
  });
  afterAll(() => server.close());

  it('reaches the agent with the remote address and the user, on every write route', async () => {
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const created = (await (await send('POST', '/endpoints', VALID_BODY)).json()) as {
      endpoint: { id: string };
    };
    const id = created.endpoint.id;
    agent.setStatus(id, 'ACTIVATED');
    expect((await send('PUT', `/endpoints/${id}`, { healthchecks: [] })).status).toBe(200);
    expect((await send('POST', `/endpoints/${id}/failover`)).status).toBe(204);
    expect((await send('POST', '/ips', { ip: '10.0.0.2/32' })).status).toBe(201);
    expect((await send('DELETE', `/endpoints/${id}`)).status).toBe(204);
    const who = { remote: '127.0.0.1', user: 'admin' };
    expect(agent.callers).toEqual([
      { method: 'create', caller: who },
      { method: 'updateChecks', caller: who },
      { method: 'failover', caller: who },
      { method: 'create', caller: who },
      { method: 'remove', caller: who },
    ]);
  });
});

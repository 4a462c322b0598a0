import { describe, expect, it } from 'vitest';
import { setup, VALID_BODY } from './harness.js';

const BODY = JSON.stringify(VALID_BODY);

describe('cross-site writes', () => {
  it('refuses a simple cross-site POST (text/plain, foreign Origin) with a 403 that says why', async () => {
    const { call, agent } = setup();
    const { status, json } = await call('POST', '/endpoints', BODY, {
      'Content-Type': 'text/plain',
      Origin: 'http://evil.example',
      'Sec-Fetch-Site': 'cross-site',
    });
    expect(status).toBe(403);
    expect(json.error).toMatch(/cross-site write refused: Sec-Fetch-Site: cross-site/);
    expect(agent.list()).toHaveLength(0);
  });

  it('refuses a foreign or null Origin without Sec-Fetch-Site (older browsers)', async () => {
    const { call, agent } = setup();
    for (const origin of ['http://evil.example', 'null', 'http://localhost:8080', 'https://localhost']) {
      const { status, json } = await call('POST', '/endpoints', BODY, { Origin: origin });
      expect(status, origin).toBe(403);
      expect(json.error, origin).toContain(`Origin ${origin} (this agent is http://localhost)`);
    }
    expect(agent.list()).toHaveLength(0);
  });

  it('refuses same-site pages too: another port on the host is another program', async () => {
    const { call } = setup();
    const { status } = await call('POST', '/endpoints', BODY, { 'Sec-Fetch-Site': 'same-site' });
    expect(status).toBe(403);
  });

  it('refuses every write method, not only POST', async () => {
    const { call, agent } = setup();
    const created = await call('POST', '/endpoints', VALID_BODY);
    const id = created.json.endpoint.id;
    const headers = { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' };
    for (const [method, path] of [
      ['DELETE', `/endpoints/${id}`],
      ['PUT', `/endpoints/${id}`],
      ['PATCH', `/endpoints/${id}`],
      ['POST', `/endpoints/${id}/failover`],
      ['POST', '/ips'],
    ] as const) {
      const { status } = await call(method, path, '[]', headers);
      expect(status, `${method} ${path}`).toBe(403);
    }
    expect(agent.list()).toHaveLength(1);
  });

  it('lets curl -d, link-client and the agent’s own pages write', async () => {
    const { call, agent } = setup();
    // curl -d: form content type, neither Origin nor Sec-Fetch-Site.
    const curl = await call('POST', '/endpoints', BODY, {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(curl.status).toBe(201);
    const ownPage = await call(
      'POST',
      '/endpoints',
      { ...VALID_BODY, plugin_config: { ip: '10.0.0.2/32' } },
      { Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' },
    );
    expect(ownPage.status).toBe(201);
    const typed = await call(
      'POST',
      '/endpoints',
      { ...VALID_BODY, plugin_config: { ip: '10.0.0.3/32' } },
      { 'Sec-Fetch-Site': 'none' },
    );
    expect(typed.status).toBe(201);
    expect(agent.list()).toHaveLength(3);
  });

  it('lets cross-site reads through: the browser keeps their answers from the page', async () => {
    const { call } = setup();
    const { status } = await call('GET', '/endpoints', undefined, {
      Origin: 'http://evil.example',
      'Sec-Fetch-Site': 'cross-site',
    });
    expect(status).toBe(200);
  });
});

import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { FakeAgent } from '../../fakes/fake-agent.js';
import { setup, UNKNOWN_ID, VALID_BODY } from './harness.js';

describe('routes outside /endpoints', () => {
  it('GET /version answers the agent version', async () => {
    const { call } = setup({ version: '1.2.3' });
    expect(await call('GET', '/version')).toMatchObject({ status: 200, json: { version: '1.2.3' } });
  });

  it('GET /healthz answers 200 with the lease and etcd state, even when etcd is away', async () => {
    const { agent, call } = setup({ hostname: 'h1' });
    agent.leaseView = { leaseId: null, deadline: null, etcdReachable: false };
    const { status, json } = await call('GET', '/healthz');
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 'ok', hostname: 'h1', etcd_reachable: false, endpoints: 0 });
  });

  it('GET /cluster answers every peer status', async () => {
    const { agent, call } = setup();
    agent.peerStatuses = [
      { hostname: 'h2', electionKey: '10.0.0.1_32', status: 'ACTIVATED', holder: 'h2', updatedAt: 5 },
    ];
    agent.drainedPeers = ['host-c'];
    expect((await call('GET', '/cluster')).json).toEqual({
      cluster: agent.peerStatuses,
      drained_hosts: ['host-c'],
    });
  });

  it('GET /history answers the transitions, filtered by ?endpoint', async () => {
    const { agent, call } = setup();
    const a = agent.seed({ ip: '10.0.0.1/32' });
    const b = agent.seed({ ip: '10.0.0.2/32' });
    const ra = agent.setStatus(a.id, 'ACTIVATED', 'elected');
    const rb = agent.setStatus(b.id, 'FAILING', 'health_check_fail');
    expect((await call('GET', '/history')).json).toEqual({ history: [ra, rb] });
    expect((await call('GET', `/history?endpoint=${b.id}`)).json).toEqual({ history: [rb] });
    expect((await call('GET', '/history?endpoint=bad')).status).toBe(400);
  });

  it('GET /machine answers the statechart definition', async () => {
    const { call } = setup();
    expect((await call('GET', '/machine')).json).toEqual({ machine: { id: 'vip', states: {} } });
  });
});

describe('errors', () => {
  it('answers unknown routes with JSON 404', async () => {
    const { call } = setup();
    for (const path of ['/', '/nope', '/endpoints/a/b/c', `/endpoints/${UNKNOWN_ID}/nope`]) {
      const { status, json, headers } = await call('GET', path);
      expect(status, path).toBe(404);
      expect(json.error).toMatch(/^not found: GET /);
      expect(headers.get('content-type')).toContain('application/json');
    }
  });

  it('answers a known path with a wrong method with JSON 405 and Allow', async () => {
    const { call } = setup();
    const { status, json, headers } = await call('DELETE', '/endpoints');
    expect(status).toBe(405);
    expect(json.error).toMatch(/not allowed/);
    expect(headers.get('allow')).toContain('POST');
    expect((await call('GET', `/endpoints/${UNKNOWN_ID}/failover`)).status).toBe(405);
  });

  it('answers unexpected agent failures with 500 JSON and logs them', async () => {
    const { agent, call, errors } = setup();
    agent.failWith = new Error('etcd exploded');
    for (const [method, path, body] of [
      ['GET', '/endpoints', undefined],
      ['POST', '/endpoints', VALID_BODY],
      ['GET', `/endpoints/${UNKNOWN_ID}`, undefined],
      ['GET', '/cluster', undefined],
    ] as const) {
      const { status, json } = await call(method, path, body);
      expect(status, `${method} ${path}`).toBe(500);
      expect(json).toEqual({ error: 'internal error: etcd exploded' });
    }
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatchObject({ method: 'GET', path: '/endpoints' });
  });
});

describe('the live view', () => {
  it('mounts the ui routes behind the same auth', async () => {
    const ui = new Hono().get('/', (c) => c.html('<h1>LinK</h1>'));
    const app = createApp({ agent: new FakeAgent(), ui, auth: { user: 'u', password: 'p' } });
    expect((await app.request('/ui')).status).toBe(401);
    const ok = await app.request('/ui', { headers: { Authorization: `Basic ${btoa('u:p')}` } });
    expect(await ok.text()).toBe('<h1>LinK</h1>');
  });
});

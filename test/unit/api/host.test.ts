import { describe, expect, it } from 'vitest';
import { setup, VALID_BODY } from './harness.js';

describe('/host: maintenance', () => {
  it('drains and undrains, and shows it in /host, /healthz, /cluster and /metrics', async () => {
    const { agent, call } = setup();
    const view = agent.seed({ ip: '10.0.0.1/32' });
    agent.setStatus(view.id, 'ACTIVATED');

    const drained = await call('POST', '/host/drain');
    expect(drained.status).toBe(200);
    expect(drained.json).toEqual({
      drained: true,
      handed_over: [{ id: view.id, ip: '10.0.0.1/32', holder: 'host-b' }],
    });
    expect(agent.calls.at(-1)).toMatchObject({ method: 'drain', args: [{ force: false }] });
    expect((await call('GET', '/host')).json).toEqual({ hostname: 'host-a', drained: true });
    expect((await call('GET', '/healthz')).json.drained).toBe(true);
    expect((await call('GET', '/cluster')).json.drained_hosts).toEqual(['host-a']);
    expect((await call('GET', '/metrics')).text).toMatch(/^link_host_drained 1$/m);
    expect((await call('GET', '/endpoints')).json.endpoints[0].status).toBe('DRAINED');

    expect((await call('POST', '/host/undrain')).json).toEqual({ drained: false });
    expect((await call('GET', '/metrics')).text).toMatch(/^link_host_drained 0$/m);
  });

  it('answers 409 with the reason when no other host can take a VIP, and forces with force', async () => {
    const { agent, call } = setup({ peers: [] });
    const view = agent.seed({ ip: '10.0.0.1/32' });
    agent.setStatus(view.id, 'ACTIVATED');
    const refused = await call('POST', '/host/drain');
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatch(/no other host can take 10\.0\.0\.1\/32/);
    expect(agent.drained).toBe(false);

    expect((await call('POST', '/host/drain', { force: true })).status).toBe(200);
    expect(agent.drained).toBe(true);
    expect((await call('POST', '/host/undrain')).status).toBe(200);
    expect((await call('POST', '/host/drain?force=true')).status).toBe(200);
  });

  it('names the wrong field of a drain request', async () => {
    const { call } = setup();
    const body = await call('POST', '/host/drain', { force: 'yes' });
    expect(body.status).toBe(422);
    expect(body.json.errors.force).toEqual(['force must be true or false']);
    const query = await call('POST', '/host/drain?force=maybe');
    expect(query.status).toBe(422);
    expect(query.json.errors.force).toBeDefined();
    expect((await call('POST', '/host/drain', '{')).status).toBe(400);
  });
});

describe('preferred_hosts on an endpoint', () => {
  it('is stored in order and shown', async () => {
    const { call } = setup();
    const created = await call('POST', '/endpoints', {
      ...VALID_BODY,
      preferred_hosts: ['node-2', 'node-1'],
    });
    expect(created.status).toBe(201);
    expect(created.json.endpoint.preferred_hosts).toEqual(['node-2', 'node-1']);
    const plain = await call('POST', '/endpoints', { ...VALID_BODY, plugin_config: { ip: '10.0.0.2/32' } });
    expect(plain.json.endpoint.preferred_hosts).toEqual([]);
  });

  it.each([
    [['a/b'], 'preferred_hosts.0'],
    [['node-1', 'node-1'], 'preferred_hosts'],
    ['node-1', 'preferred_hosts'],
    [[7], 'preferred_hosts.0'],
  ])('refuses %j naming %s', async (value, field) => {
    const { call } = setup();
    const res = await call('POST', '/endpoints', { ...VALID_BODY, preferred_hosts: value });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.errors)).toEqual([field]);
  });
});

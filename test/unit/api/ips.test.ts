import { describe, expect, it } from 'vitest';
import { setup, UNKNOWN_ID } from './harness.js';

describe('legacy v2 /ips routes', () => {
  it('POST /ips creates an arp endpoint and answers it bare', async () => {
    const { agent, call } = setup({ defaultFaultPolicy: 'hold' });
    const { status, json } = await call('POST', '/ips', {
      ip: '10.0.0.7/32',
      checks: [{ type: 'TCP', host: 'db', port: 5432 }],
      healthcheck_interval: 3,
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({
      ip: '10.0.0.7/32',
      plugin: 'arp',
      healthcheck_interval: 3,
      fault_policy: 'hold',
    });
    expect(agent.endpoints.size).toBe(1);
  });

  it('GET /ips and GET /ips/:id answer in the v2 wrappers', async () => {
    const { agent, call } = setup();
    const view = agent.seed({ ip: '10.0.0.7/32' });
    expect((await call('GET', '/ips')).json.ips).toHaveLength(1);
    expect((await call('GET', `/ips/${view.id}`)).json.ip).toMatchObject({ id: view.id });
    expect(await call('GET', `/ips/${UNKNOWN_ID}`)).toMatchObject({
      status: 404,
      json: { resource: 'IP', error: 'not found' },
    });
  });

  it('shares update, delete and failover with /endpoints', async () => {
    const { agent, call } = setup();
    const view = agent.seed({ ip: '10.0.0.7/32' });
    expect((await call('PATCH', `/ips/${view.id}`, { healthchecks: [] })).status).toBe(200);
    agent.setStatus(view.id, 'ACTIVATED');
    expect((await call('POST', `/ips/${view.id}/failover`)).status).toBe(204);
    expect((await call('DELETE', `/ips/${view.id}`)).status).toBe(204);
    expect((await call('DELETE', `/ips/${view.id}`)).status).toBe(404);
  });

  it('validates like /endpoints', async () => {
    const { call } = setup();
    expect((await call('POST', '/ips', '{')).status).toBe(400);
    const bad = await call('POST', '/ips', { ip: '10.0.0.300/32' });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.json.errors)).toEqual(['ip']);
  });
});

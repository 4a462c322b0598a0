import { describe, expect, it } from 'vitest';
import { setup, UNKNOWN_ID } from './harness.js';

const create = (ip: string) => ({ plugin: 'arp', plugin_config: { ip }, checks: [] });

describe('POST /endpoints/bulk', () => {
  it('creates, updates and deletes in one request', async () => {
    const { agent, call } = setup();
    const a = agent.seed({ ip: '10.0.0.1/32' });
    const b = agent.seed({ ip: '10.0.0.2/32' });
    const res = await call('POST', '/endpoints/bulk', {
      create: [create('10.0.0.3/32'), create('10.0.0.4/32')],
      update: [
        { id: b.id, healthchecks: [{ type: 'TCP', host: '10.0.0.5', port: 22 }], healthcheck_interval: 7 },
      ],
      delete: [a.id],
    });
    expect(res.status).toBe(200);
    expect(res.json.created.map((e: { ip: string }) => e.ip)).toEqual(['10.0.0.3/32', '10.0.0.4/32']);
    expect(res.json.updated[0]).toMatchObject({ id: b.id, healthcheck_interval: 7, checks: [{ port: 22 }] });
    expect(res.json.deleted).toEqual([a.id]);
    expect([...agent.endpoints.values()].map((e) => e.ip).sort()).toEqual([
      '10.0.0.2/32',
      '10.0.0.3/32',
      '10.0.0.4/32',
    ]);
  });

  it('answers every problem of the request in one 422 and changes nothing', async () => {
    const { agent, call } = setup();
    const a = agent.seed({ ip: '10.0.0.1/32' });
    const res = await call('POST', '/endpoints/bulk', {
      create: [create('10.0.0.9/32'), create('10.0.0.1/32'), create('10.0.0.300/32'), { plugin: 'x' }],
      update: [{ id: UNKNOWN_ID, healthchecks: [] }, { id: a.id }],
      delete: ['nope'],
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.errors).sort()).toEqual([
      'create.1.plugin_config.ip',
      'create.2.plugin_config.ip',
      'create.3.plugin',
      'create.3.plugin_config',
      'delete.0',
      'update.0.id',
      'update.1.healthchecks',
    ]);
    expect(res.json.errors['create.1.plugin_config.ip'][0]).toMatch(/already configured .* as endpoint/);
    expect(agent.endpoints.size).toBe(1);
    expect(
      agent.calls
        .filter((c) => c.method === 'apply')
        .every((c) => (c.args[1] as { dryRun?: boolean }).dryRun),
    ).toBe(true);
  });

  it('checks the endpoint limit for the request as a whole', async () => {
    const { call, agent } = setup({ maxEndpoints: 2 });
    const res = await call('POST', '/endpoints/bulk', {
      create: ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32'].map(create),
    });
    expect(res.status).toBe(422);
    expect(res.json.errors.create[0]).toMatch(/3 endpoints would exceed the limit of 2/);
    expect(agent.endpoints.size).toBe(0);
  });

  it('refuses unknown lists, non-lists and bad JSON', async () => {
    const { call } = setup();
    expect((await call('POST', '/endpoints/bulk', { creates: [] })).status).toBe(422);
    const notList = await call('POST', '/endpoints/bulk', { create: {} });
    expect(notList.status).toBe(422);
    expect(notList.json.errors.create).toBeDefined();
    expect((await call('POST', '/endpoints/bulk', '{')).status).toBe(400);
  });

  it('takes thousands of endpoints in one body (beyond the 64 KiB limit of other routes)', async () => {
    const { call, agent } = setup({ maxEndpoints: 0 });
    const ips = Array.from({ length: 2000 }, (_, i) => `10.9.${Math.floor(i / 250)}.${(i % 250) + 1}/32`);
    const res = await call('POST', '/endpoints/bulk', { create: ips.map(create) });
    expect(res.status).toBe(200);
    expect(res.json.created).toHaveLength(2000);
    expect(agent.endpoints.size).toBe(2000);
    expect(
      (await call('POST', '/endpoints', { ...create('10.1.1.1/32'), pad: 'x'.repeat(70_000) })).status,
    ).toBe(413);
  });

  it('checks without writing on dry_run=true', async () => {
    const { call, agent } = setup();
    const res = await call('POST', '/endpoints/bulk?dry_run=true', { create: [create('10.0.0.1/32')] });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ dry_run: true, create: 1, update: 0, delete: 0 });
    expect(agent.endpoints.size).toBe(0);
  });

  it('answers 503 while shutting down', async () => {
    const { call, agent } = setup();
    agent.shuttingDown = true;
    expect((await call('POST', '/endpoints/bulk', { create: [create('10.0.0.1/32')] })).status).toBe(503);
  });
});

describe('GET /endpoints with filters and pages', () => {
  function seeded() {
    const s = setup({ maxEndpoints: 0 });
    for (let i = 0; i < 30; i++) {
      const view = s.agent.seed({ ip: `10.78.${Math.floor(i / 10)}.${i + 1}/32` });
      if (i % 3 === 0) s.agent.setStatus(view.id, 'ACTIVATED');
    }
    return s;
  }

  it('keeps LinK`s unpaginated answer without parameters', async () => {
    const { call } = seeded();
    const res = await call('GET', '/endpoints');
    expect(Object.keys(res.json)).toEqual(['endpoints']);
    expect(res.json.endpoints).toHaveLength(30);
  });

  it('pages with limit and cursor, with the total', async () => {
    const { call } = seeded();
    const ids: string[] = [];
    let path = '/endpoints?limit=12';
    for (;;) {
      const res = await call('GET', path);
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(30);
      ids.push(...res.json.endpoints.map((e: { id: string }) => e.id));
      if (res.json.next_cursor === null) break;
      path = `/endpoints?limit=12&cursor=${res.json.next_cursor}`;
    }
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('filters by state, holder and IP', async () => {
    const { call, agent } = seeded();
    expect((await call('GET', '/endpoints?state=activated')).json.total).toBe(10);
    expect((await call('GET', `/endpoints?holder=${agent.hostname}`)).json.total).toBe(10);
    expect((await call('GET', '/endpoints?holder=none')).json.total).toBe(20);
    expect((await call('GET', '/endpoints?ip=10.78.2.0/24&state=STANDBY')).json.total).toBe(7);
  });

  it('names the wrong parameter', async () => {
    const { call } = seeded();
    expect((await call('GET', '/endpoints?limit=0')).json.error).toMatch(/^limit:/);
    expect((await call('GET', '/endpoints?state=UP')).json.error).toMatch(/^state: unknown UP/);
    expect((await call('GET', '/endpoints?cursor=x')).status).toBe(400);
    expect((await call('GET', '/endpoints?ip=10.0.0.0/99')).json.error).toMatch(/^ip:/);
  });

  it('summarizes by state and holder', async () => {
    const { call, agent } = seeded();
    const res = await call('GET', '/endpoints/summary');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      total: 30,
      by_state: { STANDBY: 20, ACTIVATED: 10 },
      by_holder: { '': 20, [agent.hostname]: 10 },
    });
    expect((await call('GET', '/endpoints/summary?ip=10.78.0.')).json.total).toBe(10);
  });
});

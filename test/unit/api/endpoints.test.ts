import { describe, expect, it } from 'vitest';
import { EtcdOutOfSpaceError } from '../../../src/model/errors.js';
import { setup, UNKNOWN_ID, VALID_BODY } from './harness.js';

describe('GET /endpoints', () => {
  it('lists every endpoint wrapped in {"endpoints":[…]}', async () => {
    const { agent, call } = setup();
    const empty = await call('GET', '/endpoints');
    expect(empty).toMatchObject({ status: 200, json: { endpoints: [] } });
    expect(empty.headers.get('content-type')).toContain('application/json');

    const a = agent.seed({ ip: '10.0.0.1/32' });
    const { json } = await call('GET', '/endpoints');
    expect(json.endpoints).toEqual([expect.objectContaining({ id: a.id, ip: '10.0.0.1/32', plugin: 'arp' })]);
  });
});

describe('POST /endpoints', () => {
  it('creates an endpoint and answers 201 {"endpoint":…} in LinK v3 shape', async () => {
    const { agent, call } = setup();
    const { status, json } = await call('POST', '/endpoints', VALID_BODY);
    expect(status).toBe(201);
    expect(json.endpoint).toMatchObject({
      status: 'BOOTING',
      ip: '10.0.0.1/32',
      checks: [{ type: 'TCP', host: '10.0.0.5', port: 5432 }],
      healthcheck_interval: 5,
      plugin: 'arp',
      election_key: '10.0.0.1_32',
      fault_policy: 'activate',
    });
    expect(json.endpoint.id).toMatch(/^vip-[a-zA-Z0-9-]{36}$/);
    expect(json.endpoint).not.toHaveProperty('plugin_config');
    expect(agent.endpoints.size).toBe(1);
  });

  it('defaults checks and interval, and applies the configured default fault policy', async () => {
    const { agent, call } = setup({ defaultFaultPolicy: 'release' });
    const { status, json } = await call('POST', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip: '10.0.0.2/32' },
    });
    expect(status).toBe(201);
    expect(json.endpoint).toMatchObject({ checks: [], healthcheck_interval: 0, fault_policy: 'release' });
    expect(agent.calls.find((c) => c.method === 'create')?.args[0]).toEqual({
      ip: '10.0.0.2/32',
      checks: [],
      healthcheckInterval: 0,
      faultPolicy: 'release',
      preferredHosts: [],
    });
  });

  it('takes an explicit fault_policy', async () => {
    const { call } = setup();
    const { json } = await call('POST', '/endpoints', { ...VALID_BODY, fault_policy: 'hold' });
    expect(json.endpoint.fault_policy).toBe('hold');
  });

  it('accepts HTTP and HTTPS checks, with a default path and status range', async () => {
    const { agent, call } = setup();
    const body = {
      ...VALID_BODY,
      checks: [
        { type: 'HTTP', host: 'web.internal', port: 8080, path: '/health', expect_status: '200-299' },
        { type: 'HTTPS', host: '10.0.0.9', port: 443 },
        { type: 'HTTP', host: '10.0.0.9', port: 80, expect_status: 204 },
      ],
    };
    const { status, json } = await call('POST', '/endpoints', body);
    expect(status).toBe(201);
    expect(agent.calls.find((c) => c.method === 'create')?.args[0]).toMatchObject({
      checks: [
        { type: 'HTTP', host: 'web.internal', port: 8080, path: '/health', expectStatus: [200, 299] },
        { type: 'HTTPS', host: '10.0.0.9', port: 443, path: '/', expectStatus: [200, 399] },
        { type: 'HTTP', host: '10.0.0.9', port: 80, path: '/', expectStatus: [204, 204] },
      ],
    });
    // Answered in the shape it was sent, so a client can send it back.
    expect(json.endpoint.checks).toEqual([
      { type: 'HTTP', host: 'web.internal', port: 8080, path: '/health', expect_status: '200-299' },
      { type: 'HTTPS', host: '10.0.0.9', port: 443, path: '/', expect_status: '200-399' },
      { type: 'HTTP', host: '10.0.0.9', port: 80, path: '/', expect_status: '204' },
    ]);
  });

  it('accepts IPv6 and stores its canonical form, so one address is one election key', async () => {
    const { call } = setup();
    const { status, json } = await call('POST', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip: 'FD00:0:0::10/128' },
    });
    expect(status).toBe(201);
    expect(json.endpoint.ip).toBe('fd00::10/128');
  });

  it('accepts a prefix shorter than /32 for a host address', async () => {
    const { call } = setup();
    const { status, json } = await call('POST', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip: '10.0.0.10/24' },
    });
    expect(status).toBe(201);
    expect(json.endpoint.election_key).toBe('10.0.0.10_24');
  });

  it('answers 400 with the parser message on malformed JSON (LinK answered 500)', async () => {
    const { call, agent } = setup();
    for (const body of ['{"plugin":', '', 'not json', "{'plugin':'arp'}"]) {
      const { status, json } = await call('POST', '/endpoints', body);
      expect(status, body).toBe(400);
      expect(json.error).toMatch(/^invalid JSON: /);
    }
    expect(agent.calls.some((c) => c.method === 'create')).toBe(false);
  });

  it('answers 422 naming plugin_config.ip for a bad IP or prefix', async () => {
    const { call } = setup();
    const bad = [
      '10.0.0.1',
      '10.0.0.256/32',
      '10.0.0.1/33',
      '10.0.0.1/-1',
      '10.0.0.1/abc',
      '10.0.0.1/',
      '10.1/32',
      '0xa.0.0.1/32',
      '010.0.0.1/32',
      'fd00::1/129',
      'fe80::1%eth0/128',
      'fd00::g/128',
      'example.com/32',
      '0.0.0.0/32',
      '224.0.0.1/32',
      '255.255.255.255/32',
      '10.0.0.0/24',
      '10.0.0.255/24',
      '',
    ];
    for (const ip of bad) {
      const { status, json } = await call('POST', '/endpoints', { plugin: 'arp', plugin_config: { ip } });
      expect(status, ip).toBe(422);
      expect(Object.keys(json.errors), ip).toEqual(['plugin_config.ip']);
      expect(json.errors['plugin_config.ip'][0], ip).toEqual(expect.any(String));
    }
  });

  it('answers 422 naming plugin_config.ip when the IP is missing or not a string', async () => {
    const { call } = setup();
    for (const plugin_config of [{}, { ip: 10 }, { ip: null }]) {
      const { status, json } = await call('POST', '/endpoints', { plugin: 'arp', plugin_config });
      expect(status).toBe(422);
      expect(json.errors).toHaveProperty(['plugin_config.ip']);
    }
    const missing = await call('POST', '/endpoints', { plugin: 'arp' });
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toHaveProperty(['plugin_config']);
  });

  it('answers 422 naming plugin for an unknown or missing plugin (LinK answered 500)', async () => {
    const { call } = setup();
    // An object whose toString is not a function made the error message throw (500).
    for (const plugin of ['outscale_public_ip', 'webhook', 'ARP', '', 42, { toString: '' }]) {
      const { status, json } = await call('POST', '/endpoints', { ...VALID_BODY, plugin });
      expect(status, JSON.stringify(plugin)).toBe(422);
      expect(json.errors.plugin[0]).toMatch(/plugin not found/);
    }
    const { plugin: _, ...withoutPlugin } = VALID_BODY;
    const missing = await call('POST', '/endpoints', withoutPlugin);
    expect(missing.status).toBe(422);
    expect(missing.json.errors.plugin[0]).toMatch(/required/);
  });

  it('answers 422 naming checks.N.port for a bad port', async () => {
    const { call } = setup();
    for (const port of [0, 65536, -1, 1.5, '5432', null]) {
      const body = { ...VALID_BODY, checks: [VALID_BODY.checks[0], { type: 'TCP', host: 'db', port }] };
      const { status, json } = await call('POST', '/endpoints', body);
      expect(status, String(port)).toBe(422);
      expect(Object.keys(json.errors)).toEqual(['checks.1.port']);
    }
  });

  it('answers 422 for other bad checks, naming each field', async () => {
    const { call } = setup();
    const cases: [unknown, string][] = [
      [[{ type: 'UDP', host: 'db', port: 1 }], 'checks.0.type'],
      [[{ host: 'db', port: 1 }], 'checks.0.type'],
      [[{ type: 'tcp', host: 'db', port: 1 }], 'checks.0.type'],
      [[{ type: 'TCP', port: 1 }], 'checks.0.host'],
      [[{ type: 'TCP', host: '', port: 1 }], 'checks.0.host'],
      [[{ type: 'TCP', host: 'a b', port: 1 }], 'checks.0.host'],
      [[{ type: 'HTTP', host: 'web', port: 80, path: 'health' }], 'checks.0.path'],
      [[{ type: 'HTTP', host: 'web', port: 80, expect_status: '600' }], 'checks.0.expect_status'],
      [[{ type: 'HTTP', host: 'web', port: 80, expect_status: '399-200' }], 'checks.0.expect_status'],
      [[null], 'checks.0'],
      [{ type: 'TCP' }, 'checks'],
      ['TCP db:1', 'checks'],
    ];
    for (const [checks, field] of cases) {
      const { status, json } = await call('POST', '/endpoints', { ...VALID_BODY, checks });
      expect(status, JSON.stringify(checks)).toBe(422);
      expect(Object.keys(json.errors), JSON.stringify(checks)).toEqual([field]);
    }
  });

  it('answers 422 for a bad healthcheck_interval or fault_policy', async () => {
    const { call } = setup();
    for (const healthcheck_interval of [-1, 3601, 1.5, '5']) {
      const { status, json } = await call('POST', '/endpoints', { ...VALID_BODY, healthcheck_interval });
      expect(status).toBe(422);
      expect(Object.keys(json.errors)).toEqual(['healthcheck_interval']);
    }
    const policy = await call('POST', '/endpoints', { ...VALID_BODY, fault_policy: 'panic' });
    expect(policy.status).toBe(422);
    expect(policy.json.errors.fault_policy[0]).toMatch(/activate, hold, release/);
  });

  it('lists every wrong field at once', async () => {
    const { call } = setup();
    const { status, json } = await call('POST', '/endpoints', {
      plugin: 'nope',
      plugin_config: { ip: 'x' },
      checks: [{ type: 'TCP', host: 'db', port: 0 }],
      healthcheck_interval: -3,
    });
    expect(status).toBe(422);
    expect(Object.keys(json.errors).sort()).toEqual(
      ['checks.0.port', 'healthcheck_interval', 'plugin', 'plugin_config.ip'].sort(),
    );
  });

  it('answers 422 naming the body when it is not an object', async () => {
    const { call } = setup();
    for (const body of ['[]', '42', 'null', '"arp"']) {
      const { status, json } = await call('POST', '/endpoints', body);
      expect(status, body).toBe(422);
      expect(Object.keys(json.errors)).toEqual(['body']);
    }
  });

  it('answers 409 for an IP already configured on this host', async () => {
    const { call } = setup();
    expect((await call('POST', '/endpoints', VALID_BODY)).status).toBe(201);
    const { status, json } = await call('POST', '/endpoints', VALID_BODY);
    expect(status).toBe(409);
    expect(json.error).toMatch(/already configured/);
  });

  it('answers 409 when the endpoint limit is reached (LinK answered 500)', async () => {
    const { call } = setup({ maxEndpoints: 1 });
    expect((await call('POST', '/endpoints', VALID_BODY)).status).toBe(201);
    const { status, json } = await call('POST', '/endpoints', {
      ...VALID_BODY,
      plugin_config: { ip: '10.0.0.2/32' },
    });
    expect(status).toBe(409);
    expect(json.error).toMatch(/too many endpoints/);
  });

  it('answers 503 with Retry-After while shutting down', async () => {
    const { agent, call } = setup();
    agent.shuttingDown = true;
    const { status, json, headers } = await call('POST', '/endpoints', VALID_BODY);
    expect(status).toBe(503);
    expect(json.error).toMatch(/shutting down/);
    expect(headers.get('retry-after')).toBe('5');
  });

  it('answers 503 naming the fix when etcd is out of space (NOSPACE alarm)', async () => {
    const { agent, call } = setup();
    agent.create = async () => {
      throw new EtcdOutOfSpaceError(
        new Error('8 RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded'),
      );
    };
    const { status, json } = await call('POST', '/endpoints', VALID_BODY);
    expect(status).toBe(503);
    expect(json.error).toMatch(/out of space.*etcdctl alarm disarm/);
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const { call } = setup();
    const { status, json } = await call('POST', '/endpoints', { ...VALID_BODY, padding: 'x'.repeat(70_000) });
    expect(status).toBe(413);
    expect(json.error).toMatch(/larger than/);
  });
});

describe('GET /endpoints/:id', () => {
  it('answers {"endpoint":…}', async () => {
    const { agent, call } = setup();
    const view = agent.seed({ ip: '10.0.0.1/32' });
    const { status, json } = await call('GET', `/endpoints/${view.id}`);
    expect(status).toBe(200);
    expect(json.endpoint).toMatchObject({ id: view.id, status: 'STANDBY', election_key: '10.0.0.1_32' });
  });

  it('answers 404 JSON for an unknown id and 400 for a malformed one', async () => {
    const { call } = setup();
    const unknown = await call('GET', `/endpoints/${UNKNOWN_ID}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/not found/);
    for (const id of ['abc', 'vip-123', `${UNKNOWN_ID}0`, 'VIP-00000000-0000-4000-8000-000000000000']) {
      const bad = await call('GET', `/endpoints/${id}`);
      expect(bad.status, id).toBe(400);
      expect(bad.json.error).toMatch(/invalid endpoint ID/);
    }
  });
});

describe('PUT and PATCH /endpoints/:id', () => {
  for (const method of ['PUT', 'PATCH']) {
    it(`${method} replaces the checks and answers the bare endpoint`, async () => {
      const { agent, call } = setup();
      const view = agent.seed({ ip: '10.0.0.1/32', checks: [{ type: 'TCP', host: 'old', port: 1 }] });
      const checks = [{ type: 'TCP', host: 'db', port: 5432 }];
      const { status, json } = await call(method, `/endpoints/${view.id}`, { healthchecks: checks });
      expect(status).toBe(200);
      expect(json).toMatchObject({ id: view.id, checks });
      expect(json).not.toHaveProperty('endpoint');
      expect(agent.endpoints.get(view.id)?.checks).toEqual(checks);
    });
  }

  it('clears the checks with an empty list, and accepts "checks" for "healthchecks"', async () => {
    const { agent, call } = setup();
    const view = agent.seed({ ip: '10.0.0.1/32', checks: [{ type: 'TCP', host: 'old', port: 1 }] });
    expect((await call('PATCH', `/endpoints/${view.id}`, { healthchecks: [] })).json.checks).toEqual([]);
    const checks = [{ type: 'TCP', host: 'db', port: 1 }];
    expect((await call('PUT', `/endpoints/${view.id}`, { checks })).json.checks).toEqual(checks);
  });

  it('answers 422, 400, 404 for a bad body, bad JSON, unknown id', async () => {
    const { agent, call } = setup();
    const view = agent.seed({ ip: '10.0.0.1/32' });
    const missing = await call('PUT', `/endpoints/${view.id}`, {});
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toEqual({ healthchecks: ['healthchecks is required'] });
    const badPort = await call('PUT', `/endpoints/${view.id}`, {
      healthchecks: [{ type: 'TCP', host: 'h', port: 0 }],
    });
    expect(badPort.status).toBe(422);
    expect(Object.keys(badPort.json.errors)).toEqual(['healthchecks.0.port']);
    expect((await call('PATCH', `/endpoints/${view.id}`, '{')).status).toBe(400);
    expect((await call('PATCH', `/endpoints/${UNKNOWN_ID}`, { healthchecks: [] })).status).toBe(404);
    expect((await call('PATCH', '/endpoints/nope', { healthchecks: [] })).status).toBe(400);
  });
});

describe('DELETE /endpoints/:id', () => {
  it('answers 204 once removed', async () => {
    const { agent, call } = setup();
    const view = agent.seed({ ip: '10.0.0.1/32' });
    const { status, text } = await call('DELETE', `/endpoints/${view.id}`);
    expect(status).toBe(204);
    expect(text).toBe('');
    expect(agent.endpoints.size).toBe(0);
  });

  it('answers 404 for an unknown id (LinK answered 500), 400 for a malformed one', async () => {
    const { agent, call } = setup();
    expect((await call('DELETE', `/endpoints/${UNKNOWN_ID}`)).status).toBe(404);
    expect((await call('DELETE', '/endpoints/x')).status).toBe(400);
    expect(agent.calls.some((c) => c.method === 'remove')).toBe(false);
  });
});

describe('POST /endpoints/:id/failover', () => {
  it('answers 204 on the holder', async () => {
    const { agent, call } = setup();
    const view = agent.seed({ ip: '10.0.0.1/32' });
    agent.setStatus(view.id, 'ACTIVATED');
    expect((await call('POST', `/endpoints/${view.id}/failover`)).status).toBe(204);
    expect(agent.endpoints.get(view.id)?.status).toBe('STANDBY');
  });

  it('answers 409 when this host is not the holder or no other host participates', async () => {
    const { agent, call } = setup({ peers: [] });
    const view = agent.seed({ ip: '10.0.0.1/32' });
    const standby = await call('POST', `/endpoints/${view.id}/failover`);
    expect(standby.status).toBe(409);
    expect(standby.json.error).toMatch(/does not hold/);
    agent.setStatus(view.id, 'ACTIVATED');
    const alone = await call('POST', `/endpoints/${view.id}/failover`);
    expect(alone.status).toBe(409);
    expect(alone.json.error).toMatch(/no other host/);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const { call } = setup();
    expect((await call('POST', `/endpoints/${UNKNOWN_ID}/failover`)).status).toBe(404);
    expect((await call('POST', '/endpoints/123/failover')).status).toBe(400);
  });
});

describe('GET /endpoints/:id/hosts', () => {
  it('lists every participating host, this one included', async () => {
    const { agent, call } = setup({ hostname: 'h1', peers: ['h2', 'h3'] });
    const view = agent.seed({ ip: '10.0.0.1/32' });
    const { status, json } = await call('GET', `/endpoints/${view.id}/hosts`);
    expect(status).toBe(200);
    expect(json).toEqual({ hosts: [{ hostname: 'h1' }, { hostname: 'h2' }, { hostname: 'h3' }] });
  });

  it('answers 404 and 400', async () => {
    const { call } = setup();
    expect((await call('GET', `/endpoints/${UNKNOWN_ID}/hosts`)).status).toBe(404);
    expect((await call('GET', '/endpoints/zz/hosts')).status).toBe(400);
  });
});

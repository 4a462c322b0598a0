import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../../src/api/auth-throttle.js';
import { setup } from './harness.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('basic auth', () => {
  const auth = { user: 'admin', password: 's3cret:with-colon' };

  it('lets the right credentials through', async () => {
    const { call } = setup({ auth });
    const { status } = await call('GET', '/endpoints', undefined, {
      Authorization: basic('admin:s3cret:with-colon'),
    });
    expect(status).toBe(200);
  });

  it('answers 401 JSON with a challenge when the header is missing', async () => {
    const { call } = setup({ auth });
    const { status, json, headers } = await call('GET', '/endpoints');
    expect(status).toBe(401);
    expect(json).toEqual({ error: 'authentication required' });
    expect(headers.get('www-authenticate')).toMatch(/^Basic realm="link"/);
  });

  it('answers 401, never 500, for malformed headers', async () => {
    const { call } = setup({ auth, authThrottle: new AuthThrottle({ baseMs: 0 }) });
    const malformed = [
      'Basic',
      'Basic ',
      'Basicxyz',
      'Bearer abc',
      'Basic !!!!',
      'Basic a',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Digest username="admin"',
      'garbage',
      'Basic YWRtaW46cw== extra',
    ];
    for (const header of malformed) {
      const { status, json } = await call('GET', '/endpoints', undefined, { Authorization: header });
      expect(status, header).toBe(401);
      expect(json.error, header).toMatch(/malformed Authorization header/);
    }
  });

  it('answers 401 for wrong credentials', async () => {
    const { call } = setup({ auth, authThrottle: new AuthThrottle({ baseMs: 0 }) });
    for (const credentials of ['admin:wrong', 'root:s3cret:with-colon', 'admin:', ':', 'admin:s3cret']) {
      const { status, json } = await call('GET', '/endpoints', undefined, {
        Authorization: basic(credentials),
      });
      expect(status, credentials).toBe(401);
      expect(json).toEqual({ error: 'invalid credentials' });
    }
  });

  it('accepts the scheme in any case', async () => {
    const { call } = setup({ auth });
    const header = basic('admin:s3cret:with-colon').replace('Basic', 'basic');
    expect((await call('GET', '/version', undefined, { Authorization: header })).status).toBe(200);
  });

  it('guards writes, unknown routes and metrics, but not /healthz', async () => {
    const { call, agent } = setup({ auth });
    expect((await call('POST', '/endpoints', { plugin: 'arp' })).status).toBe(401);
    expect((await call('GET', '/nope')).status).toBe(401);
    expect((await call('GET', '/metrics')).status).toBe(401);
    expect((await call('GET', '/events')).status).toBe(401);
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect(agent.calls.some((c) => c.method === 'create')).toBe(false);
  });

  it('is off when not configured', async () => {
    const { call } = setup();
    expect((await call('GET', '/endpoints')).status).toBe(200);
  });

  it('logs each failed attempt with the remote address and counts it in /metrics', async () => {
    const warnings: object[] = [];
    const logger = {
      debug() {},
      info() {},
      warn: (obj: object) => warnings.push(obj),
      error() {},
      child: () => logger,
    };
    const { call } = setup({ auth, logger, authThrottle: new AuthThrottle({ baseMs: 0 }) });
    await call('GET', '/endpoints');
    await call('GET', '/endpoints', undefined, { Authorization: basic('admin:guess') });
    await call('GET', '/endpoints', undefined, { Authorization: 'Basic !!' });
    expect(warnings).toEqual([
      expect.objectContaining({ remote: 'unknown', reason: 'invalid', path: '/endpoints' }),
      expect.objectContaining({ remote: 'unknown', reason: 'malformed' }),
    ]);
    const metrics = await call('GET', '/metrics', undefined, {
      Authorization: basic('admin:s3cret:with-colon'),
    });
    expect(metrics.text).toContain('link_api_auth_failures_total{reason="missing"} 1');
    expect(metrics.text).toContain('link_api_auth_failures_total{reason="invalid"} 1');
    expect(metrics.text).toContain('link_api_auth_failures_total{reason="malformed"} 1');
  });

  it('makes a remote that failed wait before its next attempt is checked, even with the right password', async () => {
    let now = 0;
    const { call } = setup({ auth, authThrottle: new AuthThrottle({ baseMs: 1000, now: () => now }) });
    const right = { Authorization: basic('admin:s3cret:with-colon') };
    expect((await call('GET', '/version', undefined, { Authorization: basic('admin:x') })).status).toBe(401);
    const blocked = await call('GET', '/version', undefined, right);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('1');
    expect(blocked.json.error).toBe('too many failed authentications from unknown: retry in 1 s');
    now = 1000;
    expect((await call('GET', '/version', undefined, right)).status).toBe(200);
  });
});

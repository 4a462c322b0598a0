import { describe, expect, it } from 'vitest';
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
    const { call } = setup({ auth });
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
    const { call } = setup({ auth });
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
});

import { describe, expect, it } from 'vitest';
import { hostOf } from '../../../src/api/host-guard.js';
import { setup, VALID_BODY } from './harness.js';

describe('Host allowlist', () => {
  it('refuses a rebinding-style Host on reads and writes, naming the setting', async () => {
    const { call, agent } = setup();
    for (const [method, path] of [
      ['POST', '/endpoints'],
      ['GET', '/endpoints'],
      ['GET', '/healthz'],
      ['GET', '/metrics'],
    ] as const) {
      const { status, json } = await call(method, path, method === 'POST' ? VALID_BODY : undefined, {
        Host: 'attacker.example:13131',
      });
      expect(status, `${method} ${path}`).toBe(403);
      expect(json.error).toBe(
        "Host 'attacker.example:13131' is not a name or address this agent serves; if it is one, add it to --api-hosts / LINK_API_HOSTS",
      );
    }
    expect(agent.list()).toHaveLength(0);
  });

  it('answers the default names with or without port, in any case', async () => {
    const { call } = setup();
    for (const host of [
      'localhost',
      'LOCALHOST:1313',
      '127.0.0.1:1313',
      '[::1]:1313',
      '[::1]',
      'localhost.',
    ]) {
      const { status } = await call('GET', '/endpoints', undefined, { Host: host });
      expect(status, host).toBe(200);
    }
  });

  it('answers the configured names, and only them', async () => {
    const { call } = setup({ hosts: ['vip-admin.example', '10.0.0.9', '::1'] });
    expect((await call('GET', '/endpoints', undefined, { Host: 'vip-admin.example:1313' })).status).toBe(200);
    expect((await call('GET', '/endpoints', undefined, { Host: '10.0.0.9:1313' })).status).toBe(200);
    expect((await call('GET', '/endpoints', undefined, { Host: '[::1]:1313' })).status).toBe(200);
    expect((await call('GET', '/endpoints', undefined, { Host: 'localhost' })).status).toBe(403);
    expect((await call('GET', '/endpoints', undefined, { Host: 'evil.vip-admin.example' })).status).toBe(403);
  });

  it('parses Host headers strictly', () => {
    expect(hostOf('Example.COM:80')).toBe('example.com');
    expect(hostOf('[::FFFF:127.0.0.1]:1')).toBe('127.0.0.1');
    expect(hostOf('a b')).toBeUndefined();
    expect(hostOf('user@host')).toBeUndefined();
    expect(hostOf('host:port')).toBeUndefined();
    expect(hostOf('')).toBeUndefined();
  });
});

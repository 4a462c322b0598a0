import { describe, expect, it } from 'vitest';
import { apiHosts } from '../../../src/daemon/api-hosts.js';

describe('apiHosts', () => {
  it('answers the listen address, the loopback names and both hostnames, plus --api-hosts', () => {
    const hosts = apiHosts(
      { listen: { host: '10.0.0.5', port: 1313 }, hostname: 'node-a', apiHosts: ['vip.example'] },
      () => 'node-a.lan',
    );
    expect(hosts.sort()).toEqual([
      '10.0.0.5',
      '127.0.0.1',
      '::1',
      'localhost',
      'node-a',
      'node-a.lan',
      'vip.example',
    ]);
  });

  it('lists no wildcard: on every interface the arrival address is what is answered', () => {
    const hosts = apiHosts(
      { listen: { host: '0.0.0.0', port: 1313 }, hostname: 'a', apiHosts: undefined },
      () => 'a',
    );
    expect(hosts).not.toContain('0.0.0.0');
  });
});

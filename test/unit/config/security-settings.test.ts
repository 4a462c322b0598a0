import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadConfig } from '../../../src/config/load-config.js';

const load = (argv: string[], env: Record<string, string> = {}) =>
  loadConfig(['--interface', 'eth0', ...argv], env, { osHostname: () => 'node-a', fileExists: () => true });

describe('--api-hosts', () => {
  it('takes names and addresses, comma-separated, from the flag or the variable', () => {
    expect(load(['--api-hosts', 'vip.example, 10.0.0.9,[::1],fe80::1']).apiHosts).toEqual([
      'vip.example',
      '10.0.0.9',
      '[::1]',
      'fe80::1',
    ]);
    expect(load([], { LINK_API_HOSTS: 'admin.lan' }).apiHosts).toEqual(['admin.lan']);
    expect(load([]).apiHosts).toBeUndefined();
  });

  it('refuses a port, a scheme or a path, naming the flag and the variable', () => {
    for (const bad of ['vip.example:1313', 'http://vip.example', 'a/b', 'a b', ',']) {
      expect(() => load(['--api-hosts', bad]), bad).toThrow(ConfigError);
      expect(() => load(['--api-hosts', bad]), bad).toThrow(
        /--api-hosts \/ LINK_API_HOSTS: must be comma-separated/,
      );
    }
  });
});

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiExposureProblem } from '../../../src/config/api-exposure.js';
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

describe('secrets from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'link-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const secretFile = (name: string, text: string, mode: number) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };
  const real = (argv: string[], env: Record<string, string> = {}) =>
    loadConfig(['--interface', 'eth0', ...argv], env, { osHostname: () => 'node-a' });

  it('reads the API and etcd passwords from owner-only files, without the final newline', () => {
    const api = secretFile('api', 'p@ss word\n', 0o600);
    const etcd = secretFile('etcd', 'etcd-secret', 0o400);
    const config = real(['--api-user', 'admin', '--api-password-file', api], {
      LINK_ETCD_USER: 'link',
      LINK_ETCD_PASSWORD_FILE: etcd,
    });
    expect(config.apiPassword).toBe('p@ss word');
    expect(config.etcdPassword).toBe('etcd-secret');
  });

  it('refuses a key or password file that group or others may read, naming the flag and the mode', () => {
    const api = secretFile('api-open', 'pw', 0o644);
    const key = secretFile('tls.key', 'KEY', 0o640);
    const cert = secretFile('tls.pem', 'CERT', 0o644);
    const problems = errorsOf(() =>
      real(['--api-user', 'a', '--api-password-file', api, '--tls-cert', cert, '--tls-key', key]),
    );
    expect(problems).toEqual([
      `--api-password-file / LINK_API_PASSWORD_FILE: '${api}' may be read by group or others (mode 0644): \`chmod 600\` it, or load it as a systemd credential (from --api-password-file)`,
      `--tls-key / LINK_TLS_KEY: '${key}' may be read by group or others (mode 0640): \`chmod 600\` it, or load it as a systemd credential (from --tls-key)`,
    ]);
  });

  it('refuses a password given twice, and a missing file', () => {
    const api = secretFile('api-twice', 'pw', 0o600);
    expect(
      errorsOf(() => real(['--api-user', 'a', '--api-password', 'x', '--api-password-file', api])),
    ).toEqual([
      '--api-password-file / LINK_API_PASSWORD_FILE: give either --api-password or --api-password-file, not both',
    ]);
    expect(errorsOf(() => real(['--api-user', 'a', '--api-password-file', join(dir, 'none')]))).toEqual([
      '--api-password / LINK_API_PASSWORD: is required with --api-user',
      `--api-password-file / LINK_API_PASSWORD_FILE: must be a readable file, got '${join(dir, 'none')}' (from --api-password-file)`,
    ]);
  });
});

describe('an API reachable from other hosts', () => {
  const load2 = (argv: string[]) => load(argv);
  it('is refused without credentials, naming the flags', () => {
    for (const listen of ['0.0.0.0:1313', ':1313', '10.0.0.5:1313', '[::]:1313']) {
      const problem = apiExposureProblem(load2(['--listen', listen]));
      expect(problem, listen).toMatch(
        /^--listen \/ LINK_LISTEN .* is not a loopback address and the API has no credentials: set --api-user and --api-password/,
      );
      expect(problem).toContain('--unauthenticated-api');
    }
  });

  it('is allowed with credentials or the explicit switch; loopback always', () => {
    expect(
      apiExposureProblem(load2(['--listen', '0.0.0.0:1', '--api-user', 'a', '--api-password', 'b'])),
    ).toBeUndefined();
    expect(apiExposureProblem(load2(['--listen', '0.0.0.0:1', '--unauthenticated-api']))).toBeUndefined();
    for (const listen of ['127.0.0.1:1', '127.3.2.1:1', '[::1]:1', 'localhost:1']) {
      expect(apiExposureProblem(load2(['--listen', listen])), listen).toBeUndefined();
    }
  });
});

function errorsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('--vip-ranges', () => {
  it('takes ranges, answered by their network address', () => {
    expect(load(['--vip-ranges', '10.0.0.7/24, fd00::1/64']).vipRanges).toEqual(['10.0.0.0/24', 'fd00::/64']);
    expect(load([]).vipRanges).toBeUndefined();
  });

  it('refuses what is not a range, naming the flag', () => {
    for (const bad of [
      '10.0.0.0',
      '10.1/16',
      '10.0.0.0/33',
      'fd00::/129',
      'fe80::1%eth0/64',
      'x/8',
      '10.0.0.0/24/1',
    ]) {
      expect(() => load(['--vip-ranges', bad]), bad).toThrow(
        /--vip-ranges \/ LINK_VIP_RANGES: must be comma-separated ranges/,
      );
    }
  });
});

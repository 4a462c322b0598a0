import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/agent/agent-settings.js';
import { envOf, type Setting, settings } from '../../../src/config/config.schema.js';
import { ConfigError, ConfigExit } from '../../../src/config/config-error.js';
import { readConfigTable, renderConfigTable, writeConfigTable } from '../../../src/config/config-table.js';
import { toEtcdConnection } from '../../../src/config/etcd-connection.js';
import { type Env, type LoadOptions, loadConfig, unknownEnv } from '../../../src/config/load-config.js';
import { toAgentSettings } from '../../../src/config/to-agent-settings.js';

const base: LoadOptions = {
  osHostname: () => 'node-1',
  fileExists: (path) => path.startsWith('/etc/link/'),
  fileMode: () => 0o600,
  readFile: (path) => `secret in ${path}\n`,
};
const load = (argv: string[], env: Env = {}, options: LoadOptions = {}) =>
  loadConfig(argv, env, { ...base, ...options });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default, which match the agent defaults', () => {
    const config = load(['--interface', 'eth0']);
    expect(config).toEqual({
      etcd: ['http://127.0.0.1:2379'],
      interface: 'eth0',
      hostname: 'node-1',
      listen: { host: '127.0.0.1', port: 1313 },
      unauthenticatedApi: false,
      leaseTtlSeconds: 6,
      keepaliveIntervalMs: 3000,
      etcdTimeoutMs: 1500,
      faultAfter: 2,
      healthIntervalMs: 5000,
      healthTimeoutMs: 5000,
      healthFall: 3,
      healthRise: 1,
      arpCount: 4,
      arpIntervalMs: 1000,
      arpRefreshMs: 0,
      reconcileIntervalMs: 2000,
      handoverTimeoutMs: 2000,
      bindCheckMs: 1000,
      bindRecheckMs: 10000,
      expiryMarginMs: 1000,
      preemptDelayMs: 30_000,
      placement: 'preferred',
      linkPollMs: 500,
      faultPolicy: 'activate',
      maxEndpoints: 10_000,
      logLevel: 'info',
      inspect: false,
      holdOnStop: false,
      statusPublish: true,
      dryRun: false,
      notifyTimeoutMs: 10000,
      historyMaxRecords: 10000,
      historyMaxAgeSeconds: 604800,
      probeIntervalMs: 20,
      probePort: 1312,
      suspectAfterMs: 100,
      confirmWindowMs: 100,
      secondObserverTimeoutMs: 500,
      suspicionBackoffMs: 1000,
    });
    expect(toAgentSettings(config)).toEqual(defaultSettings);
  });

  it('takes a flag over its variable over the default, for every setting', () => {
    const samples: Record<string, [string, string]> = {
      etcd: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'],
      etcdCert: ['/etc/link/a.pem', '/etc/link/b.pem'],
      etcdKey: ['/etc/link/a.key', '/etc/link/b.key'],
      etcdCa: ['/etc/link/ca1.pem', '/etc/link/ca2.pem'],
      etcdUser: ['alice', 'bob'],
      etcdPassword: ['pw1', 'pw2'],
      interface: ['eth1', 'eth2'],
      hostname: ['h1', 'h2'],
      listen: ['0.0.0.0:1414', '127.0.0.1:1515'],
      apiHosts: ['a.example', 'b.example'],
      unauthenticatedApi: ['true', 'false'],
      apiUser: ['u1', 'u2'],
      apiPasswordFile: ['/etc/link/api1', '/etc/link/api2'],
      etcdPasswordFile: ['/etc/link/etcd1', '/etc/link/etcd2'],
      apiPassword: ['p1', 'p2'],
      tlsCert: ['/etc/link/t1.pem', '/etc/link/t2.pem'],
      tlsKey: ['/etc/link/t1.key', '/etc/link/t2.key'],
      vipRanges: ['10.0.0.0/24', 'fd00::/64'],
      leaseTtlSeconds: ['10', '20'],
      keepaliveIntervalMs: ['2', '4'],
      etcdTimeoutMs: ['900', '800'],
      faultAfter: ['3', '4'],
      healthIntervalMs: ['7', '8'],
      healthTimeoutMs: ['2', '3'],
      healthFall: ['5', '6'],
      healthRise: ['2', '3'],
      arpCount: ['2', '3'],
      arpIntervalMs: ['200', '300'],
      arpRefreshMs: ['30', '60'],
      reconcileIntervalMs: ['1', '3'],
      handoverTimeoutMs: ['500', '700'],
      bindCheckMs: ['0', '300'],
      bindRecheckMs: ['5', '20'],
      expiryMarginMs: ['400', '600'],
      preemptDelayMs: ['10', '20'],
      placement: ['spread', 'preferred'],
      linkPollMs: ['200', '300'],
      faultPolicy: ['hold', 'release'],
      maxEndpoints: ['10', '-1'],
      logLevel: ['debug', 'warn'],
      inspect: ['true', 'false'],
      holdOnStop: ['true', 'false'],
      statusPublish: ['false', 'true'],
      dryRun: ['true', 'false'],
      endpointsFile: ['/etc/link/a.yaml', '/etc/link/b.yaml'],
      historyMaxRecords: ['100', '0'],
      historyMaxAgeSeconds: ['3600', '86400'],
      notifyExec: ['/etc/link/notify-a', '/etc/link/notify-b'],
      notifyWebhook: ['http://hooks.example/a', 'https://hooks.example/b'],
      notifyWebhookSecret: ['s1', 's2'],
      notifyTimeoutMs: ['500', '900'],
      probeIntervalMs: ['30', '0'],
      probePort: ['1400', '1401'],
      probeAddress: ['192.0.2.1', '2001:db8::1'],
      suspectAfterMs: ['150', '200'],
      confirmWindowMs: ['50', '80'],
      secondObserverTimeoutMs: ['300', '400'],
      suspicionBackoffMs: ['500', '2000'],
    };
    expect(Object.keys(samples).sort()).toEqual(Object.keys(settings).sort());
    const required = ['--interface', 'eth0'];
    // Settings that need a partner get one, at the lowest precedence.
    const partners: Env = {
      LINK_ETCD_CERT: '/etc/link/c.pem',
      LINK_ETCD_KEY: '/etc/link/c.key',
      LINK_ETCD_USER: 'user',
      LINK_ETCD_PASSWORD: 'password',
      LINK_API_USER: 'user',
      LINK_API_PASSWORD: 'password',
      LINK_TLS_CERT: '/etc/link/t.pem',
      LINK_TLS_KEY: '/etc/link/t.key',
    };
    for (const [key, spec] of Object.entries(settings) as [keyof typeof settings, Setting][]) {
      const [flagValue, envValue] = samples[key]!;
      const flag =
        spec.arg === undefined
          ? [flagValue === 'true' ? spec.flag : `--no-${spec.flag.slice(2)}`]
          : [spec.flag, flagValue];
      // A password file stands in for its password.
      const partnersOf = Object.fromEntries(
        Object.entries(partners).filter(([name]) => `${name}_FILE` !== envOf(spec)),
      );
      const env = { ...partnersOf, [envOf(spec)]: envValue };
      const fromFlag = load([...required, ...flag], env)[key];
      const fromEnv = load(key === 'interface' ? [] : required, env)[key];
      expect(fromFlag, spec.flag).not.toEqual(fromEnv);
      // Parsed the same way, wherever it came from.
      const flagViaEnv = load(key === 'interface' ? [] : required, {
        ...partnersOf,
        [envOf(spec)]: flagValue,
      })[key];
      expect(fromFlag, spec.flag).toEqual(flagViaEnv);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(load(['--interface', 'eth0'], { LINK_LEASE_TTL: '', LINK_API_USER: '' }).leaseTtlSeconds).toBe(6);
  });

  it('names the flag and the variable in each error, with the value and where it came from', () => {
    expect(problemsOf(() => load(['--interface', 'eth0', '--lease-ttl', 'abc']))).toEqual([
      "--lease-ttl / LINK_LEASE_TTL: must be a whole number of seconds > 0, got 'abc' (from --lease-ttl)",
    ]);
    expect(problemsOf(() => load(['--interface', 'eth0'], { LINK_HEALTH_FALL: '0' }))).toEqual([
      "--health-fall / LINK_HEALTH_FALL: must be a whole number >= 1, got '0' (from LINK_HEALTH_FALL)",
    ]);
  });

  it('lists every problem at once, in table order', () => {
    const problems = problemsOf(() =>
      load(['--lease-ttl', '0', '--listen', 'nowhere'], {
        LINK_LOG_LEVEL: 'loud',
        LINK_ETCD: 'ftp://x',
        LINK_TLS_CERT: '/tmp/missing.pem',
        LINK_TLS_KEY: '/etc/link/key.pem',
      }),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      '--etcd / LINK_ETCD',
      '--interface / LINK_INTERFACE',
      '--listen / LINK_LISTEN',
      '--tls-cert / LINK_TLS_CERT',
      '--lease-ttl / LINK_LEASE_TTL',
      '--log-level / LINK_LOG_LEVEL',
    ]);
    expect(problems[1]).toBe('--interface / LINK_INTERFACE: is required');
    expect(problems[5]).toMatch(/must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'/);
  });

  it('blames the OS hostname when it is unusable', () => {
    const problems = problemsOf(() => load(['--interface', 'eth0'], {}, { osHostname: () => 'a/b' }));
    expect(problems).toEqual([
      expect.stringMatching(
        /^--hostname \/ LINK_HOSTNAME: .*got 'a\/b' \(the OS hostname: set --hostname\)$/,
      ),
    ]);
    expect(
      load(['--interface', 'eth0', '--hostname', 'ok-host'], {}, { osHostname: () => 'a/b' }).hostname,
    ).toBe('ok-host');
  });

  it('never echoes a secret', () => {
    const problems = problemsOf(() =>
      load(['--interface', 'eth0', '--api-user', 'u', '--api-password', ' ']),
    );
    expect(problems).toEqual([
      "--api-password / LINK_API_PASSWORD: must not be empty, got '***' (from --api-password)",
    ]);
  });

  it('checks settings that depend on each other', () => {
    const problems = problemsOf(() =>
      load(['--interface', 'eth0', '--lease-ttl', '4', '--keepalive-interval', '4', '--etcd-timeout', '5s'], {
        LINK_API_USER: 'admin',
        LINK_ETCD_KEY: '/etc/link/k.pem',
        LINK_EXPIRY_MARGIN: '4000',
      }),
    );
    expect(problems).toEqual([
      '--etcd-cert / LINK_ETCD_CERT: is required with --etcd-key',
      '--api-password / LINK_API_PASSWORD: is required with --api-user',
      '--keepalive-interval / LINK_KEEPALIVE_INTERVAL: must be shorter than --lease-ttl (4 s) (from --keepalive-interval)',
      '--etcd-timeout / LINK_ETCD_TIMEOUT: must be shorter than --lease-ttl (4 s) (from --etcd-timeout)',
      '--expiry-margin / LINK_EXPIRY_MARGIN: must be shorter than --lease-ttl (4 s) (from LINK_EXPIRY_MARGIN)',
    ]);
  });

  it('reads durations in the documented unit or with a suffix', () => {
    const config = load(
      ['--interface', 'eth0', '--keepalive-interval', '1500ms', '--health-interval', '0.5'],
      {
        LINK_HANDOVER_TIMEOUT: '3s',
        LINK_ARP_REFRESH: '1m',
        LINK_LEASE_TTL: '10000ms',
      },
    );
    expect(config).toMatchObject({
      keepaliveIntervalMs: 1500,
      healthIntervalMs: 500,
      handoverTimeoutMs: 3000,
      arpRefreshMs: 60_000,
      leaseTtlSeconds: 10,
    });
    for (const bad of ['-1', '0', '1.5', '6500ms', '1h', 'six']) {
      expect(problemsOf(() => load(['--interface', 'eth0'], { LINK_LEASE_TTL: bad }))[0], bad).toMatch(
        /^--lease-ttl/,
      );
    }
  });

  it('reads switches from flags, --no- flags and variables', () => {
    expect(load(['--interface', 'eth0', '--inspect', '--hold-on-stop', '--no-status-publish'])).toMatchObject(
      {
        inspect: true,
        holdOnStop: true,
        statusPublish: false,
      },
    );
    expect(load(['--interface', 'eth0'], { LINK_STATUS_PUBLISH: 'no', LINK_INSPECT: 'YES' })).toMatchObject({
      inspect: true,
      statusPublish: false,
    });
    expect(
      load(['--interface', 'eth0', '--status-publish'], { LINK_STATUS_PUBLISH: 'false' }).statusPublish,
    ).toBe(true);
    expect(problemsOf(() => load(['--interface', 'eth0'], { LINK_INSPECT: 'maybe' }))).toEqual([
      "--inspect / LINK_INSPECT: must be true or false, got 'maybe' (from LINK_INSPECT)",
    ]);
  });

  it('normalizes etcd endpoints and refuses what is not one', () => {
    const config = load([
      '--interface',
      'eth0',
      '--etcd',
      ' 10.0.0.1 , https://etcd.example:2380,[fd00::1]:2379',
    ]);
    expect(config.etcd).toEqual([
      'http://10.0.0.1:2379',
      'https://etcd.example:2380',
      'http://[fd00::1]:2379',
    ]);
    for (const bad of ['ftp://x:1', ',', 'http://x:2379/path', 'http://u:p@x:1', 'http://']) {
      expect(problemsOf(() => load(['--interface', 'eth0', '--etcd', bad]))[0], bad).toMatch(
        /^--etcd \/ LINK_ETCD/,
      );
    }
  });

  it('reads listen addresses', () => {
    const listen = (value: string) => load(['--interface', 'eth0', '--listen', value]).listen;
    expect(listen('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(listen('[::1]:1313')).toEqual({ host: '::1', port: 1313 });
    expect(listen(':1313')).toEqual({ host: '0.0.0.0', port: 1313 });
    expect(listen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    for (const bad of ['1313', '127.0.0.1', '127.0.0.1:70000', '::1:1313', 'a b:1']) {
      expect(problemsOf(() => load(['--interface', 'eth0', '--listen', bad]))[0], bad).toMatch(/^--listen/);
    }
  });

  it('validates interface and host names', () => {
    for (const bad of ['a/b', 'averyveryverylongname', '..', 'eth 0']) {
      expect(problemsOf(() => load(['--interface', bad]))[0], bad).toMatch(/^--interface/);
    }
    for (const bad of ['-host', 'host-', 'a/b', 'h h', 'x'.repeat(254)]) {
      expect(problemsOf(() => load(['--interface', 'eth0', '--hostname', bad]))[0], bad).toMatch(
        /^--hostname/,
      );
    }
  });

  it('checks that certificate files exist', () => {
    expect(
      problemsOf(() =>
        load(['--interface', 'eth0', '--tls-cert', '/nope/c.pem', '--tls-key', '/etc/link/k.pem']),
      ),
    ).toEqual(["--tls-cert / LINK_TLS_CERT: must be a readable file, got '/nope/c.pem' (from --tls-cert)"]);
  });

  it('answers --help and --version with ConfigExit', () => {
    let help: unknown;
    try {
      load(['--help']);
    } catch (error) {
      help = error;
    }
    expect(help).toBeInstanceOf(ConfigExit);
    const output = (help as ConfigExit).output;
    for (const spec of Object.values(settings) as Setting[]) {
      expect(output).toContain(spec.flag);
      expect(output).toContain(envOf(spec));
    }
    expect(() => load(['--version'], {}, { version: '1.2.3' })).toThrow(ConfigExit);
    try {
      load(['-V'], {}, { version: '1.2.3' });
    } catch (error) {
      expect((error as ConfigExit).output.trim()).toBe('1.2.3');
    }
  });

  it('refuses unknown flags, stray arguments and missing values', () => {
    expect(problemsOf(() => load(['--interface', 'eth0', '--lease-tll', '5']))[0]).toMatch(
      /unknown option '--lease-tll'/,
    );
    expect(problemsOf(() => load(['--interface', 'eth0', 'extra']))[0]).toMatch(
      /too many arguments|unexpected/i,
    );
    expect(problemsOf(() => load(['--interface']))[0]).toMatch(/argument missing/);
  });
});

describe('unknownEnv', () => {
  it('lists LINK_* variables that no setting reads', () => {
    expect(unknownEnv({ LINK_LEASETTL: '5', LINK_LEASE_TTL: '5', LINK_HOST: 'x', PATH: '/bin' })).toEqual([
      'LINK_LEASETTL',
    ]);
  });
});

describe('the settings table', () => {
  const specs = Object.values(settings) as Setting[];

  it('has one flag and one variable per setting', () => {
    expect(new Set(specs.map((s) => s.flag)).size).toBe(specs.length);
    expect(new Set(specs.map(envOf)).size).toBe(specs.length);
    for (const spec of specs) expect(envOf(spec)).toMatch(/^LINK_[A-Z_]+$/);
  });

  it('documents a default for every setting that is neither required nor optional', () => {
    for (const spec of specs) {
      const bare = spec.schema.safeParse(undefined);
      if (spec.required) expect(bare.success, spec.flag).toBe(false);
      else if (spec.default === undefined && spec.defaultDoc === undefined)
        expect(bare.success, spec.flag).toBe(true);
      else if (spec.default !== undefined)
        expect(spec.schema.safeParse(spec.default).success, spec.flag).toBe(true);
    }
  });

  it('matches the README configuration section (run `npm run docs:config` to update it)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readConfigTable(readme)).toBe(renderConfigTable());
  });

  it('rewrites only the marked section', () => {
    const readme = 'intro\n<!-- config-table:start -->\nold\n<!-- config-table:end -->\noutro\n';
    const updated = writeConfigTable(readme, '| new |');
    expect(updated).toBe('intro\n<!-- config-table:start -->\n| new |\n<!-- config-table:end -->\noutro\n');
    expect(() => writeConfigTable('no markers')).toThrow(/config-table:start/);
  });
});

describe('toEtcdConnection', () => {
  it('passes endpoints, deadline, TLS files and credentials', () => {
    const config = load(['--interface', 'eth0', '--etcd', 'https://e1:2379,https://e2:2379'], {
      LINK_ETCD_CA: '/etc/link/ca.pem',
      LINK_ETCD_USER: 'link',
      LINK_ETCD_PASSWORD: 'pw',
      LINK_ETCD_TIMEOUT: '900',
    });
    expect(toEtcdConnection(config)).toEqual({
      endpoints: ['https://e1:2379', 'https://e2:2379'],
      callTimeoutMs: 900,
      tls: { ca: '/etc/link/ca.pem' },
      auth: { user: 'link', password: 'pw' },
    });
    expect(toEtcdConnection(load(['--interface', 'eth0']))).toEqual({
      endpoints: ['http://127.0.0.1:2379'],
      callTimeoutMs: 1500,
    });
  });
});

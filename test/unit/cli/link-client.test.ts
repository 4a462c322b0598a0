import { execFile } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { AuthThrottle } from '../../../src/api/auth-throttle.js';
import { type RunningServer, serveApp } from '../../../src/api/serve.js';
import { runClient } from '../../../src/cli/client/program.js';
import { FakeAgent } from '../../fakes/fake-agent.js';

const auth = { user: 'admin', password: 'pw' };
let agent: FakeAgent;
let server: RunningServer;
let host: string;

beforeAll(async () => {
  agent = new FakeAgent({ hostname: 'h1', peers: ['h2'], version: '3.9.0' });
  // No slow-down after the wrong-password cases: they are followed by right ones from the same address.
  const authThrottle = new AuthThrottle({ baseMs: 0 });
  server = await serveApp(createApp({ agent, auth, authThrottle }), {
    listen: { host: '127.0.0.1', port: 0 },
  });
  host = `127.0.0.1:${server.port}`;
});
afterAll(() => server.close());
beforeEach(() => {
  agent.endpoints.clear();
  agent.shuttingDown = false;
});

/** A port nothing listens on (fetch refuses well-known ports such as 1 outright). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runClient(
    args,
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    },
    { LINK_HOST: host, LINK_API_USER: auth.user, LINK_API_PASSWORD: auth.password, ...env },
  );
  return { code, stdout, stderr };
}

describe('link-client', () => {
  it('creates an endpoint with --ip and repeatable --health-check', async () => {
    const run = await cli([
      'create',
      '--ip',
      '10.0.0.100/32',
      '--health-check',
      'TCP 10.0.0.5:5432',
      '--health-check',
      'HTTP web:8080/health 200-299',
      '--health-check-interval',
      '7',
      '--fault-policy',
      'release',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [view] = [...agent.endpoints.values()];
    expect(run.stdout).toBe(`Endpoint ${view!.id} (10.0.0.100_32) successfully added\n`);
    expect(view).toMatchObject({
      ip: '10.0.0.100/32',
      healthcheck_interval: 7,
      fault_policy: 'release',
      checks: [
        { type: 'TCP', host: '10.0.0.5', port: 5432 },
        { type: 'HTTP', host: 'web', port: 8080, path: '/health', expectStatus: [200, 299] },
      ],
    });
  });

  it('lists endpoints as a plain table, or says there are none', async () => {
    expect((await cli(['list'])).stdout).toBe('No endpoints configured.\n');
    const a = agent.seed({ ip: '10.0.0.1/32', checks: [{ type: 'TCP', host: 'db', port: 5432 }] });
    agent.setStatus(a.id, 'ACTIVATED');
    agent.seed({ ip: '10.0.0.2/32' });
    const { code, stdout } = await cli(['list']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+IP\s+ELECTION KEY\s+STATUS\s+HOLDER\s+PLUGIN\s+CHECKS$/);
    expect(lines[1]).toMatch(/^-+ +-+/);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${a.id}\\s+10\\.0\\.0\\.1/32\\s+10\\.0\\.0\\.1_32\\s+ACTIVATED\\s+h1\\s+arp\\s+TCP - db:5432$`,
      ),
    );
    expect(lines[3]).toMatch(/10\.0\.0\.2_32\s+STANDBY\s+-\s+arp\s+None$/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('prints raw JSON with --json, before or after the command', async () => {
    const a = agent.seed({ ip: '10.0.0.1/32' });
    for (const args of [
      ['--json', 'list'],
      ['list', '--json'],
    ]) {
      const { code, stdout } = await cli(args);
      expect(code).toBe(0);
      expect(JSON.parse(stdout).endpoints[0].id).toBe(a.id);
    }
    expect(JSON.parse((await cli(['show', a.id, '--json'])).stdout).endpoint.id).toBe(a.id);
    expect(JSON.parse((await cli(['version', '--json'])).stdout)).toEqual({
      client: expect.any(String),
      server: '3.9.0',
    });
  });

  it('shows an endpoint with its hosts, by positional id or any id flag', async () => {
    const a = agent.seed({ ip: '10.0.0.1/32', checks: [{ type: 'TCP', host: 'db', port: 5432 }] });
    for (const args of [
      ['show', a.id],
      ['get', '--endpoint-id', a.id],
      ['show', '--id', a.id],
      ['get', '--endpoint', a.id],
    ]) {
      const { code, stdout } = await cli(args);
      expect(code, args.join(' ')).toBe(0);
      expect(stdout).toContain(`ID:             ${a.id}`);
      expect(stdout).toContain('Election Key:   10.0.0.1_32');
      expect(stdout).toContain('Checks:         TCP - db:5432');
      expect(stdout).toMatch(/Hosts:\n {2}- h1\n {2}- h2\n$/);
    }
  });

  it('destroys, fails over and replaces checks', async () => {
    const a = agent.seed({ ip: '10.0.0.1/32', checks: [{ type: 'TCP', host: 'db', port: 1 }] });
    expect(await cli(['set-health-checks', a.id, '--health-check', 'TCP db:2'])).toMatchObject({
      code: 0,
      stdout: 'Health checks updated: TCP - db:2\n',
    });
    expect((await cli(['set-health-checks', '--endpoint-id', a.id])).stdout).toBe(
      'Health checks updated: None\n',
    );
    expect(agent.endpoints.get(a.id)?.checks).toEqual([]);
    agent.setStatus(a.id, 'ACTIVATED');
    expect(await cli(['failover', a.id])).toMatchObject({
      code: 0,
      stdout: 'Endpoint failover triggered.\n',
    });
    expect(await cli(['delete', '--id', a.id])).toMatchObject({ code: 0, stdout: 'Endpoint destroyed.\n' });
    expect(agent.endpoints.size).toBe(0);
    expect(await cli(['destroy', a.id, '--json'])).toMatchObject({ code: 1 });
  });

  it('prints both versions', async () => {
    const { code, stdout } = await cli(['version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Client version: \S+\nServer version: 3\.9\.0\n$/);
  });

  it('exits 1 with the API message on any API error', async () => {
    const unknown = 'vip-00000000-0000-4000-8000-000000000000';
    expect(await cli(['show', unknown])).toMatchObject({
      code: 1,
      stderr: `Error: endpoint ${unknown} not found\n`,
    });
    expect(await cli(['failover', 'nope'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/invalid endpoint ID/),
    });
    const a = agent.seed({ ip: '10.0.0.1/32' });
    expect((await cli(['failover', a.id])).stderr).toMatch(/^Error: this host does not hold/);
    const invalid = await cli(['create', '--ip', '10.0.0.1', '--health-check', 'TCP db:70000']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^Error: invalid request: plugin_config\.ip: .*; checks\.0\.port: /);
    expect((await cli(['create', '--ip', '10.0.0.1/32'])).stderr).toMatch(/already configured/);
    agent.shuttingDown = true;
    expect((await cli(['create', '--ip', '10.0.0.9/32'])).stderr).toMatch(/shutting down/);
  });

  it('exits 1 on wrong or missing credentials', async () => {
    expect(await cli(['list'], { LINK_API_PASSWORD: 'bad' })).toMatchObject({
      code: 1,
      stderr: 'Error: invalid credentials\n',
    });
    expect(
      await cli(['list', '-u', 'admin', '-p', 'pw'], { LINK_API_USER: '', LINK_API_PASSWORD: '' }),
    ).toMatchObject({
      code: 0,
    });
    expect(await cli(['list'], { LINK_API_USER: '', LINK_API_PASSWORD: '' })).toMatchObject({
      code: 1,
      stderr: 'Error: authentication required\n',
    });
  });

  it('accepts --host as host:port or URL, over LINK_HOST', async () => {
    for (const value of [host, `http://${host}`, `http://${host}/`]) {
      expect((await cli(['--host', value, 'list'], { LINK_HOST: 'nowhere.invalid:1' })).code, value).toBe(0);
    }
    const closed = await closedPort();
    const refused = await cli(['list'], { LINK_HOST: `127.0.0.1:${closed}` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`^Error: cannot reach LinK at http://127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED`),
    );
    expect(await cli(['--host', 'ftp://x', 'list'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/invalid --host/),
    });
  });

  it('exits 2 on command-line mistakes', async () => {
    expect((await cli(['show'])).code).toBe(2);
    expect((await cli(['create'])).code).toBe(2);
    expect((await cli(['create', '--ip', '10.0.0.1/32', '--health-check', 'TCP db'])).code).toBe(2);
    expect((await cli(['create', '--ip', '10.0.0.1/32', '--fault-policy', 'yolo'])).code).toBe(2);
    expect((await cli(['create', '--ip', '10.0.0.1/32', '--health-check-interval', 'x'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect(agent.endpoints.size).toBe(0);
  });

  it('runs from bin/link-client.js', async () => {
    agent.seed({ ip: '10.0.0.1/32' });
    const bin = new URL('../../../bin/link-client.js', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, '--host', `http://${host}`, '-u', 'admin', '-p', 'pw', 'list'],
      {
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(stdout).toMatch(/10\.0\.0\.1_32/);
    const failed = await promisify(execFile)(process.execPath, [bin, '--host', host, 'list'], {
      env: { PATH: process.env.PATH ?? '' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: 'Error: authentication required\n' });
  });
});

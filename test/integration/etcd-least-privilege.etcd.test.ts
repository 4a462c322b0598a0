/**
 * Least privilege in etcd: a real etcd with authentication on, a role limited to LinK's key prefix
 * (`/link/`), and a real linkd (dry run) using it with the password from an owner-only file. A role
 * that lacks part of the prefix gets an error naming the key.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../lab/agents.js';
import { type EtcdServer, startEtcd } from '../support/etcd-server.js';
import { LoopbackAgent } from '../support/loopback-agent.js';

const run = promisify(execFile);

describe('an etcd role limited to /link/', () => {
  let etcd: EtcdServer;
  let dir: string;
  const agents: LoopbackAgent[] = [];
  const etcdctl = (...args: string[]) =>
    run('etcdctl', ['--endpoints', etcd.url, ...args], { env: { PATH: process.env.PATH, ETCDCTL_API: '3' } });
  const passwordFile = (name: string, password: string) => {
    const path = join(dir, name);
    writeFileSync(path, `${password}\n`);
    chmodSync(path, 0o600);
    return path;
  };

  beforeAll(async () => {
    etcd = await startEtcd();
    dir = mkdtempSync(join(tmpdir(), 'link-etcd-role-'));
    // What the README's Security section tells operators to run.
    await etcdctl('user', 'add', 'root:root-secret');
    await etcdctl('role', 'add', 'link');
    await etcdctl('role', 'grant-permission', 'link', '--prefix=true', 'readwrite', '/link/');
    await etcdctl('user', 'add', 'link:link-secret');
    await etcdctl('user', 'grant-role', 'link', 'link');
    // A role missing the endpoint records: reads LinK's keys, writes only locks and status.
    await etcdctl('role', 'add', 'narrow');
    await etcdctl('role', 'grant-permission', 'narrow', '--prefix=true', 'read', '/link/');
    for (const prefix of ['/link/default/', '/link/status/', '/link/liveness/', '/link/ips/']) {
      await etcdctl('role', 'grant-permission', 'narrow', '--prefix=true', 'readwrite', prefix);
    }
    await etcdctl('user', 'add', 'narrow:narrow-secret');
    await etcdctl('user', 'grant-role', 'narrow', 'narrow');
    await etcdctl('auth', 'enable');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.kill()));
    await etcd?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is enough for the agent: it stores, elects and binds', async () => {
    const agent = new LoopbackAgent('least', {
      LINK_ETCD_USER: 'link',
      LINK_ETCD_PASSWORD_FILE: passwordFile('link-password', 'link-secret'),
    });
    agents.push(agent);
    await agent.start(etcd.url);
    const created = await agent.api<{ endpoint: { id: string } }>('POST', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip: '10.77.19.1/32' },
    });
    expect(created.status).toBe(201);
    await eventually(
      async () => (await agent.endpoints())[0]?.status === 'ACTIVATED',
      20_000,
      'the VIP ACTIVATED with the prefix role',
    );
    const stored = await etcdctl(
      '--user',
      'root:root-secret',
      'get',
      '--prefix',
      '--keys-only',
      '/link/hosts/least/',
    );
    expect(stored.stdout).toContain(`/link/hosts/least/${created.body.endpoint.id}`);
  }, 120_000);

  it('a role without the endpoint records gets an error naming the key', async () => {
    const agent = new LoopbackAgent('narrow', {
      LINK_ETCD_USER: 'narrow',
      LINK_ETCD_PASSWORD_FILE: passwordFile('narrow-password', 'narrow-secret'),
    });
    agents.push(agent);
    await agent.start(etcd.url);
    const created = await agent.api<{ error: string }>('POST', '/endpoints', {
      plugin: 'arp',
      plugin_config: { ip: '10.77.19.2/32' },
    });
    expect(created.status).toBe(500);
    expect(created.body.error).toMatch(
      /etcd permission denied: put(_batch)? on \/link\/hosts\/narrow\/vip-[0-9a-f-]+; the etcd user's role needs readwrite on the \/link\/ prefix/,
    );
    expect(await agent.endpoints()).toEqual([]);
  }, 120_000);
});

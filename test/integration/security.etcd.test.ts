/**
 * A real linkd (dry run) and a real etcd: the addresses it refuses to take, and the exposure it
 * refuses to start with.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited } from '../lab/processes.js';
import { type EtcdServer, freePort, startEtcd } from '../support/etcd-server.js';
import { LoopbackAgent } from '../support/loopback-agent.js';

const REPO = join(import.meta.dirname, '../..');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const body = (ip: string) => ({ plugin: 'arp', plugin_config: { ip }, checks: [] });

describe('VIP ranges on a real agent', () => {
  let etcd: EtcdServer | undefined;
  const agent = new LoopbackAgent('ranges', { LINK_VIP_RANGES: '10.77.17.0/24' });

  beforeAll(async () => {
    etcd = await startEtcd();
    await agent.start(etcd.url);
  }, 90_000);
  afterAll(async () => {
    await agent.kill();
    await etcd?.destroy();
  });

  it('answers 422 naming the range for an address outside it, and for 127.0.0.1/32', async () => {
    const outside = await agent.api('POST', '/endpoints', body('10.77.18.1/32'));
    expect(outside).toEqual({
      status: 422,
      body: {
        errors: {
          'plugin_config.ip': ['10.77.18.1 is outside the allowed VIP ranges 10.77.17.0/24 (--vip-ranges)'],
        },
      },
    });
    const loopback = await agent.api('POST', '/endpoints', body('127.0.0.1/32'));
    expect(loopback).toEqual({
      status: 422,
      body: { errors: { 'plugin_config.ip': ['127.0.0.1 is a loopback address, never a virtual IP'] } },
    });
    const legacy = await agent.api('POST', '/ips', { ip: '10.77.18.2/32' });
    expect(legacy.status).toBe(422);
    expect(await agent.endpoints()).toEqual([]);
  });

  it('creates an endpoint inside the range', async () => {
    expect((await agent.api('POST', '/endpoints', body('10.77.17.5/32'))).status).toBe(201);
    expect((await agent.endpoints()).map((endpoint) => endpoint.ip)).toEqual(['10.77.17.5/32']);
  });
});

describe('an API open to the network', () => {
  it('exits 1 at start on 0.0.0.0 without credentials, naming the flags', async () => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, 'src/cli/linkd.ts'], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LINK_INTERFACE: 'lo',
        LINK_DRY_RUN: 'true',
        // Nothing listens there: linkd must stop before it tries etcd.
        LINK_ETCD: `http://127.0.0.1:${await freePort()}`,
        LINK_LISTEN: `0.0.0.0:${await freePort()}`,
      },
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const done = exited(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await done;
    clearTimeout(timer);
    expect(child.exitCode).toBe(1);
    expect(stderr).toMatch(
      /^linkd: --listen \/ LINK_LISTEN 0\.0\.0\.0:\d+ is not a loopback address and the API has no credentials: set --api-user and --api-password .* or pass --unauthenticated-api/,
    );
  }, 40_000);
});

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransitionRecord } from '../../../src/agent/agent-service.js';
import { ExecHook } from '../../../src/notify/exec-hook.js';
import { signWebhook, WebhookHook } from '../../../src/notify/webhook-hook.js';
import { isRunning } from '../../lab/processes.js';

const RECORD: TransitionRecord = {
  at: Date.parse('2026-12-07T08:00:00Z'),
  endpointId: 'vip-00000000-0000-0000-0000-000000000001',
  electionKey: '10.0.0.1_32',
  ip: '10.0.0.1/32',
  holder: 'node-1',
  hostname: 'node-1',
  from: 'STANDBY',
  to: 'ACTIVATED',
  event: 'elected',
  cause: 'this host holds the lock (fencing token 7)',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'link-hooks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('ExecHook', () => {
  it('gives the transition in LINK_* variables and nothing else of the agent environment but PATH', async () => {
    const out = join(dir, 'env.out');
    process.env.LINK_API_PASSWORD = 'secret-of-the-agent';
    try {
      const hook = new ExecHook({ path: script('env.sh', `env > ${out}`), timeoutMs: 5000 });
      const outcome = await hook.run(RECORD);
      expect(outcome).toMatchObject({ result: 'ok', status: 0 });
    } finally {
      delete process.env.LINK_API_PASSWORD;
    }
    const env = Object.fromEntries(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      LINK_ENDPOINT_ID: RECORD.endpointId,
      LINK_IP: '10.0.0.1/32',
      LINK_OLD_STATE: 'STANDBY',
      LINK_NEW_STATE: 'ACTIVATED',
      LINK_HOLDER: 'node-1',
      LINK_CAUSE: RECORD.cause,
      LINK_EVENT: 'elected',
      LINK_AT: '2026-12-07T08:00:00.000Z',
    });
    expect(env.LINK_API_PASSWORD).toBeUndefined();
  });

  it('reports a non-zero exit status with the end of the output', async () => {
    const hook = new ExecHook({
      path: script('fail.sh', 'echo "no route to backend" >&2; exit 3'),
      timeoutMs: 5000,
    });
    expect(await hook.run(RECORD)).toMatchObject({
      result: 'failed',
      status: 3,
      detail: 'no route to backend',
    });
  });

  it('kills a hook and what it started at the time limit', async () => {
    const pidFile = join(dir, 'child.pid');
    const hook = new ExecHook({
      path: script('hang.sh', `sleep 30 & echo $! > ${pidFile}; wait`),
      timeoutMs: 300,
    });
    const outcome = await hook.run(RECORD);
    expect(outcome.result).toBe('timeout');
    expect(outcome.durationMs).toBeLessThan(5000);
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    // The backgrounded sleep belonged to the hook's process group: it is gone too (a zombie at most).
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      alive = isRunning(sleeper);
      if (alive) await new Promise((r) => setTimeout(r, 20));
    }
    expect(alive).toBe(false);
  });

  it('reports a missing executable as an error', async () => {
    const hook = new ExecHook({ path: join(dir, 'absent'), timeoutMs: 1000 });
    expect((await hook.run(RECORD)).result).toBe('error');
  });
});

describe('WebhookHook', () => {
  let server: Server;
  let url: string;
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  let answer = 204;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (req.url === '/slow') return; // never answers
        res.writeHead(answer, answer === 302 ? { location: 'http://127.0.0.1:1/' } : {}).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("posts LinK's body fields, signed as LinK v3.3 signs them", async () => {
    answer = 204;
    const hook = new WebhookHook({ url: `${url}/hook`, secret: 's3cret', timeoutMs: 2000 });
    expect(await hook.run(RECORD)).toMatchObject({ result: 'ok', status: 204 });
    const last = received.at(-1) as (typeof received)[number];
    expect(JSON.parse(last.body)).toMatchObject({
      endpoint_id: RECORD.endpointId,
      plugin: 'webhook',
      status: 'ACTIVATED',
      old_status: 'STANDBY',
      ip: '10.0.0.1/32',
      holder: 'node-1',
    });
    const ts = String(last.headers['x-link-webhook-timestamp']);
    expect(last.headers['x-link-webhook-signature']).toBe(signWebhook('s3cret', ts, last.body));
  });

  it('counts a redirect or an error status as failed, and a silent receiver as a timeout', async () => {
    answer = 302;
    expect((await new WebhookHook({ url, timeoutMs: 2000 }).run(RECORD)).result).toBe('failed');
    answer = 500;
    expect(await new WebhookHook({ url, timeoutMs: 2000 }).run(RECORD)).toMatchObject({
      result: 'failed',
      status: 500,
    });
    expect((await new WebhookHook({ url: `${url}/slow`, timeoutMs: 200 }).run(RECORD)).result).toBe(
      'timeout',
    );
  });
});

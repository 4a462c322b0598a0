import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { type RunningServer, serveApp } from '../../../src/api/serve.js';
import { runClient } from '../../../src/cli/client/program.js';
import { FakeAgent } from '../../fakes/fake-agent.js';

let agent: FakeAgent;
let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'link-bulk-'));

beforeAll(async () => {
  agent = new FakeAgent({ hostname: 'h1', maxEndpoints: 0 });
  server = await serveApp(createApp({ agent }), { listen: { host: '127.0.0.1', port: 0 } });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => agent.endpoints.clear());

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runClient(
    args,
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
    },
    { LINK_HOST: `127.0.0.1:${server.port}` },
  );
  return { code, stdout, stderr };
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const create = (ip: string) => ({ plugin: 'arp', plugin_config: { ip }, checks: [] });

describe('link-client bulk and list filters', () => {
  it('applies a bulk file and says what it did', async () => {
    const doomed = agent.seed({ ip: '10.0.0.1/32' });
    const path = file('ok.json', {
      create: [create('10.0.0.2/32'), create('10.0.0.3/32')],
      delete: [doomed.id],
    });
    const run = await cli(['bulk', path]);
    expect(run).toMatchObject({ code: 0, stdout: 'Created 2, updated 0, deleted 1 endpoints.\n' });
    expect(agent.endpoints.size).toBe(2);
  });

  it('--dry-run checks only', async () => {
    const run = await cli(['bulk', '--dry-run', file('dry.json', { create: [create('10.0.0.2/32')] })]);
    expect(run.stdout).toBe('Valid: would create 1, update 0, delete 0 endpoints.\n');
    expect(agent.endpoints.size).toBe(0);
  });

  it('exits 1 with every problem named, 2 for a file that is not JSON', async () => {
    agent.seed({ ip: '10.0.0.1/32' });
    const refused = await cli([
      'bulk',
      file('bad.json', { create: [create('10.0.0.1/32'), create('nope')] }),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/create\.0\.plugin_config\.ip: IP 10\.0\.0\.1\/32 is already configured/);
    expect(refused.stderr).toMatch(/create\.1\.plugin_config\.ip:/);
    const notJson = await cli(['bulk', file('x.json', '{')]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/cannot read .*x\.json as JSON/);
  });

  it('lists with filters and pages', async () => {
    for (let i = 1; i <= 5; i++) agent.seed({ ip: `10.0.${i % 2}.${i}/32` });
    const page = await cli(['list', '--ip', '10.0.1.0/24', '--limit', '2']);
    expect(page.code).toBe(0);
    expect(page.stdout).toMatch(/2 of 3 matching; next page: --cursor vip-/);
    const wrong = await cli(['list', '--state', 'UP']);
    expect(wrong).toMatchObject({ code: 1 });
    expect(wrong.stderr).toMatch(/state: unknown UP/);
  });
});

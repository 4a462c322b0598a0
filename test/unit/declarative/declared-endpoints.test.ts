import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createApp } from '../../../src/api/app.js';
import { type RunningServer, serveApp } from '../../../src/api/serve.js';
import { runClient } from '../../../src/cli/client/program.js';
import { DeclaredEndpoints } from '../../../src/declarative/declared-endpoints.js';
import { applyEndpointsFile } from '../../../src/declarative/endpoints-file.js';
import { keys } from '../../../src/model/keys.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeAgent } from '../../fakes/fake-agent.js';
import { FakeEtcd } from '../../fakes/fake-coordination.js';

const dir = mkdtempSync(join(tmpdir(), 'link-declared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const FILE_AB = ['endpoints:', '  - ip: 10.0.0.1/32', '  - ip: 10.0.0.2/32', '    healthcheck_interval: 5'];

let agent: FakeAgent;
let etcd: FakeEtcd;
let declared: DeclaredEndpoints;
beforeEach(() => {
  agent = new FakeAgent({ hostname: 'h1' });
  etcd = new FakeEtcd(new SimulatedClock());
  declared = new DeclaredEndpoints({
    agent,
    kv: etcd.port().kv,
    defaultFaultPolicy: 'activate',
    logger: silentLogger,
  });
});

const applies = () =>
  agent.calls.filter((c) => c.method === 'apply' && !(c.args[1] as { dryRun?: boolean }).dryRun);

describe('DeclaredEndpoints', () => {
  it('applies a file once: the same file again changes nothing and writes nothing', async () => {
    expect(await applyEndpointsFile(file('ab.yaml', FILE_AB), declared, silentLogger)).toBe(true);
    expect([...agent.endpoints.values()].map((v) => v.ip).sort()).toEqual(['10.0.0.1/32', '10.0.0.2/32']);
    expect(JSON.parse((await etcd.port().kv.get(keys.declared('h1'))) as string)).toEqual({
      keys: ['10.0.0.1_32', '10.0.0.2_32'],
    });
    const ids = [...agent.endpoints.keys()];
    const writes = etcd.revision;
    const again = await declared.apply(
      [
        { ip: '10.0.0.1/32', checks: [], healthcheckInterval: 0 },
        { ip: '10.0.0.2/32', checks: [], healthcheckInterval: 5 },
      ],
      { source: 'test' },
    );
    expect(again.plan.unchanged).toHaveLength(2);
    expect(applies()).toHaveLength(1);
    expect(etcd.revision).toBe(writes);
    expect([...agent.endpoints.keys()]).toEqual(ids);
  });

  it('deletes what it applied and the file dropped, never an endpoint created through the API', async () => {
    await applyEndpointsFile(file('ab2.yaml', FILE_AB), declared, silentLogger);
    const manual = await agent.create({
      ip: '10.0.0.9/32',
      checks: [],
      healthcheckInterval: 0,
      faultPolicy: 'hold',
    });
    const result = await declared.apply([{ ip: '10.0.0.1/32', checks: [], healthcheckInterval: 0 }], {
      source: 'test',
    });
    expect(result.plan.delete.map((c) => c.ip)).toEqual(['10.0.0.2/32']);
    expect([...agent.endpoints.values()].map((v) => v.ip).sort()).toEqual(['10.0.0.1/32', '10.0.0.9/32']);
    expect(agent.endpoints.has(manual.id)).toBe(true);
  });

  it('changes nothing for a file with an error', async () => {
    await applyEndpointsFile(file('ab3.yaml', FILE_AB), declared, silentLogger);
    const before = JSON.stringify([...agent.endpoints.values()]);
    const bad = file('bad.yaml', [
      'endpoints:',
      '  - ip: 10.0.0.1/32',
      '  - ip: 10.0.0.3/32',
      '    checks: [{type: TCP, host: x}]',
    ]);
    expect(await applyEndpointsFile(bad, declared, silentLogger)).toBe(false);
    const policy = file('policy.yaml', ['endpoints:', '  - ip: 10.0.0.1/32', '    fault_policy: release']);
    expect(await applyEndpointsFile(policy, declared, silentLogger)).toBe(false);
    expect(await applyEndpointsFile(join(dir, 'absent.yaml'), declared, silentLogger)).toBe(false);
    expect(JSON.stringify([...agent.endpoints.values()])).toBe(before);
    expect(applies()).toHaveLength(1);
  });
});

describe('link-client apply and POST /endpoints/apply', () => {
  let server: RunningServer;
  const cli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (t: string) => {
        stdout += t;
      },
      stderr: (t: string) => {
        stderr += t;
      },
    };
    const code = await runClient(args, io, { LINK_HOST: `127.0.0.1:${server.port}` });
    return { code, stdout, stderr };
  };
  beforeEach(async () => {
    server = await serveApp(createApp({ agent, declared }), { listen: { host: '127.0.0.1', port: 0 } });
    return () => server.close();
  });

  it('prints the plan on --dry-run and changes nothing, then applies it', async () => {
    await agent.create({ ip: '10.0.0.2/32', checks: [], healthcheckInterval: 0, faultPolicy: 'activate' });
    const path = file('cli.yaml', FILE_AB);
    const dry = await cli(['apply', '-f', path, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^create\s+10\.0\.0\.1\/32/m);
    expect(dry.stdout).toMatch(/^update\s+10\.0\.0\.2\/32\s+vip-\S+ \(healthcheck_interval\)/m);
    expect(dry.stdout).toContain(
      'Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged (dry run: nothing changed)',
    );
    expect(agent.endpoints.size).toBe(1);
    const real = await cli(['apply', '-f', path]);
    expect(real.stdout).toContain('Applied: 1 to create, 1 to update');
    expect(agent.endpoints.size).toBe(2);
    expect((await cli(['apply', '-f', path, '--dry-run'])).stdout).toContain(
      '0 to create, 0 to update, 0 to delete, 2 unchanged',
    );
  });

  it('names the line and field of a file error, locally and from the agent', async () => {
    const local = await cli(['apply', '-f', file('e1.yaml', ['endpoints:', '  - ip: 10.0.0.1/33'])]);
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('e1.yaml:2:');
    expect(local.stderr).toContain('endpoints.0.ip');
    await agent.create({ ip: '10.0.0.1/32', checks: [], healthcheckInterval: 0, faultPolicy: 'activate' });
    const remote = await cli([
      'apply',
      '-f',
      file('e2.yaml', ['endpoints:', '  - ip: 10.0.0.1/32', '    fault_policy: hold']),
    ]);
    expect(remote.code).toBe(1);
    expect(remote.stderr).toMatch(/e2\.yaml:3:\d+: endpoints\.0\.fault_policy: .*cannot change in place/);
  });

  it('answers 422 with the field for a bad body', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/endpoints/apply`, {
      method: 'POST',
      body: JSON.stringify({
        endpoints: [{ ip: '10.0.0.1/32', checks: [{ type: 'TCP', host: 'h', port: 0 }] }],
      }),
    });
    expect(res.status).toBe(422);
    expect(Object.keys(((await res.json()) as { errors: object }).errors)).toEqual([
      'endpoints.0.checks.0.port',
    ]);
  });
});

/**
 * Notify hooks, declarative endpoints and the durable history with real linkd agents in the
 * namespace lab (real etcd, real binds, a client probing a VIP every 20 ms): hooks run in order
 * with the transition in their environment and a hanging hook does not delay a failover; a reload
 * of the endpoints file with a diff leaves the VIP that stays untouched; the history of a host is
 * read after that host crashed and its lease expired.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointView, TransitionRecord } from '../../src/agent/agent-service.js';
import { boundOn, eventually, type LabAgent, startAgents } from '../lab/agents.js';
import type { Backend } from '../lab/backend.js';
import type { LabEtcd } from '../lab/etcd.js';
import { createLab, type Lab } from '../lab/lab.js';
import { runLinkClient } from '../lab/link-client-process.js';
import type { ProbeLoop } from '../lab/probe-loop.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn('test/integration/operate-config.netns.test.ts skipped: network namespaces need root');

const VIP1 = '10.77.0.71';
const VIP2 = '10.77.0.72';
const VIP3 = '10.77.0.73';
const PORT = 8080;
const HOOK_TIMEOUT_MS = 20_000;
const HEALTH = { LINK_HEALTH_INTERVAL: '1', LINK_HEALTH_TIMEOUT: '1', LINK_HEALTH_FALL: '2' };

const endpointsYaml = (ips: string[]) =>
  [
    'endpoints:',
    ...ips.flatMap((ip) => [
      `  - ip: ${ip}/32`,
      '    checks:',
      `      - {type: TCP, host: 127.0.0.1, port: ${PORT}}`,
    ]),
    '',
  ].join('\n');

describe.skipIf(!isRoot)('hooks, endpoints file and durable history (root)', () => {
  let lab: Lab;
  let etcd: LabEtcd;
  let agents: LabAgent[];
  let loop: ProbeLoop;
  const backends = new Map<string, Backend>();
  const dir = mkdtempSync(join(tmpdir(), 'link-opcfg-'));

  const fileOf = (host: string) => join(dir, `endpoints-${host}.yaml`);
  const hookLog = (host: string) => {
    try {
      return readFileSync(join(dir, `hooks-${host}.log`), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean);
    } catch {
      return [];
    }
  };
  const writeEndpoints = (ips: string[]) => {
    for (const host of lab.hosts) writeFileSync(fileOf(host.name), endpointsYaml(ips));
  };
  const agentOf = (name: string) => agents.find((a) => a.hostname === name) as LabAgent;
  const endpointOf = async (agent: LabAgent, ip: string) =>
    (await agent.endpoints()).find((e) => e.ip === `${ip}/32`) as EndpointView;
  const holderOf = async (ip: string): Promise<LabAgent> => {
    let holder: LabAgent | undefined;
    await eventually(
      async () => {
        const bound = await boundOn(lab, ip);
        if (bound.length !== 1) return false;
        const candidate = agentOf(bound[0] as string);
        const statuses = await Promise.all(agents.map((a) => a.status(`${ip}/32`)));
        holder = candidate;
        return statuses.every((s, i) => s === (agents[i] === candidate ? 'ACTIVATED' : 'STANDBY'));
      },
      60_000,
      `one holder of ${ip}, the other STANDBY`,
    );
    return holder as LabAgent;
  };

  beforeAll(async () => {
    lab = await createLab({ hosts: 2, client: true, prefix: 'lko' });
    etcd = await lab.startEtcd();
    for (const host of lab.hosts) backends.set(host.name, await lab.startBackend(host, { port: PORT }));
    // The hook: hangs while a flag file exists, then appends the transition to its host's log.
    const hook = join(dir, 'notify.sh');
    writeFileSync(
      hook,
      [
        '#!/bin/sh',
        `[ -e ${dir}/hang-$LINK_HOSTNAME ] && sleep 60`,
        `echo "$LINK_ENDPOINT_ID $LINK_IP $LINK_OLD_STATE $LINK_NEW_STATE holder=$LINK_HOLDER event=$LINK_EVENT" >> ${dir}/hooks-$LINK_HOSTNAME.log`,
        '',
      ].join('\n'),
    );
    chmodSync(hook, 0o755);
    writeEndpoints([VIP1, VIP2]);
    agents = await Promise.all(
      lab.hosts.map(async (host) => {
        const [agent] = await startAgents(
          lab,
          {
            etcd: etcd.endpoints,
            startTimeoutMs: 120_000,
            env: {
              ...HEALTH,
              LINK_LEASE_TTL: '3',
              LINK_KEEPALIVE_INTERVAL: '1',
              LINK_NOTIFY_EXEC: hook,
              LINK_NOTIFY_TIMEOUT: String(HOOK_TIMEOUT_MS),
              LINK_ENDPOINTS_FILE: fileOf(host.name),
            },
          },
          [host],
        );
        return agent as LabAgent;
      }),
    );
    loop = await lab.probeLoop('client', VIP1, PORT, 20, { timeoutMs: 200 });
  }, 360_000);

  afterAll(async () => {
    await loop?.stop().catch(() => undefined);
    await lab?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the endpoints file at start and runs the hook on every transition, in order, with its environment', async () => {
    for (const ip of [VIP1, VIP2]) await holderOf(ip);
    for (const agent of agents) {
      for (const ip of [VIP1, VIP2]) {
        const endpoint = await endpointOf(agent, ip);
        const history = async () =>
          (
            await agent.api<{ history: TransitionRecord[] }>('GET', `/history?endpoint=${endpoint.id}`)
          ).body.history.map((r) => `${r.from} ${r.to}`);
        const hookLines = () => hookLog(agent.hostname).filter((l) => l.startsWith(endpoint.id));
        const transitionsOf = (lines: string[]) => lines.map((l) => l.split(' ').slice(2, 4).join(' '));
        // The VIP may still be moving: read both until they agree, not each at one instant (a
        // transition between the two reads is in one and not yet in the other).
        let expected: string[] = [];
        let lines: string[] = [];
        await eventually(
          async () => {
            expected = await history();
            lines = hookLines();
            return transitionsOf(lines).join('|') === expected.join('|');
          },
          10_000,
          `${agent.hostname}'s hook to see the transitions of ${ip} its history has`,
        ).catch(() => undefined);
        expect(transitionsOf(lines)).toEqual(expected);
        expect(lines.every((l) => l.split(' ')[1] === `${ip}/32`)).toBe(true);
        const last = lines.at(-1) as string;
        const final = (expected.at(-1) as string).split(' ')[1] as string;
        expect(last).toContain(` ${final} `);
        if (final === 'ACTIVATED') expect(last).toContain(`holder=${agent.hostname}`);
      }
    }
  }, 120_000);

  it('a hanging hook does not delay a failover; it is killed at its time limit and counted', async () => {
    const holder = await holderOf(VIP1);
    const standby = agents.find((a) => a !== holder) as LabAgent;
    for (const agent of agents) writeFileSync(join(dir, `hang-${agent.hostname}`), '');
    const since = Date.now();
    await backends.get(holder.hostname)?.stop();
    const reached = await loop.waitFor((s) => s.ok && s.at > since && s.answer === standby.hostname, 30_000);
    const failoverMs = reached.at - since;
    console.log(
      `backend stopped on ${holder.hostname}: client answered by ${standby.hostname} after ${failoverMs} ms, hooks hanging (limit ${HOOK_TIMEOUT_MS} ms)`,
    );
    // Detection is 2 x 1 s; a failover waiting for the hook would take the hook's 20 s.
    expect(failoverMs).toBeLessThan(HOOK_TIMEOUT_MS / 2);
    for (const agent of agents) rmSync(join(dir, `hang-${agent.hostname}`));
    await eventually(
      async () => {
        const res = await fetch(`${standby.forward?.url}/metrics`);
        return /link_notify_hooks_total\{hook="exec",result="timeout"\} [1-9]/.test(await res.text());
      },
      HOOK_TIMEOUT_MS + 15_000,
      'a timed-out hook counted in /metrics',
    );
    const logged = standby.logs.find(
      (l) => String(l.msg).startsWith('notify exec') && l.result === 'timeout',
    );
    expect(logged).toMatchObject({ hook: 'exec', result: 'timeout' });
    backends.set(holder.hostname, await lab.startBackend(holder.node, { port: PORT }));
  }, 120_000);

  it('a reload with a diff touches no VIP that stays: no unbind, no transition', async () => {
    const holder = await holderOf(VIP1);
    await holderOf(VIP2);
    const before = new Map<string, EndpointView>();
    for (const agent of agents) before.set(agent.hostname, await endpointOf(agent, VIP1));
    const since = Date.now();
    const probesBefore = loop.samples.length;

    // Dry run through link-client: the plan, and nothing changes.
    writeEndpoints([VIP1, VIP3]);
    const dry = await runLinkClient(holder.forward?.url as string, [
      'apply',
      '-f',
      fileOf(holder.hostname),
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^create\\s+${VIP3}/32`, 'm'));
    expect(dry.stdout).toMatch(new RegExp(`^delete\\s+${VIP2}/32`, 'm'));
    expect(dry.stdout).toContain('1 to create, 0 to update, 1 to delete, 1 unchanged (dry run');
    expect(await endpointOf(holder, VIP2)).toBeDefined();

    // A file with an error changes nothing and names the line.
    for (const agent of agents)
      writeFileSync(fileOf(agent.hostname), `endpoints:\n  - ip: ${VIP1}/32\n  - ip: ${VIP3}/33\n`);
    const logsBefore = holder.logs.length;
    holder.child?.kill('SIGHUP');
    await eventually(
      () =>
        holder.logs
          .slice(logsBefore)
          .some((l) => String(l.msg).includes(':3:') && String(l.msg).includes('endpoints.1.ip')),
      10_000,
      'the bad file refused with its line and field',
    );

    // The reload: SIGHUP on both agents.
    writeEndpoints([VIP1, VIP3]);
    const reloadStart = Date.now();
    for (const agent of agents) {
      const from = agent.logs.length;
      agent.child?.kill('SIGHUP');
      await eventually(
        () => agent.logs.slice(from).some((l) => String(l.msg).startsWith('endpoints applied from')),
        15_000,
        `${agent.hostname} to apply the new file`,
      );
    }
    await holderOf(VIP3);
    await eventually(async () => (await boundOn(lab, VIP2)).length === 0, 15_000, `${VIP2} released`);
    const reloadMs = Date.now() - reloadStart;
    for (const agent of agents) {
      const after = await endpointOf(agent, VIP1);
      const was = before.get(agent.hostname) as EndpointView;
      expect({
        id: after.id,
        status: after.status,
        holder: after.holder,
        token: after.fencing_token,
      }).toEqual({
        id: was.id,
        status: was.status,
        holder: was.holder,
        token: was.fencing_token,
      });
      expect(await endpointOf(agent, VIP2)).toBeUndefined();
      const transitions = (
        await agent.api<{ history: TransitionRecord[] }>('GET', `/history?endpoint=${was.id}&since=${since}`)
      ).body.history;
      expect(transitions).toEqual([]);
    }
    expect(await boundOn(lab, VIP1)).toEqual([holder.hostname]);
    const probes = loop.samples.slice(probesBefore);
    const failed = probes.filter((s) => !s.ok);
    console.log(
      `reload: ${probes.length} probes of ${VIP1} during it, ${failed.length} failed; VIP3 held and VIP2 released ${reloadMs} ms after the first SIGHUP`,
    );
    expect(failed).toEqual([]);
    expect(new Set(probes.map((s) => s.answer))).toEqual(new Set([holder.hostname]));
  }, 180_000);

  it("reads a host's transitions from the history after the host crashed and its lease expired", async () => {
    const holder = await holderOf(VIP1);
    const survivor = agents.find((a) => a !== holder) as LabAgent;
    const id = (await endpointOf(holder, VIP1)).id;
    await holder.crash();
    await eventually(
      async () => (await survivor.status(`${VIP1}/32`)) === 'ACTIVATED',
      20_000,
      `${survivor.hostname} to take ${VIP1}`,
    );
    // The crashed host's lease-bound keys are gone: its lease expired in etcd.
    await eventually(
      async () =>
        (
          await etcd.etcdctl(['get', '--prefix', '--keys-only', `/link/status/${VIP1}_32/${holder.hostname}`])
        ).stdout.trim() === '',
      20_000,
      `${holder.hostname}'s status key to expire with its lease`,
    );
    const res = await survivor.api<{ history: TransitionRecord[]; source: string }>(
      'GET',
      `/history?host=${holder.hostname}&endpoint=${id}`,
    );
    expect(res.body.source).toBe('etcd');
    expect(res.body.history.length).toBeGreaterThan(0);
    expect(res.body.history.every((r) => r.hostname === holder.hostname && r.endpointId === id)).toBe(true);
    expect(res.body.history.map((r) => r.to)).toContain('ACTIVATED');
    const cli = await runLinkClient(survivor.forward?.url as string, [
      'history',
      id,
      '--hostname',
      holder.hostname,
    ]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`${holder.hostname}`);
    expect(cli.stdout).toMatch(/-> ACTIVATED/);
    console.log(
      `history of crashed ${holder.hostname} read from ${survivor.hostname}: ${res.body.history.length} transitions`,
    );
  }, 120_000);
});

/**
 * End to end, as an operator drives LinK: real linkd processes in the namespace lab, real etcd,
 * and `link-client` run as its own process against each agent's API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundOn, eventually, type LabAgent, startAgents } from '../lab/agents.js';
import type { LabEtcd } from '../lab/etcd.js';
import { createLab, type Lab } from '../lab/lab.js';
import { type ClientRun, runLinkClient } from '../lab/link-client-process.js';
import type { ProbeLoop } from '../lab/probe-loop.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('test/integration/e2e.netns.test.ts skipped: network namespaces need root');

const VIP = '10.77.0.60';
const PORT = 8080;
const ID = /^vip-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface StoredEndpoint {
  id: string;
  ip: string;
  checks: unknown[];
  healthcheck_interval: number;
  fault_policy: string;
}

/** What persistence must keep across a restart: everything the operator configured. */
const configured = (endpoints: StoredEndpoint[]) =>
  endpoints
    .map(({ id, ip, checks, healthcheck_interval, fault_policy }) => ({
      id,
      ip,
      checks,
      healthcheck_interval,
      fault_policy,
    }))
    .sort((x, y) => x.id.localeCompare(y.id));

describe.skipIf(!isRoot)('linkd and link-client end to end (root)', () => {
  let lab: Lab;
  let etcd: LabEtcd;
  let a: LabAgent;
  let b: LabAgent;
  let loop: ProbeLoop;
  /** The VIP's endpoint id on each host. */
  const ids = new Map<string, string>();

  const cli = async (agent: LabAgent, ...args: string[]): Promise<ClientRun> => {
    const run = await runLinkClient(agent.forward?.url as string, args);
    console.log(`link-client ${args.join(' ')} -> ${run.code} (${run.ms} ms)`);
    return run;
  };
  const other = (agent: LabAgent) => (agent === a ? b : a);
  const holderOf = async (address: string) => {
    let holder: LabAgent | undefined;
    await eventually(
      async () => {
        const bound = await boundOn(lab, address);
        holder = bound.length === 1 ? [a, b].find((x) => x.hostname === bound[0]) : undefined;
        return holder !== undefined && (await holder.status(`${address}/32`)) === 'ACTIVATED';
      },
      20_000,
      `one holder of ${address}`,
    );
    return holder as LabAgent;
  };
  const lockHolder = async (address: string) =>
    (await etcd.etcdctl(['get', '--print-value-only', `/link/default/${address}_32`])).stdout.trim();

  beforeAll(async () => {
    lab = await createLab({ hosts: 2, client: true, prefix: 'lke' });
    etcd = await lab.startEtcd();
    for (const host of lab.hosts) await lab.startBackend(host, { port: PORT });
    [a, b] = (await startAgents(lab, { etcd: etcd.endpoints, startTimeoutMs: 120_000 })) as [
      LabAgent,
      LabAgent,
    ];
    loop = await lab.probeLoop('client', VIP, PORT, 20, { timeoutMs: 200 });
  }, 360_000);

  afterAll(async () => {
    await loop?.stop().catch(() => undefined);
    await lab?.destroy();
  });

  it('creates the VIP through link-client on both agents; list and show print it', async () => {
    for (const agent of [a, b]) {
      const run = await cli(agent, 'create', '--ip', `${VIP}/32`, '--health-check', `TCP 127.0.0.1:${PORT}`);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const match = /^Endpoint (\S+) \(10\.77\.0\.60_32\) successfully added\n$/.exec(run.stdout);
      expect(match?.[1]).toMatch(ID);
      ids.set(agent.hostname, match?.[1] as string);
    }
    const holder = await holderOf(VIP);
    await loop.waitFor((s) => s.ok && s.answer === holder.hostname, 10_000);

    for (const agent of [a, b]) {
      const id = ids.get(agent.hostname) as string;
      const status = agent === holder ? 'ACTIVATED' : 'STANDBY';
      const list = await cli(agent, 'list');
      expect(list.code).toBe(0);
      const [header, rule, row, ...rest] = list.stdout.trimEnd().split('\n');
      expect(header?.split(/\s{2,}/)).toEqual([
        'ID',
        'IP',
        'ELECTION KEY',
        'STATUS',
        'HOLDER',
        'PLUGIN',
        'CHECKS',
      ]);
      expect(rule).toMatch(/^-+( +-+)+$/);
      expect(row?.split(/\s{2,}/)).toEqual([
        id,
        `${VIP}/32`,
        `${VIP}_32`,
        status,
        holder.hostname,
        'arp',
        `TCP - 127.0.0.1:${PORT}`,
      ]);
      expect(rest).toEqual([]);

      const show = await cli(agent, 'show', id);
      expect(show.code).toBe(0);
      const lines = show.stdout.trimEnd().split('\n');
      const field = (label: string) =>
        lines
          .find((l) => l.startsWith(`${label}:`))
          ?.slice(label.length + 1)
          .trim();
      expect(field('ID')).toBe(id);
      expect(field('Status')).toBe(status);
      expect(field('IP')).toBe(`${VIP}/32`);
      expect(field('Election Key')).toBe(`${VIP}_32`);
      expect(field('Holder')).toBe(holder.hostname);
      expect(field('Fault Policy')).toBe('activate');
      expect(field('Checks')).toBe(`TCP - 127.0.0.1:${PORT}`);
      expect(field('Fencing Token')).toMatch(/^\d+$/);
      expect(lines.slice(lines.indexOf('Hosts:'))).toEqual(['Hosts:', '  - a', '  - b']);

      const json = await cli(agent, '--json', 'show', id);
      expect(JSON.parse(json.stdout)).toMatchObject({ endpoint: { id, ip: `${VIP}/32`, status } });
    }
    console.log(`${holder.hostname} holds ${VIP}; ids ${[...ids.values()].join(', ')}`);
  }, 360_000);

  it('failover through link-client moves the VIP to the other agent', async () => {
    const holder = await holderOf(VIP);
    const standby = other(holder);

    const refused = await cli(standby, 'failover', ids.get(standby.hostname) as string);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/409|does not hold/);

    const since = Date.now();
    const run = await cli(holder, 'failover', ids.get(holder.hostname) as string);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Endpoint failover triggered.\n');
    expect(await holderOf(VIP)).toBe(standby);
    expect(await boundOn(lab, VIP)).toEqual([standby.hostname]);
    const reached = await loop.waitFor((s) => s.ok && s.at >= since && s.answer === standby.hostname, 10_000);
    await eventually(
      async () => (await lab.neighbourMac('client', VIP)) === standby.node.mac,
      3000,
      `the client's neighbour entry to hold ${standby.hostname}'s MAC`,
    );
    console.log(
      `failover ${holder.hostname} -> ${standby.hostname}: client reached it ${reached.at - since} ms after the command started`,
    );
  }, 180_000);

  it('delete is synchronous: when it returns, the other host holds the VIP and this one has unbound it', async () => {
    const holder = await holderOf(VIP);
    const successor = other(holder);
    const id = ids.get(holder.hostname) as string;

    const run = await cli(holder, 'delete', id);
    // Right away, before anything had time to settle.
    const [lock, bound] = await Promise.all([lockHolder(VIP), boundOn(lab, VIP)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Endpoint destroyed.\n');
    expect(lock).toBe(successor.hostname);
    // The old host unbinds only after the successor announced the VIP, which it does once bound.
    expect(bound).toEqual([successor.hostname]);
    console.log(
      `delete returned after ${run.ms} ms; lock: ${lock}; bound on: ${bound.join(',') || '(none)'}`,
    );
    await eventually(
      async () => (await lab.neighbourMac('client', VIP)) === successor.node.mac,
      3000,
      `the client's neighbour entry to hold ${successor.hostname}'s MAC`,
    );

    const gone = await cli(holder, 'show', id);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/404|not found/i);
    expect((await cli(holder, 'list')).stdout).toBe('No endpoints configured.\n');
    expect(
      (
        await etcd.etcdctl(['get', '--keys-only', '--prefix', `/link/hosts/${holder.hostname}/`])
      ).stdout.trim(),
    ).toBe('');
    const hosts = await cli(successor, 'hosts', ids.get(successor.hostname) as string);
    expect(hosts.stdout.trim().split('\n')).toEqual([successor.hostname]);
    expect(await successor.status(`${VIP}/32`)).toBe('ACTIVATED');
  }, 180_000);

  it('SIGKILL and restart restore every endpoint, with the same ids and settings', async () => {
    const specs = [
      ['--ip', '10.77.0.61/32', '--health-check', `TCP 127.0.0.1:${PORT}`],
      [
        '--ip',
        '10.77.0.62/32',
        '--health-check',
        `HTTP 127.0.0.1:${PORT + 1}/health 200-299`,
        '--health-check-interval',
        '3',
        '--fault-policy',
        'release',
      ],
      ['--ip', 'fd77::61/128'],
    ];
    for (const spec of specs) expect((await cli(a, 'create', ...spec)).code).toBe(0);
    const before = configured(await a.endpoints());
    expect(before.length).toBeGreaterThanOrEqual(3);
    await eventually(
      async () => (await boundOn(lab, '10.77.0.61')).join() === 'a',
      10_000,
      'a binds 10.77.0.61',
    );

    await a.kill();
    await a.start();
    const after = configured(await a.endpoints());
    expect(after).toEqual(before);
    const list = await cli(a, 'list');
    for (const { id } of before) expect(list.stdout).toContain(id);
    await eventually(
      async () => (await a.status('10.77.0.61/32')) === 'ACTIVATED',
      15_000,
      'a holds 10.77.0.61 again',
    );
    expect(await boundOn(lab, '10.77.0.61')).toEqual(['a']);
    console.log(`restored after SIGKILL: ${after.map((e) => `${e.id} ${e.ip}`).join(', ')}`);
  }, 360_000);

  it('skips a corrupt stored record with a logged error and keeps running', async () => {
    const before = configured(await a.endpoints());
    const notJson = '/link/hosts/a/vip-00000000-0000-4000-8000-00000000dead';
    const badIp = '/link/hosts/a/vip-00000000-0000-4000-8000-00000000beef';
    await etcd.etcdctl(['put', notJson, '{"id": "vip-00000000-0000-4000-8000-00000000dead", oops']);
    await etcd.etcdctl([
      'put',
      badIp,
      JSON.stringify({
        id: 'vip-00000000-0000-4000-8000-00000000beef',
        plugin: 'arp',
        plugin_config: { ip: '10.77.0.999/32' },
        checks: [],
      }),
    ]);

    const logged = a.logs.length;
    await a.kill();
    await a.start();
    const errors = a.logs
      .slice(logged)
      .filter((l) => l.level === 50 && l.msg === 'skipping a corrupt stored endpoint');
    console.log(
      `corrupt records logged: ${errors.map((l) => JSON.stringify({ key: l.key, err: (l.err as { message?: string })?.message })).join('; ')}`,
    );
    expect(errors.map((l) => l.key).sort()).toEqual([badIp, notJson].sort());
    expect(configured(await a.endpoints())).toEqual(before);

    // Still alive and serving a while later, and the records are left for an operator to inspect.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(a.child?.exitCode).toBeNull();
    expect((await cli(a, 'list')).code).toBe(0);
    const keys = (await etcd.etcdctl(['get', '--keys-only', '--prefix', '/link/hosts/a/'])).stdout;
    expect(keys).toContain(notJson);
    expect(keys).toContain(badIp);
  }, 360_000);
});

import { existsSync, readdirSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEtcd } from '../lab/etcd.js';
import { createLab, inactiveLinks, type Lab } from '../lab/lab.js';
import { outagesOf } from '../lab/probe-loop.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('test/integration/net-lab.netns.test.ts skipped: network namespaces need root');

const namespaces = () => (existsSync('/run/netns') ? readdirSync('/run/netns') : []);
const pingable = (lab: Lab, from: string, to: string) =>
  lab.exec(from, 'ping', ['-c', '1', '-W', '1', to]).then(
    () => true,
    () => false,
  );

describe('outagesOf', () => {
  it('spans each run of failures up to the next success', () => {
    const ok = (at: number) => ({ at, ok: true, ms: 1 });
    const ko = (at: number) => ({ at, ok: false, ms: 250 });
    expect(outagesOf([ok(0), ko(100), ko(350), ok(600), ok(700), ko(800)])).toEqual([
      { from: 100, to: 600, durationMs: 500, failed: 2 },
      { from: 800, to: undefined, durationMs: 250, failed: 1 },
    ]);
  });
});

describe.skipIf(!isRoot)('namespace lab (root)', { timeout: 20_000 }, () => {
  let lab: Lab;
  let etcd: LabEtcd;

  beforeAll(async () => {
    lab = await createLab({ hosts: 3, client: true, prefix: 'lkl' });
    etcd = await lab.startEtcd();
  }, 30_000);

  afterAll(async () => {
    await lab?.destroy();
  });

  it('wires every namespace onto one segment, IPv4 and IPv6', async () => {
    expect(lab.hosts.map((h) => h.name)).toEqual(['a', 'b', 'c']);
    expect(lab.hosts.map((h) => h.ip)).toEqual(['10.77.0.1', '10.77.0.2', '10.77.0.3']);
    for (const node of lab.nodes) expect(namespaces()).toContain(node.ns);
    for (const node of lab.nodes) expect(node.port.length).toBeLessThanOrEqual(15);
    expect(await lab.macOf('b')).toBe(lab.host('b').mac);
    // Every link carries frames once the lab is up: a queue not yet activated drops them.
    const links = await Promise.all([
      inactiveLinks(lab.switch.ns, ['br0', ...lab.hosts.map((h) => h.port)]),
      ...lab.hosts.map((h) => inactiveLinks(h.ns, ['eth0'])),
    ]);
    expect(links.flat()).toEqual([]);
    const results = await Promise.all([
      pingable(lab, 'client', lab.host('c').ip),
      pingable(lab, 'a', lab.switch.ip),
      lab.ping6('client', lab.host('a').ip6).then(() => true),
    ]);
    expect(results).toEqual([true, true, true]);
    expect(await lab.neighbourMac('client', lab.host('c').ip)).toBe(lab.host('c').mac);
    console.info(`lab with 3 hosts + client up in ${lab.timings.upMs.toFixed(0)} ms`);
  });

  it('runs etcd on the bridge, reachable from the hosts, and restarts it on its data', async () => {
    expect(etcd.endpoints).toEqual([`http://${lab.switch.ip}:2379`]);
    const fromHost = await lab.exec('a', 'curl', ['-s', '--max-time', '2', `${etcd.endpoints[0]}/health`]);
    expect(fromHost.stdout).toContain('"health":"true"');
    await etcd.etcdctl(['put', '/link/test', 'kept']);

    await etcd.stop();
    await expect(
      lab.exec('a', 'curl', ['-sf', '--max-time', '1', `${etcd.endpoints[0]}/health`]),
    ).rejects.toThrow();
    await etcd.start();
    expect((await etcd.etcdctl(['get', '--print-value-only', '/link/test'])).stdout.trim()).toBe('kept');

    await etcd.kill();
    await etcd.start();
    expect((await etcd.etcdctl(['get', '--print-value-only', '/link/test'])).stdout.trim()).toBe('kept');
    console.info(`etcd healthy ${etcd.startMs.toFixed(0)} ms after (re)start`);
  }, 30_000);

  it('forwards etcd to the test process, so a client here can read what the lab wrote', async () => {
    const hosts = await etcd.localEndpoints();
    expect(hosts[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new Etcd3({ hosts, dialTimeout: 3000 });
    try {
      await etcd.etcdctl(['put', '/link/from-lab', 'hello']);
      expect(await client.get('/link/from-lab').string()).toBe('hello');
      await client.put('/link/from-test').value('world');
      expect((await etcd.etcdctl(['get', '--print-value-only', '/link/from-test'])).stdout.trim()).toBe(
        'world',
      );
    } finally {
      client.close();
    }
  });

  it('partitions a host from the segment and heals it', async () => {
    await lab.partition('b');
    expect(await pingable(lab, 'client', lab.host('b').ip)).toBe(false);
    expect(await pingable(lab, 'client', lab.host('a').ip)).toBe(true);
    await lab.heal('b');
    // The client's neighbour entry for b failed during the partition: it resolves again, which on a
    // loaded machine can take longer than one ping's second.
    let healed = false;
    for (let attempt = 0; attempt < 5 && !healed; attempt++)
      healed = await pingable(lab, 'client', lab.host('b').ip);
    expect(healed).toBe(true);
  });

  it("sees outages and the answering host from a client's probe loop", async () => {
    const backend = await lab.startBackend('c', { port: 9000 });
    const loop = await lab.probeLoop('client', lab.host('c').ip, 9000, 50, { timeoutMs: 200 });
    await loop.waitFor((s) => s.ok, 3000);
    await lab.hostDown('c');
    await loop.waitFor((s) => !s.ok, 3000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lab.hostUp('c');
    const back = Date.now();
    await loop.waitFor((s) => s.ok && s.at >= back, 5000);
    const samples = await loop.stop();
    await backend.stop();

    expect(loop.answers()).toEqual(['c']);
    const outages = loop.outages();
    expect(outages).toHaveLength(1);
    expect(outages[0]?.durationMs).toBeGreaterThanOrEqual(300);
    expect(samples.filter((s) => !s.ok).every((s) => s.detail !== undefined)).toBe(true);
  }, 20_000);

  it('answers on any address of the host, a VIP included, over IPv4 and IPv6', async () => {
    const backend = await lab.startBackend('a', { port: 9001 });
    await lab.exec('a', 'ip', ['addr', 'add', '10.77.0.60/32', 'dev', 'eth0']);
    await lab.exec('a', 'ip', ['addr', 'add', 'fd77::60/128', 'dev', 'eth0', 'nodad']);
    for (const target of ['10.77.0.60', 'fd77::60']) {
      const loop = await lab.probeLoop('client', target, 9001, 50);
      expect((await loop.waitFor((s) => s.ok, 3000)).answer).toBe('a');
      await loop.stop();
    }
    await backend.stop();
  });

  it('kills only its own processes and removes every namespace on destroy', async () => {
    const other = await createLab({ hosts: 1, prefix: 'lkl' });
    const sleeper = other.spawnIn('a', 'sleep', ['60']);
    const pid = sleeper.pid;
    expect(pid).toBeDefined();
    await other.destroy();
    expect(other.nodes.some((node) => namespaces().includes(node.ns))).toBe(false);
    expect(() => process.kill(pid as number, 0)).toThrow();
    // The first lab is untouched.
    expect(await pingable(lab, 'client', lab.host('a').ip)).toBe(true);
    console.info(
      `1-host lab up ${other.timings.upMs.toFixed(0)} ms, down ${other.timings.downMs.toFixed(0)} ms`,
    );
  });
});

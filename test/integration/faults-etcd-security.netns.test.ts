import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundOn, eventually, LabAgent } from '../lab/agents.js';
import { type EtcdCluster, startEtcdCluster } from '../lab/etcd-cluster.js';
import { createLab, type Lab } from '../lab/lab.js';
import { createLabPki, type LabPki } from '../lab/lab-pki.js';
import { exited } from '../lab/processes.js';

const isRoot = process.getuid?.() === 0;
const START_MS = 60_000;

/**
 * Fault scenario 5: etcd with TLS and client certificates (made with openssl here), and etcd with
 * user/password authentication. Agents work over both; a wrong certificate or password stops
 * linkd at start with exit status 1 and a message naming the setting, instead of a crash loop.
 */
describe.skipIf(!isRoot)('faults: etcd with TLS and authentication (root)', { timeout: 180_000 }, () => {
  let lab: Lab;
  let pki: LabPki;
  let tlsEtcd: EtcdCluster;
  let authEtcd: EtcdCluster;
  let tlsEnv: Record<string, string>;
  let authEnv: Record<string, string>;

  /** Runs linkd on host `e` with `env` until it exits (or `timeoutMs`): its status and output. */
  const runToExit = async (env: Record<string, string>, timeoutMs = 60_000) => {
    const node = lab.host('e');
    const started = Date.now();
    const child = lab.spawnTs(node, 'src/cli/linkd.ts', [], {
      env: { LINK_INTERFACE: 'eth0', LINK_HOSTNAME: 'e', LINK_LISTEN: '127.0.0.1:1313', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const { code, signal } = await exited(child);
    clearTimeout(timer);
    return { code, signal, output, ms: Date.now() - started };
  };

  beforeAll(async () => {
    lab = await createLab({ hosts: 5, client: true, prefix: 'lkfx' });
    pki = createLabPki([lab.switch.ip, '127.0.0.1']);
    lab.ownPath(pki.dir);
    tlsEtcd = await startEtcdCluster(lab, {
      size: 1,
      clientPort: 2579,
      scheme: 'https',
      extraArgs: [
        '--cert-file',
        pki.server.cert,
        '--key-file',
        pki.server.key,
        '--client-cert-auth',
        '--trusted-ca-file',
        pki.ca,
      ],
      etcdctlArgs: ['--cacert', pki.ca, '--cert', pki.client.cert, '--key', pki.client.key],
    });
    tlsEnv = {
      LINK_ETCD: tlsEtcd.endpoints.join(','),
      LINK_ETCD_CA: pki.ca,
      LINK_ETCD_CERT: pki.client.cert,
      LINK_ETCD_KEY: pki.client.key,
    };
    authEtcd = await startEtcdCluster(lab, { size: 1, clientPort: 2589 });
    await authEtcd.etcdctl(['user', 'add', 'root:s3cret']);
    await authEtcd.etcdctl(['auth', 'enable']);
    authEnv = {
      LINK_ETCD: authEtcd.endpoints.join(','),
      LINK_ETCD_USER: 'root',
      LINK_ETCD_PASSWORD: 's3cret',
    };
  }, 120_000);

  afterAll(async () => {
    await lab?.destroy();
  });

  const agentsWork = async (hosts: [string, string], env: Record<string, string>, vip: string) => {
    const agents = hosts.map(
      (h) => new LabAgent(lab, lab.host(h), { etcd: [], env, startTimeoutMs: START_MS }),
    );
    await Promise.all(agents.map((agent) => agent.start()));
    await agents[0]?.createVip(`${vip}/32`);
    await eventually(async () => (await boundOn(lab, vip)).length === 1, 20_000, `${vip} bound`);
    await agents[1]?.createVip(`${vip}/32`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const holders = await boundOn(lab, vip);
    const statuses = await Promise.all(agents.map((agent) => agent.status(`${vip}/32`)));
    const ping = await lab.exec('client', 'ping', ['-c', '1', '-W', '2', vip]).then(
      () => true,
      () => false,
    );
    const etcdctl = (args: string[]) =>
      (env.LINK_ETCD_USER ? authEtcd : tlsEtcd).etcdctl(
        env.LINK_ETCD_USER ? ['--user', 'root:s3cret', ...args] : args,
      );
    const leases = (await etcdctl(['lease', 'list'])).stdout;
    // The durable history's bucket lease is the cluster's, not a host's: counted apart.
    const historyLeases = (await etcdctl(['get', '--prefix', '--keys-only', '/link/history-leases/'])).stdout;
    return {
      agents,
      holders,
      statuses,
      ping,
      leases:
        (leases.match(/^[0-9a-f]+$/gm) ?? []).length -
        (historyLeases.match(/^\/link\/history-leases\//gm) ?? []).length,
    };
  };

  it('agents work over TLS with client certificates', async () => {
    const { holders, statuses, ping, leases } = await agentsWork(['a', 'b'], tlsEnv, '10.77.0.50');
    console.info(
      `TLS + client certs: holders ${holders.join()}, states ${statuses.join()}, client ping ${ping}, leases ${leases}`,
    );
    expect(holders).toHaveLength(1);
    expect([...statuses].sort()).toEqual(['ACTIVATED', 'STANDBY']);
    expect(ping).toBe(true);
    expect(leases).toBe(2);
  });

  it('agents work with user/password authentication', async () => {
    const { holders, statuses, ping, leases } = await agentsWork(['c', 'd'], authEnv, '10.77.0.51');
    console.info(
      `user/password: holders ${holders.join()}, states ${statuses.join()}, client ping ${ping}, leases ${leases}`,
    );
    expect(holders).toHaveLength(1);
    expect([...statuses].sort()).toEqual(['ACTIVATED', 'STANDBY']);
    expect(ping).toBe(true);
    expect(leases).toBe(2);
  });

  it('a client certificate from another CA: a clear error at start, exit 1', async () => {
    const run = await runToExit({
      ...tlsEnv,
      LINK_ETCD_CERT: pki.rogueClient.cert,
      LINK_ETCD_KEY: pki.rogueClient.key,
    });
    const line = run.output.split('\n').find((l) => l.includes('etcd')) ?? run.output.slice(-300);
    console.info(
      `rogue client certificate: exit ${run.code ?? run.signal} after ${run.ms} ms: ${line.slice(0, 300)}`,
    );
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/LINK_ETCD_CERT|--etcd-cert/);
    expect(run.output).not.toContain('linkd started');
  });

  it('a server certificate the agent does not trust: a clear error at start, exit 1', async () => {
    const run = await runToExit({ ...tlsEnv, LINK_ETCD_CA: pki.rogueCa });
    const line = run.output.split('\n').find((l) => l.includes('etcd')) ?? run.output.slice(-300);
    console.info(
      `untrusted server certificate: exit ${run.code ?? run.signal} after ${run.ms} ms: ${line.slice(0, 300)}`,
    );
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/LINK_ETCD_CA|--etcd-ca/);
    expect(run.output).not.toContain('linkd started');
  });

  it('a wrong password: a clear error at start, exit 1', async () => {
    const run = await runToExit({ ...authEnv, LINK_ETCD_PASSWORD: 'wrong' });
    const line = run.output.split('\n').find((l) => l.includes('etcd')) ?? run.output.slice(-300);
    console.info(`wrong password: exit ${run.code ?? run.signal} after ${run.ms} ms: ${line.slice(0, 300)}`);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/LINK_ETCD_PASSWORD|--etcd-password/);
    expect(run.output).not.toContain('linkd started');
  });
});

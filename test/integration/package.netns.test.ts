/**
 * The Debian package as an operator meets it: `npm run package` builds it, it installs on this
 * machine from a clean state, linkd starts from the installed unit's command line (as its user,
 * with only the unit's capabilities) against a lab etcd, the installed link-client drives it, an
 * in-place upgrade keeps a held VIP answering (0 ms client outage), and a purge leaves nothing
 * but the system user (which Debian policy keeps).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundOn, eventually } from '../lab/agents.js';
import { aptInstall, aptPurge, packageStatus, run } from '../lab/deb-package.js';
import type { LabEtcd } from '../lab/etcd.js';
import { createLab, type Lab } from '../lab/lab.js';
import { LineCollector } from '../lab/line-collector.js';
import type { ProbeLoop } from '../lab/probe-loop.js';
import { exited } from '../lab/processes.js';
import { asSystemdWould, environmentFile, serviceSection } from '../lab/systemd-unit.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('test/integration/package.netns.test.ts skipped: installing a package needs root');

const UNIT = '/lib/systemd/system/linkd.service';
const ENV_FILE = '/etc/link/linkd.env';
const VIP = '10.77.0.61';
const PORT = 8080;

describe.skipIf(!isRoot)('the Debian package (root)', () => {
  const out = mkdtempSync(join(tmpdir(), 'link-deb-'));
  let deb: string;
  let upgradeDeb: string;
  let version: string;
  let lab: Lab;
  let etcd: LabEtcd;
  let agent: ChildProcessWithoutNullStreams | undefined;
  let loop: ProbeLoop | undefined;

  /** Runs an installed command inside host a's namespace (where the agent's API listens). */
  const inHostA = (cmd: string, args: string[]) =>
    run('ip', ['netns', 'exec', lab.host('a').ns, cmd, ...args]);
  const linkClient = (...args: string[]) =>
    inHostA('/usr/bin/link-client', ['--host', '127.0.0.1:1313', ...args]);

  /** Starts linkd from the installed unit's ExecStart, with its environment file, user and capabilities. */
  const startInstalledAgent = async (): Promise<ChildProcessWithoutNullStreams> => {
    const command = asSystemdWould(serviceSection(UNIT));
    const child = lab.spawnIn('a', command[0]!, command.slice(1), { env: environmentFile(ENV_FILE) });
    const lines = new LineCollector(child.stdout);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + String(chunk)).slice(-4000);
    });
    await lines
      .waitFor((line) => line.includes('"linkd started"'), 60_000, 'linkd started')
      .catch((error) => {
        throw new Error(`installed linkd did not start: ${stderr}`, { cause: error });
      });
    return child;
  };

  beforeAll(async () => {
    // Uncompressed: the archive format is dpkg's either way, and compressing takes minutes on a busy machine.
    const built = await run(
      'bash',
      ['scripts/package-deb.sh', '--out', out, '--no-lintian', '--compression', 'none'],
      900_000,
    );
    expect(built.code, built.stderr).toBe(0);
    deb = built.stdout.trim().split('\n').at(-1)!;
    version = /link_(.+)_[^_]+\.deb$/.exec(deb)![1]!;
    // The next release: the same files under a higher version, so dpkg runs its upgrade path.
    const tree = join(out, 'tree');
    expect((await run('dpkg-deb', ['-R', deb, tree])).code).toBe(0);
    const control = join(tree, 'DEBIAN/control');
    writeFileSync(
      control,
      readFileSync(control, 'utf8').replace(/^Version: .*$/m, `Version: ${version}+next1`),
    );
    // The agent reports the version of its package.json: the new one must say it is new.
    const packageJson = join(tree, 'usr/lib/link/package.json');
    writeFileSync(
      packageJson,
      readFileSync(packageJson, 'utf8').replace(`"version": "${version}"`, `"version": "${version}+next1"`),
    );
    const md5sums = join(tree, 'DEBIAN/md5sums');
    const sum = createHash('md5').update(readFileSync(packageJson)).digest('hex');
    writeFileSync(
      md5sums,
      readFileSync(md5sums, 'utf8').replace(/^\S+( {2}usr\/lib\/link\/package\.json)$/m, `${sum}$1`),
    );
    upgradeDeb = join(out, `link_${version}+next1.deb`);
    expect((await run('dpkg-deb', ['--root-owner-group', '-Znone', '-b', tree, upgradeDeb])).code).toBe(0);
    rmSync(tree, { recursive: true, force: true });

    lab = await createLab({ hosts: 1, client: true, prefix: 'lkp' });
    etcd = await lab.startEtcd();
    await lab.startBackend('a', { port: PORT });
    // A clean state: no link package left by an interrupted run.
    if (await packageStatus('link')) await aptPurge('link');
  }, 900_000);

  afterAll(async () => {
    await loop?.stop();
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      agent.kill('SIGKILL');
      await exited(agent);
    }
    await lab?.destroy();
    if (await packageStatus('link')) await aptPurge('link');
    rmSync(out, { recursive: true, force: true });
  }, 120_000);

  it('builds link_<version>_<arch>.deb depending on libpcap and no nodejs', async () => {
    expect(deb).toMatch(/\/link_\d+\.\d+\.\d+_(amd64|arm64|armhf|ppc64el|s390x)\.deb$/);
    const info = await run('dpkg-deb', ['-f', deb, 'Depends']);
    expect(info.stdout).toMatch(/libpcap0\.8/);
    expect(info.stdout).not.toMatch(/nodejs/);
    const files = (await run('dpkg-deb', ['-c', deb])).stdout;
    for (const path of [
      './usr/lib/link/node/bin/node',
      './usr/lib/link/dist/cli/linkd.js',
      './usr/lib/link/node_modules/cap/build/Release/cap.node',
      './usr/bin/linkd',
      './usr/bin/link-client',
      './lib/systemd/system/linkd.service',
      './etc/link/linkd.env',
      './etc/link/endpoints.yaml',
      './usr/share/man/man8/linkd.8.gz',
      './usr/share/man/man1/link-client.1.gz',
      './usr/share/bash-completion/completions/link-client',
      './usr/share/zsh/vendor-completions/_link-client',
    ]) {
      expect(files, path).toContain(path);
    }
    expect(files).not.toMatch(/node_modules\/(vitest|typescript|@biomejs)\//);
    expect((await run('dpkg-deb', ['-f', deb, 'Version'])).stdout.trim()).toBe(version);
  });

  it('installs from a clean state: files, conffile, user, environment file readable by the agent only', async () => {
    expect(await packageStatus('link')).toBeUndefined();
    const installed = await aptInstall(deb);
    expect(installed.code, installed.stderr).toBe(0);
    expect(await packageStatus('link')).toBe('install ok installed');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format
    expect((await run('dpkg-query', ['-W', '-f=${Conffiles}', 'link'])).stdout).toContain(ENV_FILE);
    expect((await run('getent', ['passwd', 'link'])).code).toBe(0);
    const env = statSync(ENV_FILE);
    expect(env.mode & 0o777).toBe(0o640);
    expect((await run('id', ['-g', 'link'])).stdout.trim()).toBe(String(env.gid));
    expect((await run('/usr/lib/link/node/bin/node', ['--version'])).stdout.trim()).toMatch(/^v24\./);
    expect((await run('man', ['-w', 'linkd'])).stdout).toContain('/usr/share/man/man8/linkd.8.gz');
  }, 300_000);

  it('systemd-analyze verify accepts the installed unit', async () => {
    const verify = await run('systemd-analyze', ['verify', UNIT]);
    expect(verify.stderr.split('\n').filter((line) => line.includes('linkd.service'))).toEqual([]);
    expect(verify.code, verify.stderr).toBe(0);
  });

  it("runs linkd from the unit's ExecStart as user link with CAP_NET_ADMIN and CAP_NET_RAW only", async () => {
    // The operator's edit of the conffile: this lab's etcd and interface.
    const edited = readFileSync(ENV_FILE, 'utf8')
      .replace(/^LINK_ETCD=.*$/m, `LINK_ETCD=${etcd.endpoints.join(',')}`)
      .replace(/^LINK_ETCD_(CA|CERT|KEY)=.*$/gm, '')
      .replace(/^LINK_INTERFACE=.*$/m, 'LINK_INTERFACE=eth0');
    writeFileSync(ENV_FILE, `${edited}LINK_HOSTNAME=a\n`);
    agent = await startInstalledAgent();
    const status = readFileSync(`/proc/${agent.pid}/status`, 'utf8');
    const uid = (await run('id', ['-u', 'link'])).stdout.trim();
    expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe(uid);
    // CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13.
    expect(/^CapEff:\s+([0-9a-f]+)/m.exec(status)?.[1]).toBe('0000000000003000');
    expect(/^CapBnd:\s+([0-9a-f]+)/m.exec(status)?.[1]).toBe('0000000000003000');
  });

  it('is driven by the installed link-client: create, list, version', async () => {
    const created = await linkClient(
      'create',
      '--ip',
      `${VIP}/32`,
      '--health-check',
      `TCP 127.0.0.1:${PORT}`,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Endpoint vip-[0-9a-f-]+ \(10\.77\.0\.61_32\) successfully added/);
    await eventually(async () => (await boundOn(lab, VIP)).includes('a'), 30_000, `${VIP} bound on a`);
    const listed = await linkClient('list');
    expect(listed.stdout).toContain(`${VIP}/32`);
    expect(listed.stdout).toContain('ACTIVATED');
    expect((await linkClient('version')).stdout).toContain(`Server version: ${version}`);
  });

  it('systemctl reload (SIGHUP) leaves the agent running', async () => {
    agent!.kill('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(agent!.exitCode).toBeNull();
    expect((await linkClient('list')).code).toBe(0);
  });

  it('upgrades in place: the restart keeps the VIP bound, a client sees no outage', async () => {
    // A probe sent while the VIP is unbound is never answered (its SYN is retried after 1 s):
    // a 1 s timeout still catches any gap, without counting a reply a loaded machine delays.
    loop = await lab.probeLoop('client', VIP, PORT, 20, { timeoutMs: 1000 });
    await loop.waitFor((sample) => sample.ok, 10_000);
    const upgraded = await aptInstall(upgradeDeb);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(await packageStatus('link')).toBe('install ok installed');
    // What postinst asks systemd for: SIGUSR2 to the old agent, then the unit's ExecStart again.
    const old = agent!;
    const stopped = exited(old);
    old.kill('SIGUSR2');
    expect(await stopped).toEqual({ code: 0, signal: null });
    expect(await boundOn(lab, VIP)).toEqual(['a']);
    agent = await startInstalledAgent();
    expect((await linkClient('version')).stdout).toContain(`Server version: ${version}+next1`);
    await eventually(
      async () => (await linkClient('list')).stdout.includes('ACTIVATED'),
      20_000,
      'the VIP ACTIVATED under the new agent',
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const samples = await loop.stop();
    loop = undefined;
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.filter((sample) => !sample.ok)).toEqual([]);
    // The operator's settings survive the upgrade.
    expect(readFileSync(ENV_FILE, 'utf8')).toContain('LINK_HOSTNAME=a');
  }, 300_000);

  it('purges: nothing left but the system user', async () => {
    const files = (await run('dpkg-query', ['-L', 'link'])).stdout.split('\n').filter(Boolean);
    const stopped = exited(agent!);
    agent!.kill('SIGTERM');
    await stopped;
    const purged = await aptPurge('link');
    expect(purged.code, purged.stderr).toBe(0);
    expect(await packageStatus('link')).toBeUndefined();
    const left = files.filter((path) => existsSync(path) && !statSync(path).isDirectory());
    expect(left).toEqual([]);
    for (const path of ['/usr/lib/link', '/etc/link', '/var/lib/link', UNIT, '/usr/bin/linkd']) {
      expect(existsSync(path), path).toBe(false);
    }
    expect((await run('getent', ['passwd', 'link'])).code).toBe(0);
  }, 300_000);
});

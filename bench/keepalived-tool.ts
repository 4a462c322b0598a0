import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab, LabNode } from '../test/lab/lab.js';
import { LineCollector } from '../test/lab/line-collector.js';
import { exited } from '../test/lab/processes.js';
import type { FailoverTool } from './failover-tool.js';
import { checkScript, keepalivedConf } from './keepalived-conf.js';
import { waitFor } from './wait.js';

export interface KeepalivedToolOptions {
  vip: string;
  backendPort: number;
  /** A name for the results, e.g. `keepalived VRRPv3 0.1 s`. */
  name?: string;
  /** VRRPv3 with this advertisement interval (s) instead of VRRPv2 with 1 s. */
  vrrp3AdvertInt?: number;
}

type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOPPED';

interface Instance {
  host: LabNode;
  priority: number;
  conf: string;
  pidFile: string;
  vrrpPidFile: string;
  checkersPidFile: string;
  child: ChildProcessWithoutNullStreams | undefined;
  state: VrrpState;
  /** The last lines it printed, for errors. */
  lines: string[];
}

/**
 * Debian's keepalived, one per host namespace in the foreground (`-n -l -D`, VRRP only), with its
 * own pid files so several run on one machine, killed by PID. Priorities 150, 100, 50, ...
 */
export class KeepalivedTool implements FailoverTool {
  readonly name: string;
  readonly settings: Record<string, string>;
  private readonly dir: string;
  private readonly instances = new Map<string, Instance>();

  constructor(
    private readonly lab: Lab,
    options: KeepalivedToolOptions,
  ) {
    this.name = options.name ?? 'keepalived';
    const v3 = options.vrrp3AdvertInt;
    this.dir = mkdtempSync(join(tmpdir(), `${lab.name}-keepalived-`));
    lab.ownPath(this.dir);
    const script = join(this.dir, 'check-backend.sh');
    writeFileSync(script, checkScript('127.0.0.1', options.backendPort), { mode: 0o755 });
    lab.hosts.forEach((host, i) => {
      const priority = Math.max(1, 150 - 50 * i);
      const conf = join(this.dir, `${host.name}.conf`);
      writeFileSync(
        conf,
        keepalivedConf({
          routerId: host.name,
          interface: host.iface,
          vip: options.vip,
          virtualRouterId: 51,
          priority,
          checkScript: script,
          ...(v3 === undefined ? {} : { vrrpVersion: 3 as const, advertInt: v3 }),
        }),
      );
      this.instances.set(host.name, {
        host,
        priority,
        conf,
        pidFile: join(this.dir, `${host.name}.pid`),
        vrrpPidFile: join(this.dir, `${host.name}.vrrp.pid`),
        checkersPidFile: join(this.dir, `${host.name}.checkers.pid`),
        child: undefined,
        state: 'STOPPED',
        lines: [],
      });
    });
    this.settings = {
      ...(v3 === undefined
        ? { vrrp_version: '2', advert_int: '1' }
        : { vrrp_version: '3', advert_int: String(v3) }),
      priorities: [...this.instances.values()].map((i) => `${i.host.name}=${i.priority}`).join(' '),
      preempt: 'yes (default)',
      vrrp_script: `TCP connect 127.0.0.1:${options.backendPort}, interval 1, timeout 1, fall 2, rise 1, weight 0`,
      garp: 'defaults (5 at once, 5 more after 5 s)',
    };
  }

  async start(): Promise<void> {
    await Promise.all(this.lab.hosts.map((host) => this.restart(host)));
  }

  async settled(): Promise<boolean> {
    const running = [...this.instances.values()].filter((i) => i.state !== 'STOPPED');
    if (running.some((i) => i.state !== 'MASTER' && i.state !== 'BACKUP')) return false;
    const masters = running.filter((i) => i.state === 'MASTER');
    const highest = Math.max(...running.map((i) => i.priority));
    return masters.length === 1 && masters[0]?.priority === highest;
  }

  async kill(host: LabNode): Promise<void> {
    const instance = this.instance(host);
    const child = instance.child;
    if (!child) return;
    const done = exited(child);
    // Both processes at once, the VRRP child first so the parent cannot respawn it.
    const vrrpPid = readPid(instance.vrrpPidFile);
    if (vrrpPid !== undefined) signal(vrrpPid, 'SIGKILL');
    child.kill('SIGKILL');
    await done;
    if (vrrpPid !== undefined)
      await waitFor(() => !alive(vrrpPid), 5000, `keepalived VRRP child ${vrrpPid} exit`);
    instance.state = 'STOPPED';
  }

  async stop(host: LabNode): Promise<void> {
    const instance = this.instance(host);
    const child = instance.child;
    if (!child) return;
    const vrrpPid = readPid(instance.vrrpPidFile);
    const done = exited(child);
    child.kill('SIGTERM');
    await done;
    if (vrrpPid !== undefined)
      await waitFor(() => !alive(vrrpPid), 5000, `keepalived VRRP child ${vrrpPid} exit`);
    instance.state = 'STOPPED';
  }

  async restart(host: LabNode): Promise<void> {
    const instance = this.instance(host);
    for (const file of [instance.pidFile, instance.vrrpPidFile, instance.checkersPidFile])
      rmSync(file, { force: true });
    instance.state = 'INIT';
    instance.lines = [];
    const child = this.lab.spawnIn(host, 'keepalived', [
      '--dont-fork',
      '--log-console',
      '--log-detail',
      '--vrrp',
      '--use-file',
      instance.conf,
      '--pid',
      instance.pidFile,
      '--vrrp_pid',
      instance.vrrpPidFile,
      '--checkers_pid',
      instance.checkersPidFile,
    ]);
    instance.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      new LineCollector(stream).onLine((line) => {
        instance.lines = [...instance.lines.slice(-30), line];
        const state = /\(VI_1\) Entering (\w+) STATE/.exec(line)?.[1];
        if (state && instance.child === child) instance.state = state as VrrpState;
      });
    }
    child.once('exit', () => {
      if (instance.child === child) instance.state = 'STOPPED';
    });
    await waitFor(
      () => instance.state !== 'INIT' || child.exitCode !== null,
      10_000,
      `keepalived on ${host.name} to enter a VRRP state`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${instance.lines.join('\n')}`);
    });
    if (child.exitCode !== null)
      throw new Error(`keepalived on ${host.name} exited:\n${instance.lines.join('\n')}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.lab.hosts.map((host) => this.kill(host)));
  }

  /** PIDs of the processes running on `name` (parent and VRRP child). */
  pids(name: string): number[] {
    const instance = this.instances.get(name);
    const parent = instance?.child?.pid;
    const vrrp = instance ? readPid(instance.vrrpPidFile) : undefined;
    return [parent, vrrp].filter((pid): pid is number => pid !== undefined);
  }

  private instance(host: LabNode): Instance {
    const instance = this.instances.get(host.name);
    if (!instance) throw new Error(`no keepalived instance for ${host.name}`);
    return instance;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** A zombie counts as gone: once its parent is killed, nobody may reap it for a while. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

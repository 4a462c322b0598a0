/**
 * Network-namespace labs for integration tests (root only). Each lab is an L2 island: a switch
 * namespace with bridge br0 and one veth per host, so tests can run in parallel.
 *
 * ```ts
 * const lab = await createLab({ hosts: 2, client: true });   // a, b, client (~0.1-0.2 s)
 * afterAll(() => lab.destroy());
 * const etcd = await lab.startEtcd();                          // etcd.endpoints: http://10.77.0.254:2379
 * const agent = lab.spawnTs('a', 'src/cli/linkd.ts', ['--etcd', etcd.endpoints[0]!, '--interface', 'eth0', '--hostname', 'a']);
 * await lab.startBackend('a', { port: 8080 });                 // answers "a\n"
 * const loop = await lab.probeLoop('client', '10.77.0.50', 8080, 50);
 * await lab.partition('a');  ...  await lab.heal('a');
 * await loop.stop();
 * loop.outages();                                              // [{ from, to, durationMs, failed }]
 * const api = await lab.forward('a', '127.0.0.1', 1313);       // agent's API from the test: api.url
 * ```
 */
import {
  type ChildProcess,
  type ChildProcessWithoutNullStreams,
  execFile,
  execFileSync,
  type StdioOptions,
  spawn,
} from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Backend, type BackendOptions, startBackend } from './backend.js';
import { type Capture, type CaptureOptions, startCapture } from './capture.js';
import { onProcessExit } from './cleanup.js';
import { type LabEtcd, type LabEtcdOptions, startLabEtcd } from './etcd.js';
import { type Forward, startForward } from './forward.js';
import { type ProbeLoop, type ProbeLoopArgs, startProbeLoop } from './probe-loop.js';
import { isRunning, ProcessGroup } from './processes.js';

export interface LabOptions {
  /** Host namespaces, named a, b, c, ... (at most 26). */
  hosts: number;
  /** Adds a `client` namespace on the same segment. */
  client?: boolean;
  /** Namespace name prefix, followed by the PID and a counter (default `lk`). */
  prefix?: string;
  /** First three octets of the lab's /24 (default `10.77.0`); each lab is its own L2 island. */
  subnet?: string;
  /** The lab's /64 without the interface part (default `fd77::`). */
  subnet6?: string;
}

/** One namespace of the lab. Hosts and the client have `eth0`; the switch has the bridge `br0`. */
export interface LabNode {
  /** `a`, `b`, ..., `client` or `switch`. */
  name: string;
  /** Network namespace, for `ip netns exec` or `ip -n`. */
  ns: string;
  /** Address on the segment: hosts .1, .2, ..., client .100, switch .254. */
  ip: string;
  ip6: string;
  /** MAC of eth0 (br0 for the switch), fixed so captures read easily: 02:4c:4b:00:00:XX. */
  mac: string;
  /** Interface carrying the addresses: `eth0`, or `br0` on the switch. */
  iface: string;
  /** The node's port on the bridge (`p-a`), empty for the switch. */
  port: string;
}

/** A node, its short name (`a`, `client`, `switch`) or its namespace name. */
export type NodeRef = LabNode | string;

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export interface SpawnInOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stdio?: StdioOptions;
  /** `spawnTs` only: a command that execs node, e.g. `['setpriv', '--bounding-set', '-net_admin']`. */
  wrap?: readonly string[];
}

/** The repository root, so lab scripts run with the project's node_modules. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx's loader by absolute URL, so it resolves whatever the child's working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let labCounter = 0;
const swept = new Set<string>();

/**
 * Builds a lab: a switch namespace with bridge br0, one namespace per host (and the client), each
 * linked by a veth pair (`eth0` inside, `p-<name>` on the bridge), with IPv4 and ULA IPv6
 * addresses. Tear it down with `destroy()` (in `afterAll`); exit and signal hooks do it otherwise.
 */
export async function createLab(options: LabOptions): Promise<Lab> {
  const lab = new Lab(options);
  try {
    await lab.up();
  } catch (error) {
    await lab.destroy();
    throw error;
  }
  return lab;
}

export class Lab {
  readonly name: string;
  readonly switch: LabNode;
  readonly hosts: LabNode[];
  readonly client: LabNode | undefined;
  readonly prefix: string;
  /** Milliseconds taken by `up()`, and by `destroy()` once it ran. */
  readonly timings = { upMs: 0, downMs: 0 };
  readonly processes = new ProcessGroup();
  readonly #paths = new Set<string>();
  readonly #forwards = new Set<Forward>();
  readonly #subnet: string;
  readonly #subnet6: string;
  #destroyed = false;
  #unhook: (() => void) | undefined;

  constructor(options: LabOptions) {
    if (options.hosts < 1 || options.hosts > 26) throw new RangeError('a lab has 1 to 26 hosts');
    this.prefix = options.prefix ?? 'lk';
    // Letters only: a digit would run into the PID, and the sweep of another prefix could then
    // read `lkp2<pid>` as lab `lkp` of PID `2<pid>` and kill a live lab's agents.
    if (!/^[a-z]+$/.test(this.prefix)) throw new RangeError(`lab prefix ${this.prefix}: letters a-z only`);
    labCounter += 1;
    this.name = `${this.prefix}${process.pid}x${labCounter}`;
    this.#subnet = options.subnet ?? '10.77.0';
    this.#subnet6 = options.subnet6 ?? 'fd77::';
    this.switch = this.#node('switch', 254, 'br0', '');
    this.hosts = Array.from({ length: options.hosts }, (_, i) => {
      const name = String.fromCharCode(97 + i);
      return this.#node(name, i + 1, 'eth0', `p-${name}`);
    });
    this.client = options.client ? this.#node('client', 100, 'eth0', 'p-client') : undefined;
  }

  #node(name: string, index: number, iface: string, port: string): LabNode {
    return {
      name,
      ns: `${this.name}-${name}`,
      ip: `${this.#subnet}.${index}`,
      ip6: `${this.#subnet6}${index}`,
      mac: `02:4c:4b:00:00:${index.toString(16).padStart(2, '0')}`,
      iface,
      port,
    };
  }

  /** Every node: switch, hosts, then the client. */
  get nodes(): LabNode[] {
    return [this.switch, ...this.hosts, ...(this.client ? [this.client] : [])];
  }

  /** A host by short name or index. */
  host(ref: string | number): LabNode {
    const host = typeof ref === 'number' ? this.hosts[ref] : this.hosts.find((h) => h.name === ref);
    if (!host) throw new Error(`lab ${this.name} has no host ${ref}`);
    return host;
  }

  node(ref: NodeRef): LabNode {
    if (typeof ref !== 'string') return ref;
    const node = this.nodes.find((n) => n.name === ref || n.ns === ref);
    if (!node) throw new Error(`lab ${this.name} has no namespace ${ref}`);
    return node;
  }

  async up(): Promise<void> {
    const started = performance.now();
    sweepStaleLabs(this.prefix);
    this.#unhook = onProcessExit(() => this.destroySync());
    const sw = this.switch;
    const attached = this.nodes.filter((node) => node !== sw);
    // Few processes, since each costs more than the netlink work itself: one batch in the root
    // namespace creates the namespaces and the veth pairs (each end lands directly in its
    // namespace, so the root namespace's interfaces are never touched), then one batch per namespace.
    await ipBatch(undefined, [
      ...this.nodes.map((node) => `netns add ${node.ns}`),
      ...attached.map(
        (node) =>
          `link add eth0 netns ${node.ns} address ${node.mac} type veth peer name ${node.port} netns ${sw.ns}`,
      ),
    ]);
    await Promise.all([
      ipBatch(sw.ns, [
        'link set lo up',
        // No multicast snooping: NDP to solicited-node groups is flooded without an MLD querier.
        `link add br0 address ${sw.mac} type bridge mcast_snooping 0`,
        'link set br0 up',
        `addr add ${sw.ip}/24 dev br0`,
        `addr add ${sw.ip6}/64 dev br0 nodad`,
        ...attached.map((node) => `link set ${node.port} master br0 up`),
      ]),
      ...attached.map((node) =>
        ipBatch(node.ns, [
          'link set lo up',
          'link set eth0 up',
          `addr add ${node.ip}/24 dev eth0`,
          // nodad: usable at once instead of tentative for a second.
          `addr add ${node.ip6}/64 dev eth0 nodad`,
        ]),
      ),
    ]);
    await this.#linksActive(attached);
    this.timings.upMs = performance.now() - started;
  }

  /**
   * Waits until every link of the segment has its carrier and its queue. The kernel applies both
   * in deferred work (linkwatch), which can lag behind a burst of link changes (many labs at
   * once), and a frame sent before that is dropped. A lab's first ping went unanswered in 3 of
   * about 30 CI runs (IPv6 twice, IPv4 once); this is the likely cause, not shown.
   */
  async #linksActive(attached: readonly LabNode[]): Promise<void> {
    const sw = this.switch;
    const checks: { ns: string; names: string[] }[] = [
      { ns: sw.ns, names: ['br0', ...attached.map((node) => node.port)] },
      ...attached.map((node) => ({ ns: node.ns, names: ['eth0'] })),
    ];
    const deadline = performance.now() + 5000;
    for (;;) {
      const waiting = (await Promise.all(checks.map((check) => inactiveLinks(check.ns, check.names)))).flat();
      if (waiting.length === 0) return;
      if (performance.now() > deadline)
        throw new Error(`lab links not active after 5 s: ${waiting.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Runs `cmd` inside a namespace and resolves its output; rejects with stderr on failure. */
  exec(
    ref: NodeRef,
    cmd: string,
    args: readonly string[] = [],
    options: ExecOptions = {},
  ): Promise<ExecResult> {
    const ns = this.node(ref).ns;
    return new Promise((resolve, reject) => {
      const child = execFile(
        'ip',
        ['netns', 'exec', ns, cmd, ...args],
        { timeout: options.timeoutMs ?? 10_000, env: labEnv(options.env), maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new Error(`[${ns}] ${cmd} ${args.join(' ')} failed: ${stderr.trim() || error.message}`, {
                cause: error,
              }),
            );
          } else {
            resolve({ stdout, stderr });
          }
        },
      );
      this.processes.track(child);
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }

  /**
   * Starts a long-running process inside a namespace, tracked so `destroy()` kills it. The
   * environment is a clean one (PATH, HOME, TMPDIR) plus `env`: a test runner's own variables
   * (NODE_ENV, VITEST, ...) do not leak into agents.
   */
  spawnIn(
    ref: NodeRef,
    cmd: string,
    args: readonly string[] = [],
    options: SpawnInOptions = {},
  ): ChildProcessWithoutNullStreams {
    const ns = this.node(ref).ns;
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
      env: labEnv(options.env),
      cwd: options.cwd ?? REPO_ROOT,
      stdio: options.stdio ?? 'pipe',
    }) as ChildProcessWithoutNullStreams;
    child.on('error', () => {}); // surfaced by the caller's own checks (exit code, missing output)
    return this.processes.track(child);
  }

  /** Runs a TypeScript file with tsx's loader (no extra wrapper process, so the PID is node's). */
  spawnTs(
    ref: NodeRef,
    script: string,
    args: readonly string[] = [],
    options: SpawnInOptions = {},
  ): ChildProcessWithoutNullStreams {
    const [wrapper, ...wrapArgs] = options.wrap ?? [];
    const node = [process.execPath, '--import', TSX_LOADER, script, ...args];
    return wrapper === undefined
      ? this.spawnIn(ref, process.execPath, node.slice(1), options)
      : this.spawnIn(ref, wrapper, [...wrapArgs, ...node], options);
  }

  /**
   * Makes a TCP service inside the lab reachable from the test process (which stays in the root
   * namespace) at 127.0.0.1:PORT, e.g. etcd for inspection or an agent's HTTP API. Bytes go
   * through a Unix socket, which namespaces do not separate, and a relay inside `ref`.
   */
  async forward(ref: NodeRef, host: string, port: number): Promise<Forward> {
    const forward = await startForward(this, ref, host, port);
    this.#forwards.add(forward);
    return forward;
  }

  /** Cuts a node off the segment without touching its carrier: its bridge port leaves br0. */
  async partition(ref: NodeRef): Promise<void> {
    await ipBatch(this.switch.ns, [`link set ${this.node(ref).port} nomaster`]);
  }

  async heal(ref: NodeRef): Promise<void> {
    await ipBatch(this.switch.ns, [`link set ${this.node(ref).port} master br0`]);
  }

  /** Host death as the network sees it: eth0 down. (Kill the agent's process as well.) */
  async hostDown(ref: NodeRef): Promise<void> {
    await ipBatch(this.node(ref).ns, ['link set eth0 down']);
  }

  async hostUp(ref: NodeRef): Promise<void> {
    await ipBatch(this.node(ref).ns, ['link set eth0 up']);
  }

  /**
   * Pings an IPv6 address once, allowing 3 s: the kernel resolves the neighbour with up to three
   * solicitations 1 s apart, and on a segment just built the first one went unanswered in CI (a
   * 1 s ping, then three 200 ms apart, failed with it).
   */
  async ping6(from: NodeRef, address: string): Promise<void> {
    await this.exec(from, 'ping', ['-6', '-c', '1', '-w', '3', address]);
  }

  /** The MAC a node's neighbour table holds for `ipAddress`, if any (not for FAILED/INCOMPLETE). */
  async neighbourMac(ref: NodeRef, ipAddress: string): Promise<string | undefined> {
    const stdout = await ip(['-n', this.node(ref).ns, '-j', 'neigh', 'show', 'to', ipAddress]);
    const entries = JSON.parse(stdout || '[]') as { dst: string; lladdr?: string }[];
    return entries.find((entry) => entry.lladdr !== undefined)?.lladdr;
  }

  async flushNeighbours(ref: NodeRef): Promise<void> {
    const node = this.node(ref);
    await ip(['-n', node.ns, 'neigh', 'flush', 'dev', node.iface]);
  }

  /** The current MAC of an interface in a namespace, read from the kernel. */
  async macOf(ref: NodeRef, iface?: string): Promise<string> {
    const node = this.node(ref);
    const stdout = await ip(['-n', node.ns, '-j', 'link', 'show', 'dev', iface ?? node.iface]);
    const [link] = JSON.parse(stdout) as { address: string }[];
    if (!link) throw new Error(`no interface ${iface ?? node.iface} in ${node.ns}`);
    return link.address;
  }

  /** Addresses on a node's interface, without prefix. */
  async addressesOf(ref: NodeRef, iface?: string): Promise<string[]> {
    const node = this.node(ref);
    const stdout = await ip(['-n', node.ns, '-j', 'addr', 'show', 'dev', iface ?? node.iface]);
    const links = JSON.parse(stdout) as { addr_info: { local: string }[] }[];
    return links.flatMap((link) => link.addr_info.map((info) => info.local));
  }

  startEtcd(options: LabEtcdOptions = {}): Promise<LabEtcd> {
    return startLabEtcd(this, options);
  }

  probeLoop(...args: ProbeLoopArgs): Promise<ProbeLoop> {
    return startProbeLoop(this, ...args);
  }

  startBackend(ref: NodeRef, options: BackendOptions = {}): Promise<Backend> {
    return startBackend(this, ref, options);
  }

  capture(ref: NodeRef, filter: string, options: CaptureOptions = {}): Promise<Capture> {
    return startCapture(this, ref, filter, options);
  }

  /** A file or directory removed with the lab (etcd data, scripts). */
  ownPath(path: string): void {
    this.#paths.add(path);
  }

  /** Kills every process the lab started and deletes its namespaces. Idempotent. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const started = performance.now();
    this.#unhook?.();
    for (const forward of this.#forwards) forward.close();
    await this.processes.killAll();
    const slow = this.processes.pids; // killed, not seen exiting yet
    const ours = this.#existingNamespaces();
    // Grandchildren of tracked processes (a shell's children, say) may still live there.
    const strays = killNamespacePids(ours);
    // On a loaded machine a killed process can take seconds to exit: whoever checks after us
    // must find nothing left.
    await waitGone([...slow, ...strays], 10_000);
    if (ours.length > 0)
      await ipBatch(
        undefined,
        ours.map((ns) => `netns del ${ns}`),
      ).catch(() => undefined);
    for (const path of this.#paths) rmSync(path, { recursive: true, force: true });
    this.timings.downMs = performance.now() - started;
  }

  /** `destroy()` for exit hooks, where nothing asynchronous runs any more. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.processes.killAllSync();
    const ours = this.#existingNamespaces();
    killNamespacePids(ours);
    for (const ns of ours) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // Best effort on the way out.
      }
    }
    for (const path of this.#paths) rmSync(path, { recursive: true, force: true });
  }

  #existingNamespaces(): string[] {
    const existing = new Set(listNamespaces());
    return this.nodes.map((node) => node.ns).filter((ns) => existing.has(ns));
  }
}

function labEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { LANG: 'C', LC_ALL: 'C' };
  for (const key of ['PATH', 'HOME', 'TMPDIR'] as const) {
    if (process.env[key] !== undefined) base[key] = process.env[key];
  }
  return { ...base, ...extra };
}

/** `ip ARGS` in the current namespace. */
export function ip(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // 10 000 VIPs make `ip -j addr` print megabytes: above execFile's default 1 MiB buffer.
    execFile('ip', [...args], { env: labEnv(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`ip ${args.join(' ')}: ${stderr.trim() || error.message}`, { cause: error }));
      else resolve(stdout);
    });
  });
}

/** Several `ip` commands through one `ip -batch` process, in `ns` or (undefined) the current one. */
function ipBatch(ns: string | undefined, commands: readonly string[]): Promise<string> {
  const args = ns === undefined ? ['-batch', '-'] : ['-n', ns, '-batch', '-'];
  return new Promise((resolve, reject) => {
    const child: ChildProcess = execFile('ip', args, { env: labEnv() }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`ip ${args.join(' ')}: ${stderr.trim() || error.message}`, { cause: error }));
      else resolve(stdout);
    });
    child.stdin?.end(`${commands.join('\n')}\n`);
  });
}

function listNamespaces(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

/**
 * SIGKILLs every process inside the given namespaces, found as `ip netns pids` does (same inode
 * for /proc/PID/ns/net as for the namespace's file), in one pass over /proc. Returns their PIDs.
 */
function killNamespacePids(namespaces: readonly string[]): number[] {
  const killed: number[] = [];
  const inodes = new Set<number>();
  for (const ns of namespaces) {
    try {
      inodes.add(statSync(`/run/netns/${ns}`).ino);
    } catch {
      // Already deleted.
    }
  }
  if (inodes.size === 0) return killed;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (inodes.has(statSync(`/proc/${entry}/ns/net`).ino)) {
        process.kill(Number(entry), 'SIGKILL');
        killed.push(Number(entry));
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return killed;
}

/** Polls until none of `pids` runs any more (gone, or a zombie waiting to be reaped), bounded. */
async function waitGone(pids: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = left.filter(isRunning);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID of the process whose lab (`prefix`) named namespace `ns`, or undefined if not such a lab's. */
export function labOwnerPid(prefix: string, ns: string): number | undefined {
  if (!ns.startsWith(prefix)) return undefined;
  const match = /^(\d+)x\d+-/.exec(ns.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}

/**
 * Deletes namespaces left by labs whose process died without cleaning up (SIGKILL, OOM), found by
 * the PID in their name. Labs of live processes are never touched.
 */
export function sweepStaleLabs(prefix: string): void {
  if (swept.has(prefix)) return;
  swept.add(prefix);
  for (const ns of listNamespaces()) {
    const pid = labOwnerPid(prefix, ns);
    if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
    killNamespacePids([ns]);
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // Another process swept it first.
    }
  }
}

/** Which of `names` in namespace `ns` lack their carrier (operstate UP) or their queue (qdisc noop). */
export async function inactiveLinks(ns: string, names: readonly string[]): Promise<string[]> {
  const links = JSON.parse((await ip(['-n', ns, '-j', 'link', 'show'])) || '[]') as {
    ifname: string;
    operstate?: string;
    qdisc?: string;
  }[];
  return names
    .filter((name) => {
      const link = links.find((l) => l.ifname === name);
      return !link || link.operstate !== 'UP' || link.qdisc === 'noop';
    })
    .map((name) => `${ns}/${name}`);
}

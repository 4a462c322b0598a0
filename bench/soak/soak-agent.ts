import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Forward } from '../../test/lab/forward.js';
import type { Lab, LabNode } from '../../test/lab/lab.js';
import { exited, processTree } from '../../test/lab/processes.js';

/**
 * A linkd process in a host namespace for long runs: unlike the test suite's LabAgent it keeps no
 * log history, only the last lines and a count of error lines, so a 30-minute soak stays flat.
 */
export class SoakAgent {
  child: ChildProcessWithoutNullStreams | undefined;
  forward: Forward | undefined;
  errorLines = 0;
  readonly lastErrors: string[] = [];
  readonly tail: string[] = [];
  starts = 0;
  #logFile: WriteStream | undefined;

  constructor(
    readonly lab: Lab,
    readonly node: LabNode,
    private readonly env: Record<string, string>,
    /** Directory for the agent's full log (`<host>.log`), kept across restarts. */
    logDir?: string,
  ) {
    if (logDir) this.#logFile = createWriteStream(join(logDir, `${node.name}.log`), { flags: 'a' });
  }

  closeLog(): void {
    this.#logFile?.end();
  }

  get name(): string {
    return this.node.name;
  }

  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  #paused: number[] = [];

  /** SIGSTOP of the agent's process tree (its frame worker too): a frozen VM, a long GC pause. */
  pause(): void {
    if (!this.running || this.child?.pid === undefined) return;
    this.#paused = processTree(this.child.pid);
    for (const pid of this.#paused) process.kill(pid, 'SIGSTOP');
  }

  /** SIGCONT of what `pause()` stopped. */
  resume(): void {
    for (const pid of this.#paused.reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // exited meanwhile
      }
    }
    this.#paused = [];
  }

  /** Resident set size in KiB, from /proc (the agent runs in the root PID namespace). */
  rssKb(): number | undefined {
    if (!this.running || this.child?.pid === undefined) return undefined;
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    } catch {
      return undefined;
    }
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const child = this.lab.spawnTs(this.node, 'src/cli/linkd.ts', [], {
      env: {
        LINK_INTERFACE: this.node.iface,
        LINK_HOSTNAME: this.node.name,
        LINK_LISTEN: '127.0.0.1:1313',
        LINK_LOG_LEVEL: 'info',
        ...this.env,
      },
    });
    this.child = child;
    this.starts += 1;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
      // Kept in the agent's log too: a crash after start-up (an unhandled rejection) shows only here.
      this.#logFile?.write(`stderr: ${chunk.toString()}`);
    });
    child.once('exit', (code, signal) => this.#logFile?.write(`exited: code ${code} signal ${signal}\n`));
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`linkd on ${this.name} did not start in ${timeoutMs} ms: ${stderr}`)),
        timeoutMs,
      );
      const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        this.#logFile?.write(`${line}\n`);
        this.tail.push(line);
        if (this.tail.length > 50) this.tail.shift();
        if (line.includes('"linkd started"')) {
          clearTimeout(timer);
          resolve();
        }
        if (/"level":(50|60)/.test(line)) {
          this.errorLines += 1;
          this.lastErrors.push(line.slice(0, 400));
          if (this.lastErrors.length > 10) this.lastErrors.shift();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`linkd on ${this.name} exited (${code ?? signal}) while starting: ${stderr}`));
      });
    });
    await started;
    this.forward ??= await this.lab.forward(this.node, '127.0.0.1', 1313);
  }

  /** SIGSTOP / SIGCONT: the agent stalls while its kernel keeps answering. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child?.kill(signal);
  }

  /** A counter from /metrics (0 when the agent does not answer). */
  async counter(name: string): Promise<number> {
    if (!this.running || !this.forward) return 0;
    const text = await fetch(`${this.forward.url}/metrics`, { signal: AbortSignal.timeout(10_000) })
      .then((res) => res.text())
      .catch(() => '');
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const done = exited(child);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  }

  async api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    if (!this.forward) throw new Error(`agent ${this.name} has no API forward`);
    const res = await fetch(`${this.forward.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async endpointIps(): Promise<string[]> {
    const res = await this.api<{ endpoints: { ip: string }[] }>('GET', '/endpoints');
    return res.body.endpoints.map((e) => e.ip);
  }
}

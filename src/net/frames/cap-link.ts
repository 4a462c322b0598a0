import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readInterfaceInfo } from '../address/interface-info.js';
import { NetError } from '../net-error.js';
import type { FrameLink, FrameLinkOpener } from './frame-link.js';

/**
 * ARP, and the NDP messages that claim addresses (NS 135, NA 136) when not behind extension
 * headers, which NDP never uses. Everything else stays in the kernel.
 */
export const CLAIM_FILTER = 'arp or (icmp6 and (ip6[40] == 135 or ip6[40] == 136))';
const START_TIMEOUT_MS = 15_000;

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'sent'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'frames'; hex: string[] };

/**
 * The worker's command line: the compiled `.js` next to this file, or the `.ts` source through
 * tsx's loader (resolved from here, so the agent's working directory does not matter).
 */
function workerCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const extension = extname(here);
  const worker = join(dirname(here), `cap-worker${extension}`);
  if (extension !== '.ts') return [worker];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, worker];
}

/**
 * Opens a frame link on `iface` through a worker process holding the libpcap handle. The cost is
 * paid once per interface (~0.1 s to start the worker; a round then costs a pipe round trip,
 * well under a millisecond), and an interface going down costs the worker, not the agent: the
 * link reports itself lost and the next use opens a new one.
 */
export const openCapLink: FrameLinkOpener = async (iface) => {
  // Checked here first for a clear, fast error on a missing interface or one without a MAC.
  const info = await readInterfaceInfo(iface);
  if (!info.up) {
    throw new NetError(
      `interface ${iface} is down (\`ip link set ${iface} up\`): announcing resumes once it is up`,
    );
  }
  const child = spawn(process.execPath, [...workerCommand(), iface, CLAIM_FILTER], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C meant for the agent must not kill the worker mid-shutdown.
    // It still ends with the agent, which closes its stdin (or the kernel does, on a crash).
    detached: true,
  });
  raisePriority(child.pid);
  return new CapWorkerLink(iface, info.mac, info.index, child).started();
};

/**
 * The worker drains libpcap's ring (about 500 frames on interfaces with offloads): on a busy host
 * it must be scheduled before the ring fills, or claims are lost. Needs root or CAP_SYS_NICE;
 * without them it runs at the agent's priority.
 */
const FRAME_WORKER_NICE = -10;

function raisePriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, FRAME_WORKER_NICE);
  } catch {
    // EACCES without CAP_SYS_NICE: the default priority still works on a host that is not starved.
  }
}

class CapWorkerLink implements FrameLink {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  readonly #frameListeners: ((frame: Buffer) => void)[] = [];
  readonly #lostListeners: ((reason: Error) => void)[] = [];
  #nextId = 0;
  #closed = false;
  #stderr = '';
  /**
   * Requests of one synchronous run, written to the worker together: a takeover of thousands of
   * VIPs made one pipe write per announcement (2 s of one agent's CPU at 10 000 VIPs).
   */
  #outbox: string[] = [];
  #onStart: ((error?: Error) => void) | undefined;

  constructor(
    readonly iface: string,
    readonly mac: string,
    readonly index: number,
    child: ChildProcessWithoutNullStreams,
  ) {
    this.#child = child;
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-2000);
    });
    child.stdin.on('error', () => {}); // EPIPE after the worker died: reported by 'exit'
    child.on('error', (error) =>
      this.#end(new NetError(`could not start the frame worker for ${iface}`, { cause: error })),
    );
    child.on('exit', (code, signal) => {
      const why = signal ? `signal ${signal}` : `exit ${code}`;
      const tail = this.#stderr.trim().split('\n').at(-1) ?? '';
      this.#end(
        new NetError(
          `frame worker for ${iface} stopped (${why}${tail ? `: ${tail}` : ''}); ` +
            'libpcap gives up when the interface goes down, so it is reopened on next use',
        ),
      );
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.#onLine(line));
  }

  started(): Promise<FrameLink> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.close();
        reject(new NetError(`frame worker for ${this.iface} did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      this.#onStart = (error) => {
        clearTimeout(timer);
        this.#onStart = undefined;
        if (error) reject(error);
        else resolve(this);
      };
    });
  }

  send(frames: readonly Buffer[]): Promise<void> {
    if (this.#closed) return Promise.reject(new NetError(`frame link on ${this.iface} is closed`));
    this.#nextId += 1;
    const id = this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#outbox.length === 0) queueMicrotask(() => this.#flush());
      this.#outbox.push(`${JSON.stringify({ id, frames: frames.map((f) => f.toString('hex')) })}\n`);
    });
  }

  #flush(): void {
    const lines = this.#outbox.join('');
    this.#outbox = [];
    if (!this.#closed) this.#child.stdin.write(lines);
  }

  onFrame(listener: (frame: Buffer) => void): void {
    this.#frameListeners.push(listener);
  }

  onLost(listener: (reason: Error) => void): void {
    this.#lostListeners.push(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failPending(new NetError(`frame link on ${this.iface} was closed`));
    this.#child.stdin.end(); // the worker closes its handle and exits on EOF
    const child = this.#child;
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 2000).unref();
  }

  #onLine(line: string): void {
    let message: WorkerMessage;
    try {
      message = JSON.parse(line) as WorkerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'frames': {
        for (const hex of message.hex) {
          const frame = Buffer.from(hex, 'hex');
          for (const listener of this.#frameListeners) listener(frame);
        }
        break;
      }
      case 'sent':
      case 'failed': {
        const waiter = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.type === 'sent') waiter?.resolve();
        else waiter?.reject(new NetError(message.message));
        break;
      }
      case 'ready':
        this.#onStart?.();
        break;
      case 'error':
        this.#onStart?.(new NetError(message.message));
        break;
    }
  }

  #end(reason: Error): void {
    this.#onStart?.(reason);
    this.#failPending(reason);
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#lostListeners) listener(reason);
  }

  #failPending(reason: Error): void {
    for (const waiter of this.#pending.values()) waiter.reject(reason);
    this.#pending.clear();
  }
}

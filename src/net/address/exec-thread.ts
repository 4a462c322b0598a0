import { Worker } from 'node:worker_threads';
import { type ExecOutcome, execOutcome } from './exec-file.js';

export interface ExecRequest {
  file: string;
  args: readonly string[];
  input?: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** A command that failed: as execFile reports it (exit code or errno, killed by the timeout). */
export class ExecFailure extends Error {
  constructor(
    message: string,
    /** null when a signal ended the command. */
    readonly code: number | string | null | undefined,
    readonly killed: boolean,
    readonly signal: string | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'ExecFailure';
  }
}

export type Exec = (request: ExecRequest) => Promise<ExecResult>;

/** execFile on the calling thread. */
export const execHere: Exec = async (request) => settle(await execOutcome(request));

function settle({ stdout, stderr, error }: ExecOutcome): ExecResult {
  if (!error) return { stdout, stderr };
  throw new ExecFailure(error.message, error.code, error.killed, error.signal, stdout, stderr);
}

type WorkerReply = ExecOutcome & { id: number };

/**
 * Runs commands from a worker thread. Starting a process blocks the thread that starts it until
 * the child has exec'd (libuv waits for that), which on a busy host takes tens of milliseconds:
 * done here, that wait stalls a worker instead of the event loop that renews the etcd lease.
 * The worker starts on first use and holds the process open only while commands run.
 */
export class ExecThread {
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, { resolve: (r: ExecResult) => void; reject: (e: Error) => void }>();

  readonly exec: Exec = (request) =>
    new Promise((resolve, reject) => {
      let worker: Worker;
      try {
        worker = this.#start();
      } catch {
        // No worker threads here (a restricted runtime): run it on this thread.
        execHere(request).then(resolve, reject);
        return;
      }
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, ...request, args: [...request.args] });
    });

  /** Stops the worker; commands still running are rejected. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./exec-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.#settle(reply));
    worker.on('error', (error) => this.#fail(worker, error));
    worker.on('exit', (code) => this.#fail(worker, new Error(`command worker exited (${code})`)));
    this.#worker = worker;
    return worker;
  }

  #settle(reply: WorkerReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    try {
      pending.resolve(settle(reply));
    } catch (error) {
      pending.reject(error as ExecFailure);
    }
  }

  /** The worker died: what it was running fails, and the next command starts a new one. */
  #fail(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const { reject } of pending) reject(error);
  }
}

/** The process-wide command thread. */
export const commandThread = new ExecThread();

import { fileURLToPath } from 'node:url';
import type { InterfaceInfo } from '../../src/net/address/interface-info.js';
import type { AnnouncerCounters } from '../../src/net/frames/arp-announcer.js';
import type { Conflict } from '../../src/ports/network.js';
import type { Lab, NodeRef } from './lab.js';
import { LineCollector } from './line-collector.js';
import { exited } from './processes.js';

const DRIVER = fileURLToPath(new URL('./net-driver.ts', import.meta.url));

export interface BenchResult {
  /** First round on a fresh announcer: reads the interface, opens the handle, sends. */
  firstRoundMs: number;
  perRoundUs: number;
  perFrameUs: number;
  closeMs: number;
}

/** The real AddressPort and AnnouncerPort, running inside a lab namespace. */
export interface NetDriver {
  has(cidr: string): Promise<boolean>;
  add(cidr: string): Promise<void>;
  remove(cidr: string): Promise<void>;
  addresses(): Promise<{ ip: string; prefix: number }[]>;
  info(): Promise<InterfaceInfo>;
  announce(ip: string): Promise<void>;
  burst(ip: string, count: number, intervalMs: number): Promise<void>;
  watch(ip: string): Promise<void>;
  unwatch(ip: string): Promise<void>;
  counters(): Promise<AnnouncerCounters>;
  bench(ip: string, rounds: number): Promise<BenchResult>;
  /** Conflicts reported so far. */
  readonly conflicts: Conflict[];
  /** Stops (SIGSTOP) or resumes (SIGCONT) the driver process, as a stalled agent; its frame worker runs on. */
  stall(stalled: boolean): void;
  waitForConflict(predicate: (conflict: Conflict) => boolean, timeoutMs: number): Promise<Conflict>;
  close(): Promise<void>;
}

export async function startNetDriver(lab: Lab, ref: NodeRef, iface = 'eth0'): Promise<NetDriver> {
  const child = lab.spawnTs(ref, DRIVER, [iface]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const out = new LineCollector(child.stdout);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const conflicts: Conflict[] = [];
  out.onLine((line) => {
    let message: {
      id?: number;
      ok?: boolean;
      result?: unknown;
      error?: string;
      event?: string;
    } & Partial<Conflict>;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.event === 'conflict' && message.ip && message.mac)
      conflicts.push({ ip: message.ip, mac: message.mac });
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.result);
    else waiter?.reject(new Error(message.error));
  });
  child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`net driver exited:\n${stderr}`));
    pending.clear();
  });
  await out
    .waitFor((line) => line.includes('"ready"'), 15_000, 'net driver start')
    .catch((error: Error) => {
      throw new Error(`${error.message}\n${stderr}`);
    });

  let nextId = 0;
  const call = <T>(op: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve: resolve as (value: unknown) => void, reject });
      child.stdin.write(`${JSON.stringify({ id: nextId, op, args })}\n`);
    });

  return {
    has: (cidr) => call('has', cidr),
    add: (cidr) => call('add', cidr),
    remove: (cidr) => call('remove', cidr),
    addresses: () => call('addresses'),
    info: () => call('info'),
    announce: (ip) => call('announce', ip),
    burst: (ip, count, intervalMs) => call('burst', ip, count, intervalMs),
    watch: (ip) => call('watch', ip),
    unwatch: (ip) => call('unwatch', ip),
    counters: () => call('counters'),
    bench: (ip, rounds) => call('bench', ip, rounds),
    conflicts,
    stall: (stalled) => {
      child.kill(stalled ? 'SIGSTOP' : 'SIGCONT');
    },
    waitForConflict: (predicate, timeoutMs) =>
      out
        .waitFor(
          (line) => {
            try {
              const message = JSON.parse(line) as { event?: string } & Conflict;
              return message.event === 'conflict' && predicate(message);
            } catch {
              return false;
            }
          },
          timeoutMs,
          'conflict report',
        )
        .then((line) => {
          const { ip, mac } = JSON.parse(line) as Conflict;
          return { ip, mac };
        }),
    close: async () => {
      const done = exited(child);
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await done;
      clearTimeout(timer);
    },
  };
}

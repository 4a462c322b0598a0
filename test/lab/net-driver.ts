/**
 * Drives the real net adapters from inside a lab namespace (Node cannot enter one in-process).
 * Run as `ip netns exec NS node --import tsx test/lab/net-driver.ts IFACE`; reads one JSON
 * command per stdin line, `{"id":1,"op":"add","args":["10.77.0.50/32"]}`, and answers
 * `{"id":1,"ok":true,"result":...}` or `{"id":1,"ok":false,"error":"..."}`. Conflicts arrive
 * unprompted as `{"event":"conflict","ip":...,"mac":...}`. Exits when stdin closes.
 */
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { readInterfaceInfo } from '../../src/net/address/interface-info.js';
import { IpRouteAddressPort } from '../../src/net/address/ip-address.js';
import { announceBurst, CapAnnouncer } from '../../src/net/frames/arp-announcer.js';
import { FrameLinkRegistry } from '../../src/net/frames/frame-link-registry.js';
import { systemClock } from '../../src/ports/clock.js';

const iface = process.argv[2] ?? 'eth0';
const address = new IpRouteAddressPort(iface);
const announcer = new CapAnnouncer({ iface });
const unwatch = new Map<string, () => void>();

function emit(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.length > 0 ? parts.join(' <- caused by: ') : String(error);
}

type Handler = (...args: never[]) => unknown;

const ops: Record<string, Handler> = {
  has: (cidr: string) => address.has(cidr),
  add: (cidr: string) => address.add(cidr),
  remove: (cidr: string) => address.remove(cidr),
  addresses: () => address.addresses(),
  info: () => readInterfaceInfo(iface),
  announce: (ip: string) => announcer.announce(ip),
  burst: (ip: string, count: number, intervalMs: number) =>
    announceBurst(announcer, ip, { count, intervalMs }, systemClock),
  // Answers once the capture handle is open: a claim sent before then cannot be heard.
  watch: async (ip: string) => {
    unwatch.get(ip)?.();
    unwatch.set(
      ip,
      announcer.watchConflicts(ip, (conflict) => emit({ event: 'conflict', ...conflict })),
    );
    await announcer.warmUp();
  },
  unwatch: (ip: string) => {
    unwatch.get(ip)?.();
    unwatch.delete(ip);
  },
  counters: () => announcer.counters(),
  /** Time to open the handle (first round) and the cost of each further round. */
  bench: async (ip: string, rounds: number) => {
    // Its own registry, so it opens a handle of its own instead of reusing the shared one.
    const fresh = new CapAnnouncer({ iface, registry: new FrameLinkRegistry() });
    let started = performance.now();
    await fresh.announce(ip);
    const firstRoundMs = performance.now() - started;
    started = performance.now();
    for (let i = 0; i < rounds; i++) await fresh.announce(ip);
    const roundsMs = performance.now() - started;
    const framesPerRound = fresh.counters().framesSent / (rounds + 1);
    started = performance.now();
    await fresh.close();
    const closeMs = performance.now() - started;
    const perRoundUs = (roundsMs * 1000) / rounds;
    return { firstRoundMs, perRoundUs, perFrameUs: perRoundUs / framesPerRound, closeMs };
  },
};

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  let id: unknown;
  try {
    const command = JSON.parse(line) as { id: unknown; op: string; args?: unknown[] };
    id = command.id;
    const handler = ops[command.op];
    if (!handler) throw new Error(`unknown op ${command.op}`);
    const result = await (handler as (...args: unknown[]) => unknown)(...(command.args ?? []));
    emit({ id, ok: true, result: result ?? null });
  } catch (error) {
    emit({ id, ok: false, error: describe(error) });
  }
});
lines.on('close', async () => {
  for (const stop of unwatch.values()) stop();
  await announcer.close();
  process.exit(0);
});
emit({ event: 'ready', pid: process.pid });

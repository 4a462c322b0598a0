/**
 * The frame worker: holds one libpcap handle on one interface for the agent, in a process of its
 * own, because libpcap's binding aborts its process when the interface goes down. Speaks JSON
 * lines on stdio:
 * - in: `{"id":1,"frames":["ffff…", …]}` sends one round; stdin closing ends the worker;
 * - out: `{"type":"ready"}`, `{"type":"sent","id":1}`, `{"type":"failed","id":1,"message":…}`,
 *   `{"type":"frames","hex":[…]}` for the frames captured in one turn, `{"type":"error","message":…}`
 *   at start-up.
 * Usage: node cap-worker.js IFACE FILTER
 */
import { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { type CapHandle, openCapHandle } from './cap-handle.js';

/**
 * stdout as a non-blocking pipe. Node writes to a pipe synchronously on Linux, so an agent slow to
 * read (a busy event loop, a GC pause) would stop this process from draining libpcap's ring, and a
 * burst of claims (2000 frames for 1000 VIPs taken at once) would overflow it: lines queue here
 * instead, in order, until the agent reads them.
 */
const out = new Socket({ fd: 1, readable: false, writable: true });
out.on('error', () => process.exit(0)); // the agent is gone

function write(message: object): void {
  out.write(`${JSON.stringify(message)}\n`);
}

/**
 * At most PACE_FRAMES frames every PACE_MS (20 000 frames/s): a host taking 1000 VIPs at once
 * announces them over ~0.1 s instead of in one 2000-frame burst, which the receivers' capture
 * rings (about 500 frames: libpcap gives each frame a 64 KiB slot on interfaces with offloads)
 * and the switches' ARP policers would partly drop. Round trips of one VIP are not delayed.
 */
const PACE_FRAMES = 100;
const PACE_MS = 5;

/** Frames captured in one turn of the event loop go out as one line. */
let captured: string[] = [];
function flushFrames(): void {
  const frames = captured;
  captured = [];
  write({ type: 'frames', hex: frames });
}

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(': ') || String(error);
}

const [iface = '', filter = ''] = process.argv.slice(2);
let handle: CapHandle | undefined;
try {
  handle = openCapHandle(iface, filter);
} catch (error) {
  out.end(`${JSON.stringify({ type: 'error', message: describe(error) })}\n`, () => process.exit(1));
}
if (handle) serve(handle);

function serve(cap: CapHandle): void {
  cap.onFrame((frame) => {
    if (captured.length === 0) setImmediate(flushFrames);
    captured.push(frame.toString('hex'));
  });
  const queue: { id: unknown; frames: string[] }[] = [];
  let pacing: NodeJS.Timeout | undefined;
  // A token bucket: PACE_FRAMES at once, refilled at PACE_FRAMES per PACE_MS.
  let budget = PACE_FRAMES;
  let refilledAt = performance.now();
  const sendSome = () => {
    pacing = undefined;
    const now = performance.now();
    budget = Math.min(PACE_FRAMES, budget + ((now - refilledAt) * PACE_FRAMES) / PACE_MS);
    refilledAt = now;
    while (queue.length > 0 && budget >= 1) {
      const command = queue[0] as { id: unknown; frames: string[] };
      try {
        while (command.frames.length > 0 && budget > 0) {
          cap.send(Buffer.from(command.frames.shift() as string, 'hex'));
          budget -= 1;
        }
        if (command.frames.length > 0) break;
        queue.shift();
        write({ type: 'sent', id: command.id });
      } catch (error) {
        queue.shift();
        write({ type: 'failed', id: command.id, message: describe(error) });
      }
    }
    if (queue.length > 0) pacing = setTimeout(sendSome, PACE_MS);
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let command: { id: unknown; frames: unknown };
    try {
      command = JSON.parse(line) as { id: unknown; frames: unknown };
    } catch (error) {
      write({ type: 'failed', id: undefined, message: describe(error) });
      return;
    }
    if (!Array.isArray(command.frames)) {
      write({ type: 'failed', id: command.id, message: 'frames: expected an array of hex strings' });
      return;
    }
    queue.push({ id: command.id, frames: command.frames.map(String) });
    if (!pacing) sendSome();
  });
  lines.on('close', () => {
    clearTimeout(pacing);
    cap.close();
    out.end(() => process.exit(0));
  });
  write({ type: 'ready' });
}

/**
 * The frame worker: holds one libpcap handle on one interface for the agent, in a process of its
 * own, because libpcap's binding aborts its process when the interface goes down. Speaks JSON
 * lines on stdio:
 * - in: `{"id":1,"frames":["ffff…", …]}` sends one round; stdin closing ends the worker;
 * - out: `{"type":"ready"}`, `{"type":"sent","id":1}`, `{"type":"failed","id":1,"message":…}`,
 *   `{"type":"frame","hex":…}` for each captured frame, `{"type":"error","message":…}` at start-up.
 * Usage: node cap-worker.js IFACE FILTER
 */
import { createInterface } from 'node:readline';
import { type CapHandle, openCapHandle } from './cap-handle.js';

// On Linux, writes to a pipe are synchronous: a line is out before any abort.
function write(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
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
  write({ type: 'error', message: describe(error) });
  process.exit(1);
}
const cap = handle;
cap.onFrame((frame) => write({ type: 'frame', hex: frame.toString('hex') }));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let id: unknown;
  try {
    const command = JSON.parse(line) as { id: unknown; frames: string[] };
    id = command.id;
    for (const hex of command.frames) cap.send(Buffer.from(hex, 'hex'));
    write({ type: 'sent', id });
  } catch (error) {
    write({ type: 'failed', id, message: describe(error) });
  }
});
lines.on('close', () => {
  cap.close();
  process.exit(0);
});
write({ type: 'ready' });

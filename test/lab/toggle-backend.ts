import type { Lab, NodeRef } from './lab.js';
import { LineCollector } from './line-collector.js';
import { exited } from './processes.js';

export interface ToggleBackend {
  /** Stops accepting connections (the port refuses) or starts again; resolves once done. */
  set(up: boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A TCP service like the lab's backend (answers its host's name) that can be switched off and on
 * in a few milliseconds through its stdin, for a backend that flaps faster than a process starts.
 */
const SCRIPT = `
const net = require('node:net');
const readline = require('node:readline');
const [answer, port] = process.argv.slice(1);
let server;
const sockets = new Set();
const up = (done) => {
  server = net.createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); s.end(answer + '\\n'); });
  server.listen(Number(port), '::', done);
};
const down = (done) => { server.close(() => done()); for (const s of sockets) s.destroy(); };
up(() => console.log('up'));
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'down') down(() => console.log('down'));
  else if (line === 'up') up(() => console.log('up'));
}).on('close', () => process.exit(0));
`;

export async function startToggleBackend(lab: Lab, ref: NodeRef, port = 8080): Promise<ToggleBackend> {
  const node = lab.node(ref);
  const child = lab.spawnIn(node, process.execPath, ['-e', SCRIPT, node.name, String(port)]);
  child.stderr.resume();
  const lines = new LineCollector(child.stdout);
  const waiting: ((line: string) => void)[] = [];
  lines.onLine((line) => waiting.shift()?.(line));
  await lines.waitFor((line) => line === 'up', 5000, `toggle backend in ${node.ns}`);
  return {
    set(up) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('toggle backend did not answer')), 5000);
        waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin.write(`${up ? 'up' : 'down'}\n`);
      });
    },
    async stop() {
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
    },
  };
}

import type { Lab, NodeRef } from './lab.js';
import { LineCollector } from './line-collector.js';
import { exited } from './processes.js';

export interface BackendOptions {
  port?: number;
  /** What each connection receives (default: the node's name, e.g. `a`). */
  answer?: string;
  /** Listen address (default `::`, the wildcard for IPv4 and IPv6, so it answers on any VIP). */
  host?: string;
}

export interface Backend {
  port: number;
  stop(): Promise<void>;
}

/** A tiny TCP service: answers one line (its host's name) and closes. Plain node, no tsx. */
const SCRIPT = `
const net = require('node:net');
const [answer, port, host] = process.argv.slice(1);
const server = net.createServer((socket) => { socket.on('error', () => {}); socket.end(answer + '\\n'); });
server.listen(Number(port), host, () => console.log('listening'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startBackend(lab: Lab, ref: NodeRef, options: BackendOptions = {}): Promise<Backend> {
  const node = lab.node(ref);
  const port = options.port ?? 8080;
  const child = lab.spawnIn(node, process.execPath, [
    '-e',
    SCRIPT,
    options.answer ?? node.name,
    String(port),
    options.host ?? '::',
  ]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new LineCollector(child.stdout)
    .waitFor((line) => line === 'listening', 5000, `backend listening in ${node.ns}`)
    .catch((error: Error) => {
      throw new Error(`${error.message}\n${stderr}`);
    });
  return {
    port,
    stop: async () => {
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
    },
  };
}

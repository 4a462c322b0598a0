import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab, NodeRef } from './lab.js';
import { LineCollector } from './line-collector.js';

export interface Forward {
  /** 127.0.0.1 in the test process's namespace. */
  host: string;
  port: number;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  close(): void;
}

/** Inside the lab: accept on a Unix socket, connect to HOST:PORT, pipe both ways. */
const RELAY = `
const net = require('node:net');
const [path, host, port] = process.argv.slice(1);
net.createServer((inbound) => {
  const outbound = net.connect(Number(port), host);
  const end = () => { inbound.destroy(); outbound.destroy(); };
  inbound.on('error', end); outbound.on('error', end); inbound.on('close', end); outbound.on('close', end);
  inbound.pipe(outbound).pipe(inbound);
}).listen(path, () => console.log('listening'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

let forwardCounter = 0;

function pipeBoth(a: Socket, b: Socket): void {
  const end = () => {
    a.destroy();
    b.destroy();
  };
  for (const socket of [a, b]) {
    socket.on('error', end);
    socket.on('close', end);
  }
  a.pipe(b).pipe(a);
}

export async function startForward(lab: Lab, ref: NodeRef, host: string, port: number): Promise<Forward> {
  forwardCounter += 1;
  const path = join(tmpdir(), `${lab.name}-fwd${forwardCounter}.sock`);
  lab.ownPath(path);
  const relay = lab.spawnIn(ref, process.execPath, ['-e', RELAY, path, host, String(port)]);
  relay.stderr.resume();
  await new LineCollector(relay.stdout).waitFor((line) => line === 'listening', 5000, 'relay listening');

  const sockets = new Set<Socket>();
  const server = createServer((local) => {
    const remote = connect(path);
    sockets.add(local).add(remote);
    local.on('close', () => sockets.delete(local));
    remote.on('close', () => sockets.delete(remote));
    pipeBoth(local, remote);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const localPort = (server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port: localPort,
    url: `http://127.0.0.1:${localPort}`,
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
      relay.kill('SIGKILL');
    },
  };
}

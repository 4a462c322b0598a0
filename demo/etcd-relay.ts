import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab, LabNode } from '../test/lab/lab.js';
import { LineCollector } from '../test/lab/line-collector.js';

/**
 * The demo's etcd listens on loopback in the root namespace, where it is also the operator's to
 * inspect (`etcdctl --endpoints=127.0.0.1:PORT`). Host namespaces have loopbacks of their own, so
 * each gets a relay listening on its own 127.0.0.1:PORT and handing connections through a Unix
 * socket, which namespaces do not separate, to the demo process, which dials etcd. The root
 * namespace's interfaces are never involved.
 */
export interface EtcdRelay {
  /** The socket in the root namespace that the relays dial. */
  socketPath: string;
  /** Starts the relay in `host`; agents there dial `http://127.0.0.1:PORT`. */
  into(host: LabNode): Promise<string>;
  close(): void;
}

/** Inside a namespace: accept on TCP 127.0.0.1:PORT, connect to the Unix socket, pipe both ways. */
const RELAY = `
const net = require('node:net');
const [port, path] = process.argv.slice(1);
net.createServer((inbound) => {
  const outbound = net.connect(path);
  const end = () => { inbound.destroy(); outbound.destroy(); };
  inbound.on('error', end); outbound.on('error', end); inbound.on('close', end); outbound.on('close', end);
  inbound.pipe(outbound).pipe(inbound);
}).listen(Number(port), '127.0.0.1', () => console.log('listening'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startEtcdRelay(lab: Lab, etcdPort: number, relayPort = 2379): Promise<EtcdRelay> {
  const socketPath = join(tmpdir(), `${lab.name}-etcd.sock`);
  rmSync(socketPath, { force: true });
  lab.ownPath(socketPath);
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(etcdPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    socketPath,
    into: async (host) => {
      const relay = lab.spawnIn(host, process.execPath, ['-e', RELAY, String(relayPort), socketPath]);
      relay.stderr.resume();
      await new LineCollector(relay.stdout).waitFor(
        (line) => line === 'listening',
        // A node process starts in ~50 ms, but far slower on a machine that is busy compiling or testing.
        30_000,
        `etcd relay in ${host.ns}`,
      );
      return `http://127.0.0.1:${relayPort}`;
    },
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
      rmSync(socketPath, { force: true });
    },
  };
}

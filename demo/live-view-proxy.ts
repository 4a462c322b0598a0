import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface LiveViewProxy {
  port: number;
  url: string;
  close(): void;
}

/**
 * One stable loopback address for the live view that survives the story's failovers: each new
 * connection goes to an agent that is up right now (`target()` names its API port), so a page
 * whose agent was just crashed reconnects to another one.
 */
export async function startLiveViewProxy(
  port: number,
  target: () => number | undefined,
): Promise<LiveViewProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const targetPort = target();
    if (targetPort === undefined) {
      inbound.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const outbound = connect(targetPort, '127.0.0.1');
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
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(port).catch(() => listen(0)); // the preferred port is taken: any free one
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

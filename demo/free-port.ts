import { type AddressInfo, createServer } from 'node:net';

/** `preferred` on 127.0.0.1 when it is free (and not 0), otherwise a free port the kernel picks. */
export async function freePort(preferred = 0): Promise<number> {
  if (preferred !== 0) {
    const port = await tryListen(preferred).catch(() => undefined);
    if (port !== undefined) return port;
  }
  return tryListen(0);
}

function tryListen(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const chosen = (server.address() as AddressInfo).port;
      server.close(() => resolve(chosen));
    });
  });
}

import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';

export interface ServeOptions {
  listen: { host: string; port: number };
  /** PEM files; HTTPS when given. */
  tls?: { certFile: string; keyFile: string };
  /** How long `close()` lets in-flight requests (a synchronous DELETE, an event stream) finish. */
  closeGraceMs?: number;
}

export interface RunningServer {
  /** The bound address, e.g. `http://127.0.0.1:1313`; the real port when asked for port 0. */
  url: string;
  port: number;
  /** Re-reads the certificate and key files (HTTPS only; a rotated certificate without a restart). */
  reloadTls(): void;
  close(): Promise<void>;
}

/** Serves the app over HTTP or HTTPS; resolves once listening, rejects if the address is taken. */
export async function serveApp(app: Hono, options: ServeOptions): Promise<RunningServer> {
  const { host, port } = options.listen;
  const tls = options.tls;
  const readTls = () => (tls ? { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } : {});
  const server = (
    tls
      ? createAdaptorServer({ fetch: app.fetch, createServer: createHttpsServer, serverOptions: readTls() })
      : createAdaptorServer({ fetch: app.fetch })
  ) as Server;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new Error(`cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const bound = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const graceMs = options.closeGraceMs ?? 2000;

  return {
    url: `${scheme}://${shownHost}:${bound}`,
    port: bound,
    reloadTls: () => {
      if (tls) (server as unknown as HttpsServer).setSecureContext(readTls());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Event streams never end on their own: cut whatever is still open after the grace.
        setTimeout(() => server.closeAllConnections(), graceMs).unref();
      }),
  };
}

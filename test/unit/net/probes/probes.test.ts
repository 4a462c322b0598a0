import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetProbe } from '../../../../src/net/probes/net-probe.js';
import type { HealthCheck } from '../../../../src/ports/health.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const HOST = '127.0.0.1';

function listen<T extends Server | HttpServer>(server: T): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port)),
  );
}

function close(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port that nothing listens on: bound, read, then closed. */
async function deadPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

const http = (
  port: number,
  path: string,
  expectStatus: [number, number] = [200, 299],
): Extract<HealthCheck, { type: 'HTTP' | 'HTTPS' }> => ({
  type: 'HTTP',
  host: HOST,
  port,
  path,
  expectStatus,
});

describe('TCP probe', () => {
  const servers: Server[] = [];
  afterAll(async () => Promise.all(servers.map(close)));

  it('succeeds when something accepts', async () => {
    const server = createServer((socket) => socket.end());
    servers.push(server);
    const port = await listen(server);
    const result = await new NetProbe().probe({ type: 'TCP', host: HOST, port }, 1000);
    expect(result).toMatchObject({ ok: true, detail: '' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('names the error and the target when refused', async () => {
    const port = await deadPort();
    const result = await new NetProbe().probe({ type: 'TCP', host: HOST, port }, 1000);
    expect(result).toMatchObject({ ok: false, detail: `ECONNREFUSED ${HOST}:${port}` });
  });

  it('times out when the handshake never completes', async () => {
    // A listener with backlog 0 that never accepts: once one connection fills its queue, Linux
    // drops further SYNs, so a connect hangs exactly as towards a dead host, all on loopback.
    const stuck = spawn(
      'python3',
      [
        '-c',
        'import socket,sys\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      const port = await new Promise<number>((resolve) =>
        stuck.stdout.once('data', (d) => resolve(Number(String(d)))),
      );
      const filler = [connect(port, HOST), connect(port, HOST)];
      for (const socket of filler) socket.on('error', () => {});
      await new Promise((resolve) => setTimeout(resolve, 50));
      const result = await new NetProbe().probe({ type: 'TCP', host: HOST, port }, 150);
      expect(result).toMatchObject({
        ok: false,
        detail: `timeout after 150 ms connecting to ${HOST}:${port}`,
      });
      expect(result.durationMs).toBeGreaterThanOrEqual(140);
      for (const socket of filler) socket.destroy();
    } finally {
      stuck.kill();
    }
  }, 10_000);

  it('turns a bad port into a failed result rather than a throw', async () => {
    const result = await new NetProbe().probe({ type: 'TCP', host: HOST, port: 70000 }, 100);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/port/i);
  });
});

describe('HTTP probe', () => {
  let server: HttpServer;
  let port: number;
  let silentPort: number;
  const silent = createServer(() => {}); // accepts, never answers

  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      if (req.url === '/ok') res.writeHead(204).end();
      else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2000).unref();
      else res.writeHead(503).end('down');
    });
    port = await listen(server);
    silentPort = await listen(silent);
  });
  afterAll(async () => {
    server.closeAllConnections();
    silent.close();
    await close(server);
  });

  it('accepts a status inside the range', async () => {
    expect(await new NetProbe().probe(http(port, '/ok'), 1000)).toMatchObject({ ok: true, detail: '' });
  });

  it('reports a status outside the range', async () => {
    const result = await new NetProbe().probe(http(port, '/health'), 1000);
    expect(result).toMatchObject({
      ok: false,
      detail: `HTTP 503 from ${HOST}:${port}/health (expected 200-299)`,
    });
  });

  it('accepts a custom range', async () => {
    expect((await new NetProbe().probe(http(port, '/health', [500, 599]), 1000)).ok).toBe(true);
  });

  it('times out on a slow answer', async () => {
    const result = await new NetProbe().probe(http(port, '/slow'), 100);
    expect(result).toMatchObject({
      ok: false,
      detail: `timeout after 100 ms waiting for ${HOST}:${port}/slow`,
    });
  });

  it('times out on a server that accepts and says nothing', async () => {
    const result = await new NetProbe().probe(http(silentPort, '/'), 100);
    expect(result.detail).toMatch(/^timeout after 100 ms/);
  });

  it('reports a refused connection', async () => {
    const dead = await deadPort();
    expect((await new NetProbe().probe(http(dead, '/'), 1000)).detail).toBe(`ECONNREFUSED ${HOST}:${dead}/`);
  });
});

describe('HTTPS probe', () => {
  const cert = fixture('self-signed.crt');
  const server = createHttpsServer({ cert, key: fixture('self-signed.key') }, (_req, res) => res.end('ok'));
  let port: number;
  const check = (): HealthCheck => ({ ...http(port, '/'), type: 'HTTPS' });

  beforeAll(async () => {
    port = await listen(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await close(server);
  });

  it('verifies certificates by default and says how to fix a self-signed one', async () => {
    const result = await new NetProbe().probe(check(), 1000);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^DEPTH_ZERO_SELF_SIGNED_CERT 127\.0\.0\.1:\d+\/: certificate not trusted/);
  });

  it('accepts a self-signed certificate only when told to', async () => {
    expect((await new NetProbe({ insecureTls: true }).probe(check(), 1000)).ok).toBe(true);
  });

  it('verifies against a given CA', async () => {
    expect((await new NetProbe({ ca: cert }).probe(check(), 1000)).ok).toBe(true);
  });
});

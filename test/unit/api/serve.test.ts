import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { serveApp } from '../../../src/api/serve.js';
import { FakeAgent } from '../../fakes/fake-agent.js';

const dir = mkdtempSync(join(tmpdir(), 'link-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serveApp', () => {
  it('serves over HTTP on the asked address and closes', async () => {
    const server = await serveApp(createApp({ agent: new FakeAgent({ version: '1.0.0' }) }), {
      listen: { host: '127.0.0.1', port: 0 },
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const response = await fetch(`${server.url}/version`);
    expect(await response.json()).toEqual({ version: '1.0.0' });
    await server.close();
    await expect(fetch(`${server.url}/version`)).rejects.toThrow();
  });

  it('rejects when the address is taken', async () => {
    const app = createApp({ agent: new FakeAgent() });
    const first = await serveApp(app, { listen: { host: '127.0.0.1', port: 0 } });
    await expect(serveApp(app, { listen: { host: '127.0.0.1', port: first.port } })).rejects.toThrow(
      /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/,
    );
    await first.close();
  });

  it('closes despite an open event stream, after the grace period', async () => {
    const agent = new FakeAgent();
    const server = await serveApp(createApp({ agent }), {
      listen: { host: '127.0.0.1', port: 0 },
      closeGraceMs: 50,
    });
    const listeners = agent.listenerCount;
    const response = await fetch(`${server.url}/events`);
    const reader = response.body!.getReader();
    await reader.read();
    expect(agent.listenerCount).toBe(listeners + 1);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(agent.listenerCount).toBe(listeners);
  });

  it('serves over HTTPS with a certificate and key', async () => {
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    makeCertificate(certFile, keyFile, 'localhost');
    const server = await serveApp(createApp({ agent: new FakeAgent({ version: '2.0.0' }) }), {
      listen: { host: '127.0.0.1', port: 0 },
      tls: { certFile, keyFile },
    });
    expect(server.url).toMatch(/^https:\/\//);
    const { body } = await httpsGet(`${server.url}/version`);
    expect(JSON.parse(body)).toEqual({ version: '2.0.0' });
    await server.close();
  });

  it('serves a rotated certificate after reloadTls, without a restart', async () => {
    const certFile = join(dir, 'rotate-cert.pem');
    const keyFile = join(dir, 'rotate-key.pem');
    makeCertificate(certFile, keyFile, 'before');
    const server = await serveApp(createApp({ agent: new FakeAgent() }), {
      listen: { host: '127.0.0.1', port: 0 },
      tls: { certFile, keyFile },
    });
    expect((await httpsGet(`${server.url}/version`)).subject).toBe('before');
    makeCertificate(certFile, keyFile, 'after');
    expect((await httpsGet(`${server.url}/version`)).subject).toBe('before');
    server.reloadTls();
    expect((await httpsGet(`${server.url}/version`)).subject).toBe('after');
    await server.close();
  });
});

function makeCertificate(certFile: string, keyFile: string, commonName: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      `/CN=${commonName}`,
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
}

/** GET over HTTPS, trusting any certificate; also the common name of the one the server showed. */
function httpsGet(url: string): Promise<{ body: string; subject: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { rejectUnauthorized: false, agent: false }, (res) => {
      const subject = String((res.socket as TLSSocket).getPeerCertificate().subject.CN);
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ body, subject }));
    })
      .on('error', reject)
      .end();
  });
}

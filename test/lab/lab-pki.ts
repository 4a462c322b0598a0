import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertPair {
  cert: string;
  key: string;
}

export interface LabPki {
  dir: string;
  ca: string;
  server: CertPair;
  client: CertPair;
  /** A CA nobody trusts, and a client certificate it signed. */
  rogueCa: string;
  rogueClient: CertPair;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function ca(dir: string, name: string): string {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
  ]);
  return join(dir, `${name}.crt`);
}

function signed(dir: string, caName: string, name: string, extensions: string): CertPair {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${caName}.crt`,
    '-CAkey',
    `${caName}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/**
 * A throw-away PKI made with openssl for TLS to a lab etcd: a CA, a server certificate for the
 * given IP addresses, a client certificate, and a rogue CA with its own client certificate.
 * Remove `dir` when done (`lab.ownPath(pki.dir)`).
 */
export function createLabPki(serverIps: readonly string[]): LabPki {
  const dir = mkdtempSync(join(tmpdir(), 'link-pki-'));
  const caCert = ca(dir, 'ca');
  const server = signed(
    dir,
    'ca',
    'etcd-server',
    `subjectAltName=${serverIps.map((ip) => `IP:${ip}`).join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`,
  );
  const client = signed(dir, 'ca', 'link', 'extendedKeyUsage=clientAuth\n');
  const rogueCa = ca(dir, 'rogue-ca');
  const rogueClient = signed(dir, 'rogue-ca', 'rogue', 'extendedKeyUsage=clientAuth\n');
  return { dir, ca: caCert, server, client, rogueCa, rogueClient };
}

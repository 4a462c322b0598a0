import { describe, expect, it } from 'vitest';
import { parseHost } from '../../../src/cli/client/base-url.js';
import { renderTable } from '../../../src/cli/client/format.js';
import { parseHealthCheckArg } from '../../../src/cli/client/health-check-arg.js';

describe('parseHost', () => {
  it('reads host:port like LinK, and URLs', () => {
    expect(parseHost('127.0.0.1:1313')).toBe('http://127.0.0.1:1313');
    expect(parseHost('link.internal')).toBe('http://link.internal:1313');
    expect(parseHost('[::1]:1414')).toBe('http://[::1]:1414');
    expect(parseHost('http://h:1313/')).toBe('http://h:1313');
    expect(parseHost('https://link.example')).toBe('https://link.example');
    expect(parseHost('HTTPS://link.example:8443/link/')).toBe('https://link.example:8443/link');
  });

  it('refuses what is not an HTTP address', () => {
    for (const bad of ['', 'ftp://h', 'http://', 'h:99999', 'http://u:p@h', 'h:1?x=1']) {
      expect(parseHost(bad), bad).toBeUndefined();
    }
  });
});

describe('parseHealthCheckArg', () => {
  it("reads LinK's TCP form and HTTP(S) with path and status", () => {
    expect(parseHealthCheckArg('TCP 10.0.0.5:5432')).toEqual({ type: 'TCP', host: '10.0.0.5', port: 5432 });
    expect(parseHealthCheckArg('tcp  db.local:1')).toEqual({ type: 'TCP', host: 'db.local', port: 1 });
    expect(parseHealthCheckArg('TCP [fd00::5]:5432')).toEqual({ type: 'TCP', host: 'fd00::5', port: 5432 });
    expect(parseHealthCheckArg('HTTP web:80')).toEqual({
      type: 'HTTP',
      host: 'web',
      port: 80,
      path: '/',
      expect_status: '200-399',
    });
    expect(parseHealthCheckArg('HTTPS web:443/healthz?full=1 204')).toEqual({
      type: 'HTTPS',
      host: 'web',
      port: 443,
      path: '/healthz?full=1',
      expect_status: '204',
    });
  });

  it('refuses other shapes', () => {
    for (const bad of [
      'TCP',
      'TCP db',
      'UDP db:1',
      'TCP db:1/path',
      'TCP db:1 200',
      'HTTP web:80 ok',
      'TCP fd00::5:1',
      'db:1',
    ]) {
      expect(parseHealthCheckArg(bad), bad).toBeUndefined();
    }
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell', () => {
    expect(
      renderTable(
        ['A', 'BB'],
        [
          ['xxx', 'y'],
          ['z', ''],
        ],
      ),
    ).toBe('A    BB\n---  --\nxxx  y\nz');
  });
});

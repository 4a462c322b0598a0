import type { WireHealthCheck } from '../../model/endpoint-schema.js';

export const HEALTH_CHECK_SYNTAX =
  '"TCP host:port", "HTTP host:port/path" or "HTTPS host:port/path [200-399]"';

/**
 * One `--health-check` value, LinK's `"TCP 10.0.0.5:5432"` plus HTTP(S) with an optional path
 * and accepted status range. IPv6 hosts go in brackets: `"TCP [fd00::5]:5432"`. Undefined when
 * unreadable; the API validates the rest (port range, status range) and names the field.
 */
export function parseHealthCheckArg(value: string): WireHealthCheck | undefined {
  const match =
    /^\s*(tcp|https?)\s+(?:\[([^\]\s]+)\]|([^\s:/[\]]+)):(\d+)(\/\S*)?(?:\s+(\d{3}(?:-\d{3})?))?\s*$/i.exec(
      value,
    );
  if (!match) return undefined;
  const type = match[1]!.toUpperCase() as 'TCP' | 'HTTP' | 'HTTPS';
  const host = (match[2] ?? match[3])!;
  const port = Number(match[4]);
  const path = match[5];
  const status = match[6];
  if (type === 'TCP') return path === undefined && status === undefined ? { type, host, port } : undefined;
  return { type, host, port, path: path ?? '/', expect_status: status ?? '200-399' };
}

export function describeWireCheck(check: WireHealthCheck): string {
  const host = check.host.includes(':') ? `[${check.host}]` : check.host;
  return check.type === 'TCP'
    ? `TCP - ${host}:${check.port}`
    : `${check.type} - ${host}:${check.port}${check.path}`;
}

/** One configured health check, LinK's TCP shape plus HTTP(S). */
export type HealthCheck =
  | { type: 'TCP'; host: string; port: number }
  | {
      type: 'HTTP' | 'HTTPS';
      host: string;
      port: number;
      path: string;
      /** Accepted status range, inclusive. */
      expectStatus: [number, number];
    };

export interface ProbeResult {
  ok: boolean;
  /** Why it failed, e.g. `ECONNREFUSED 10.0.0.5:80`; empty when ok. */
  detail: string;
  durationMs: number;
}

export interface ProbePort {
  probe(check: HealthCheck, timeoutMs: number): Promise<ProbeResult>;
}

export function describeCheck(check: HealthCheck): string {
  return check.type === 'TCP'
    ? `TCP ${check.host}:${check.port}`
    : `${check.type} ${check.host}:${check.port}${check.path}`;
}

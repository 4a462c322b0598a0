import type { HealthCheck, ProbePort, ProbeResult } from '../../ports/health.js';
import { type HttpProbeOptions, probeHttp } from './http-probe.js';
import { probeTcp } from './tcp-probe.js';

/** The real `ProbePort`: TCP connect checks (LinK's only kind) and HTTP(S) GET checks. */
export class NetProbe implements ProbePort {
  constructor(private readonly options: HttpProbeOptions = {}) {}

  async probe(check: HealthCheck, timeoutMs: number): Promise<ProbeResult> {
    try {
      return check.type === 'TCP'
        ? await probeTcp(check.host, check.port, timeoutMs)
        : await probeHttp(check, timeoutMs, this.options);
    } catch (error) {
      // Synchronous throws (an invalid port, a malformed path) become a failed probe, not a crash.
      return { ok: false, detail: error instanceof Error ? error.message : String(error), durationMs: 0 };
    }
  }
}

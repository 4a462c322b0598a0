import type { Clock } from '../../src/ports/clock.js';
import type { HostProbePort } from '../../src/ports/liveness.js';

/**
 * Hosts' kernels on a simulated network: a probe is answered at once when the target's kernel runs
 * and no cut lies between the two hosts, and times out on the shared clock otherwise.
 */
export class FakeHostNetwork {
  /** Address -> host name. */
  readonly hosts = new Map<string, string>();
  /** Hosts whose kernel is down (crashed, or their link is down). */
  readonly down = new Set<string>();
  /** Pairs `a|b` (both orders) that cannot reach each other. */
  readonly cuts = new Set<string>();
  probes = 0;

  constructor(private readonly clock: Clock) {}

  cut(a: string, b: string): void {
    this.cuts.add(`${a}|${b}`);
    this.cuts.add(`${b}|${a}`);
  }

  heal(): void {
    this.cuts.clear();
  }

  /** The probe port of host `from`. */
  probeFrom(from: string): HostProbePort {
    return {
      probe: (address, _port, timeoutMs) => {
        this.probes += 1;
        const to = this.hosts.get(address);
        const answered =
          to !== undefined && !this.down.has(to) && !this.down.has(from) && !this.cuts.has(`${from}|${to}`);
        if (answered) return Promise.resolve(true);
        return new Promise((resolve) => this.clock.setTimeout(() => resolve(false), timeoutMs));
      },
    };
  }
}

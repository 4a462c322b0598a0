import type { HealthCheck, ProbePort, ProbeResult } from '../../src/ports/health.js';
import type {
  AddressPort,
  AnnouncerPort,
  Conflict,
  LinkState,
  LinkStatePort,
} from '../../src/ports/network.js';

/** Addresses bound on one fake interface. */
export class FakeAddresses implements AddressPort {
  readonly bound = new Set<string>();
  failNext = 0;
  /** Shared across hosts to check the order of binds and unbinds. */
  constructor(
    private readonly name = 'host',
    private readonly journal: string[] = [],
  ) {}
  async has(cidr: string) {
    return this.bound.has(cidr);
  }
  async add(cidr: string) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('RTNETLINK answers: Operation not permitted (fake)');
    }
    if (!this.bound.has(cidr)) this.journal.push(`${this.name} add ${cidr}`);
    this.bound.add(cidr);
  }
  async remove(cidr: string) {
    if (this.bound.has(cidr)) this.journal.push(`${this.name} remove ${cidr}`);
    this.bound.delete(cidr);
  }
}

/** A distinct locally administered MAC per fake host: 02:00:00:00:00:01, ... */
export function fakeMac(n: number): string {
  return `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * Announcements of one fake host. On a shared `segment` (one L2 network), every announcement
 * reaches the other hosts' announcers as a claim from this host's MAC, as the real one sees it.
 */
export class FakeAnnouncer implements AnnouncerPort {
  readonly sent: string[] = [];
  /** When true, announcements are counted but never reach the segment (frames lost on the wire). */
  muted = false;
  /** When true, other stations' announcements never reach this one (cut off the segment). */
  deaf = false;
  private readonly conflictListeners = new Map<string, (c: Conflict) => void>();
  constructor(
    readonly mac = '02:00:00:00:00:01',
    private readonly segment?: Set<FakeAnnouncer>,
  ) {
    segment?.add(this);
  }
  async announce(ip: string) {
    this.sent.push(ip);
    if (this.muted) return;
    // Frames reach every station in the order they were sent, after the send: as on a wire.
    for (const peer of this.segment ?? []) if (peer !== this) queueMicrotask(() => peer.claim(ip, this.mac));
  }
  /** Addresses probed, in order. */
  readonly probed: string[] = [];
  /** Other stations on the segment that have an address (ip -> MAC): they answer probes for it. */
  readonly owners = new Map<string, string>();
  async probe(ip: string) {
    this.probed.push(ip);
    const owner = this.owners.get(ip);
    if (owner !== undefined && !this.muted) queueMicrotask(() => this.claim(ip, owner));
  }
  watchConflicts(ip: string, onConflict: (c: Conflict) => void) {
    this.conflictListeners.set(ip, onConflict);
    return () => {
      if (this.conflictListeners.get(ip) === onConflict) this.conflictListeners.delete(ip);
    };
  }
  claim(ip: string, mac: string) {
    if (this.deaf) return;
    this.conflictListeners.get(ip)?.({ ip, mac });
  }
}

/** Health probes whose outcome the test sets per `host:port`. */
export class FakeProbe implements ProbePort {
  readonly down = new Set<string>();
  readonly probed: string[] = [];
  async probe(check: HealthCheck): Promise<ProbeResult> {
    const target = `${check.host}:${check.port}`;
    this.probed.push(target);
    const ok = !this.down.has(target);
    return { ok, detail: ok ? '' : `ECONNREFUSED ${target}`, durationMs: 1 };
  }
}

/** The VIP interface's link, set by the test: `set(false)` is a pulled cable. */
export class FakeLink implements LinkStatePort {
  private state: LinkState = { up: true, detail: 'eth0: link up' };
  private readonly listeners = new Set<(state: LinkState) => void>();
  watch(listener: (state: LinkState) => void) {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }
  set(up: boolean) {
    this.state = { up, detail: up ? 'eth0: link up' : 'eth0: no carrier (operstate LOWERLAYERDOWN)' };
    for (const listener of [...this.listeners]) listener(this.state);
  }
}

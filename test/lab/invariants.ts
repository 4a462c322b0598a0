import type { Lab, LabNode } from './lab.js';

export type InvariantKind = 'atLeastOne' | 'atMostOne';

export interface InvariantOptions {
  /** VIPs to watch, with or without prefix length. */
  vips: readonly string[];
  /** Hosts whose interfaces may bind them (default: every host of the lab). */
  hosts?: readonly LabNode[];
  /** Time between samples (default 200 ms). */
  everyMs?: number;
  /**
   * A broken invariant counts as a violation only once it has lasted this long (default 1000 ms):
   * a make-before-break handover binds the VIP twice for some tens of milliseconds by design.
   */
  toleranceMs?: number;
  /**
   * Hosts whose agent is healthy now (running, backend up, reaching etcd): while any exists, every
   * VIP needs a holder among the reachable hosts (default: every host).
   */
  healthy?: () => readonly string[];
  /** Hosts the client can reach now (default: every host); a partitioned holder serves no one. */
  reachable?: () => readonly string[];
}

export interface Violation {
  kind: InvariantKind;
  vip: string;
  from: number;
  to: number;
  holders: string[];
  /** Labels of the windows that were open nearest before (for the report). */
  after: string | undefined;
}

interface Window {
  kinds: readonly InvariantKind[];
  from: number;
  to: number;
  label: string;
}

/** One VIP's holders over time: one entry per change. */
export interface HolderChange {
  at: number;
  holders: string[];
}

/**
 * Samples which hosts have each VIP bound (the kernel's view, `ip -j addr`), continuously, and
 * checks LinK's invariants on every sample: at least one reachable holder whenever a healthy agent
 * exists, except in a detection window after a fault; at most one holder outside fault windows.
 */
export class InvariantChecker {
  readonly violations: Violation[] = [];
  readonly timelines = new Map<string, HolderChange[]>();
  samples = 0;
  lastSampleAt = 0;
  readonly #vips: string[];
  readonly #hosts: readonly LabNode[];
  readonly #windows: Window[] = [];
  readonly #streaks = new Map<string, { since: number; recorded: Violation | undefined }>();
  readonly #listeners = new Set<() => void>();
  #current = new Map<string, string[]>();
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly lab: Lab,
    private readonly options: InvariantOptions,
  ) {
    this.#vips = options.vips.map((vip) => vip.split('/')[0] as string);
    this.#hosts = options.hosts ?? lab.hosts;
    for (const vip of this.#vips) this.timelines.set(vip, []);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#wake?.();
    await this.#loop;
  }

  /** Holders of each VIP in the latest sample. */
  holders(vip?: string): string[] {
    return this.#current.get((vip ?? this.#vips[0] ?? '').split('/')[0] as string) ?? [];
  }

  get current(): ReadonlyMap<string, string[]> {
    return this.#current;
  }

  /** No invariant of `kinds` is checked between `from` and `to` (epoch ms). */
  suppress(kinds: readonly InvariantKind[], from: number, to: number, label: string): void {
    this.#windows.push({ kinds, from, to, label });
  }

  /** A detection window after a fault: a VIP may have no holder for `ms` from now. */
  detection(label: string, ms: number, from = Date.now()): void {
    this.suppress(['atLeastOne'], from, from + ms, label);
  }

  /**
   * A fault window: two holders are allowed from now until `end(settleMs)` plus `settleMs`, and
   * until then no holder for `detectionMs`. Returns `end`.
   */
  fault(label: string, detectionMs: number): (settleMs: number) => void {
    const from = Date.now();
    const window: Window = { kinds: ['atMostOne'], from, to: Number.POSITIVE_INFINITY, label };
    this.#windows.push(window);
    this.detection(label, detectionMs, from);
    return (settleMs) => {
      window.to = Date.now() + settleMs;
    };
  }

  /** Resolves at the first sample taken after this call in which `predicate` holds. */
  async until(
    predicate: (holders: ReadonlyMap<string, string[]>) => boolean,
    timeoutMs: number,
    what = 'the invariant checker condition',
  ): Promise<number> {
    const asked = Date.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${this.describe()}`));
      }, timeoutMs);
      const check = () => {
        if (this.lastSampleAt < asked || !predicate(this.#current)) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve(Date.now() - asked);
      };
      this.#listeners.add(check);
    });
  }

  /** Resolves once every VIP has exactly one holder (optionally: among `among`). */
  converged(timeoutMs: number, among?: readonly string[]): Promise<number> {
    return this.until(
      (current) =>
        [...current.values()].every(
          (holders) => holders.length === 1 && (!among || among.includes(holders[0] as string)),
        ),
      timeoutMs,
      'exactly one holder per VIP',
    );
  }

  /** Holders per VIP, grouped: `{"a": 120, "b": 90, "none": 0, "a+b": 1}`. */
  describe(): string {
    const counts = new Map<string, number>();
    for (const holders of this.#current.values()) {
      const label = holders.length === 0 ? 'none' : holders.join('+');
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return JSON.stringify(Object.fromEntries(counts));
  }

  /** The change of holders of `vip` around a moment: the entries from `from` on. */
  changes(vip: string, from = 0): HolderChange[] {
    return (this.timelines.get(vip.split('/')[0] as string) ?? []).filter((c) => c.at >= from);
  }

  async #run(): Promise<void> {
    const every = this.options.everyMs ?? 200;
    while (this.#running) {
      const started = Date.now();
      await this.sample().catch(() => undefined);
      const wait = every - (Date.now() - started);
      if (!this.#running) break;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, Math.max(0, wait));
      });
    }
  }

  /** One sample of every host's addresses, checked against the invariants. */
  async sample(): Promise<void> {
    const before = Date.now();
    const bound = await Promise.all(
      this.#hosts.map(async (host) => {
        try {
          return { host: host.name, addresses: new Set(await this.lab.addressesOf(host)) };
        } catch {
          return { host: host.name, addresses: new Set<string>() };
        }
      }),
    );
    const at = Math.round((before + Date.now()) / 2);
    const next = new Map<string, string[]>();
    for (const vip of this.#vips) {
      next.set(
        vip,
        bound.filter((b) => b.addresses.has(vip)).map((b) => b.host),
      );
    }
    this.#current = next;
    this.samples += 1;
    this.lastSampleAt = at;
    this.#check(at);
    for (const listener of [...this.#listeners]) listener();
  }

  #check(at: number): void {
    const healthy = this.options.healthy?.() ?? this.#hosts.map((h) => h.name);
    const reachable = new Set(this.options.reachable?.() ?? this.#hosts.map((h) => h.name));
    const tolerance = this.options.toleranceMs ?? 1000;
    for (const [vip, holders] of this.#current) {
      const timeline = this.timelines.get(vip) as HolderChange[];
      const last = timeline.at(-1);
      if (!last || last.holders.join() !== holders.join()) timeline.push({ at, holders });
      const broken: Record<InvariantKind, boolean> = {
        atLeastOne: healthy.length > 0 && !holders.some((h) => reachable.has(h)),
        atMostOne: holders.length > 1,
      };
      for (const kind of ['atLeastOne', 'atMostOne'] as const) {
        const key = `${kind} ${vip}`;
        if (!broken[kind] || this.#suppressed(kind, at)) {
          this.#streaks.delete(key);
          continue;
        }
        let streak = this.#streaks.get(key);
        if (!streak) {
          streak = { since: at, recorded: undefined };
          this.#streaks.set(key, streak);
        }
        if (streak.recorded) {
          streak.recorded.to = at;
          streak.recorded.holders = holders;
        } else if (at - streak.since >= tolerance) {
          streak.recorded = {
            kind,
            vip,
            from: streak.since,
            to: at,
            holders,
            after: this.#lastWindowBefore(streak.since)?.label,
          };
          this.violations.push(streak.recorded);
        }
      }
    }
  }

  #suppressed(kind: InvariantKind, at: number): boolean {
    return this.#windows.some((w) => w.kinds.includes(kind) && w.from <= at && at <= w.to);
  }

  #lastWindowBefore(at: number): Window | undefined {
    return this.#windows.filter((w) => w.from <= at).at(-1);
  }
}

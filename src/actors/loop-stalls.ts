import type { Clock } from '../ports/clock.js';

export interface LoopStallsOptions {
  /** How often the watch timer is due (default 100 ms). */
  intervalMs?: number;
  /** Lateness below this is noise, not a stall (default 50 ms). */
  toleranceMs?: number;
  /** How long a stall is remembered (default 60 s). */
  keepMs?: number;
}

interface Stall {
  /** When the late timer finally ran. */
  end: number;
  ms: number;
}

/**
 * When this process's event loop could not run: a timer due every `intervalMs` that fires late
 * says the loop was blocked or starved of CPU for that long. A call to etcd that timed out while
 * the loop stalled says nothing about etcd: its answer may have waited behind the stall.
 */
export class LoopStalls {
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  readonly #keepMs: number;
  readonly #stalls: Stall[] = [];
  #last = 0;
  #timer: unknown;
  #running = false;

  constructor(
    private readonly clock: Clock,
    options: LoopStallsOptions = {},
  ) {
    this.#intervalMs = options.intervalMs ?? 100;
    this.#toleranceMs = options.toleranceMs ?? 50;
    this.#keepMs = options.keepMs ?? 60_000;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    this.clock.clearTimeout(this.#timer);
  }

  /** Milliseconds the loop stalled since `since` (a `clock.now()` value), a stall still going on included. */
  stalledSince(since: number): number {
    const now = this.clock.now();
    let total = this.#running ? this.#lateness(now) : 0;
    for (let i = this.#stalls.length - 1; i >= 0; i--) {
      const stall = this.#stalls[i] as Stall;
      if (stall.end < since) break;
      // Only the part of the stall after `since` counts.
      total += Math.min(stall.ms, stall.end - since);
    }
    return total;
  }

  #lateness(now: number): number {
    const late = now - this.#last - this.#intervalMs;
    return late > this.#toleranceMs ? late : 0;
  }

  #arm(): void {
    this.#last = this.clock.now();
    this.#timer = this.clock.setTimeout(() => this.#tick(), this.#intervalMs);
  }

  #tick(): void {
    if (!this.#running) return;
    const now = this.clock.now();
    const late = this.#lateness(now);
    if (late > 0) this.#stalls.push({ end: now, ms: late });
    while (this.#stalls.length > 0 && (this.#stalls[0] as Stall).end < now - this.#keepMs)
      this.#stalls.shift();
    this.#arm();
  }
}

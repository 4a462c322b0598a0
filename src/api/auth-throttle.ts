/**
 * Slows password guessing per remote address: each failed attempt doubles the time that remote
 * must wait before its next attempt is even checked (from `baseMs` up to `maxMs`), so a guesser
 * gets a few tries a minute however many connections it opens. A success or `forgetMs` of quiet
 * clears the remote. Bounded: the oldest remotes are forgotten beyond `maxRemotes`.
 */
export interface AuthThrottleOptions {
  baseMs?: number;
  maxMs?: number;
  forgetMs?: number;
  maxRemotes?: number;
  now?: () => number;
}

interface Record {
  failures: number;
  /** Epoch ms before which the remote's attempts are not checked. */
  blockedUntil: number;
  last: number;
}

export class AuthThrottle {
  readonly #remotes = new Map<string, Record>();
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #forgetMs: number;
  readonly #maxRemotes: number;
  readonly #now: () => number;

  constructor(options: AuthThrottleOptions = {}) {
    this.#baseMs = options.baseMs ?? 250;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#forgetMs = options.forgetMs ?? 10 * 60_000;
    this.#maxRemotes = options.maxRemotes ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds the remote must still wait before an attempt is checked; 0 when it may try. */
  waitMs(remote: string): number {
    const record = this.#fresh(remote);
    return record ? Math.max(0, record.blockedUntil - this.#now()) : 0;
  }

  /** Records a failure; answers how long the remote now has to wait. */
  failed(remote: string): number {
    const now = this.#now();
    const record = this.#fresh(remote) ?? { failures: 0, blockedUntil: 0, last: now };
    record.failures += 1;
    const delay = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(record.failures - 1, 30));
    record.blockedUntil = now + delay;
    record.last = now;
    // Re-inserted so the map's order is by last failure, oldest first.
    this.#remotes.delete(remote);
    this.#remotes.set(remote, record);
    while (this.#remotes.size > this.#maxRemotes) {
      const oldest = this.#remotes.keys().next().value;
      if (oldest === undefined) break;
      this.#remotes.delete(oldest);
    }
    return delay;
  }

  succeeded(remote: string): void {
    this.#remotes.delete(remote);
  }

  #fresh(remote: string): Record | undefined {
    const record = this.#remotes.get(remote);
    if (record && this.#now() - record.last > this.#forgetMs) {
      this.#remotes.delete(remote);
      return undefined;
    }
    return record;
  }
}

import type { Logger } from '../ports/logger.js';

/** Told the duration of every etcd call the adapter makes, by operation (`txn`, `lease_keepalive`, ...). */
export type EtcdCallObserver = (operation: string, ms: number, ok: boolean) => void;

export interface SlowCallLogOptions {
  logger: Logger;
  /** Monotonic milliseconds. */
  now: () => number;
  /** A call at least this long is slow (etcd itself warns from 100 ms per apply). */
  slowMs?: number;
  /** At most one warning per this many milliseconds; the episode ends after as long without one. */
  quietMs?: number;
}

/** A quarter second: a sixth of the default call deadline, and an etcd whose disk syncs that slowly. */
export const SLOW_ETCD_CALL_MS = 250;

/**
 * Logs slow etcd calls (a slow disk, an overloaded member) without flooding: the first slow call
 * of an episode at once, then at most one line per `quietMs` with how many were slow meanwhile,
 * and one line when the episode ends (no slow call for `quietMs`, and a fast call since).
 */
export function slowCallLog(options: SlowCallLogOptions): EtcdCallObserver {
  const { logger, now } = options;
  const slowMs = options.slowMs ?? SLOW_ETCD_CALL_MS;
  const quietMs = options.quietMs ?? 10_000;
  let episode:
    | { since: number; lastSlowAt: number; loggedAt: number; unlogged: number; slowest: number }
    | undefined;
  let total = 0;
  return (operation, ms, ok) => {
    const at = now();
    if (!ok) return; // failures are logged and counted where they are handled
    if (ms < slowMs) {
      if (episode && at - episode.lastSlowAt >= quietMs) {
        logger.info(
          {
            slowCalls: total,
            slowestMs: Math.round(episode.slowest),
            forMs: Math.round(episode.lastSlowAt - episode.since),
          },
          'etcd calls fast again',
        );
        episode = undefined;
        total = 0;
      }
      return;
    }
    total += 1;
    if (!episode) {
      episode = { since: at, lastSlowAt: at, loggedAt: at, unlogged: 0, slowest: ms };
      logger.warn(
        { operation, ms: Math.round(ms), slowMs },
        'slow etcd call (a slow disk or an overloaded member?)',
      );
      return;
    }
    episode.lastSlowAt = at;
    episode.slowest = Math.max(episode.slowest, ms);
    episode.unlogged += 1;
    if (at - episode.loggedAt >= quietMs) {
      logger.warn(
        { operation, ms: Math.round(ms), slowMs, slowCallsSinceLastLine: episode.unlogged },
        'etcd calls still slow',
      );
      episode.loggedAt = at;
      episode.unlogged = 0;
    }
  };
}

import { fromCallback } from 'xstate';
import type { VipEvent } from '../machines/vip.events.js';
import type { UnbindInput } from '../machines/vip.machine.js';
import type { Clock } from '../ports/clock.js';
import { type Logger, lazyChild } from '../ports/logger.js';
import type { AddressPort, AnnouncerPort } from '../ports/network.js';

export interface UnbinderDeps {
  address: AddressPort;
  /** Sees other stations claim the VIP: the holder's announcement ends an `awaitHolder` wait. */
  announcer: Pick<AnnouncerPort, 'watchConflicts'>;
  /** Whether the last announcement of the VIP seen on the wire was this host's own. */
  spokeLast: (ip: string) => boolean;
  /** Longest `awaitHolder` wait: a holder that has not renewed its lease within a TTL has lost the lock. */
  awaitHolderMs: number;
  /** Asks the holder to announce the VIP now (see `AnnounceRequests`), so the wait ends at once. */
  askHolder?: (ip: string) => void;
  clock: Clock;
  logger: Logger;
  retryMs: number;
}

/**
 * Runs in STANDBY and FAILING: removes the VIP if it is bound (also one left by a crash before a
 * restart), retrying until it is gone so no neighbour keeps reaching a host that dropped it.
 * With `awaitHolder` (demoted after an etcd fault) and neighbours last told that the VIP is here,
 * it first waits for the holder to announce it, so nobody is left pointing at a dropped address.
 */
export function createUnbinderActor(deps: UnbinderDeps) {
  return fromCallback<VipEvent, UnbindInput>(({ input, sendBack }) => {
    const log = lazyChild(deps.logger, { ip: input.ip });
    let stopped = false;
    let retryTimer: unknown;
    let waitTimer: unknown;
    let unwatch: (() => void) | undefined;

    const attempt = async () => {
      try {
        // Stopped while asking: the next state (ACTIVATED, say) may have bound the VIP meanwhile.
        if ((await deps.address.has(input.ip)) && !stopped) {
          await deps.address.remove(input.ip);
          log.info({}, 'VIP unbound');
        }
      } catch (error) {
        if (stopped) return;
        sendBack({ type: 'net.error', detail: `unbind ${input.ip}: ${String(error)}` });
        retryTimer = deps.clock.setTimeout(() => void attempt(), deps.retryMs);
      }
    };

    const awaitHolder = async () => {
      let bound = false;
      try {
        bound = await deps.address.has(input.ip);
      } catch {
        // attempt() reports it and retries
      }
      if (stopped) return;
      if (!bound || !deps.spokeLast(input.ip)) return void attempt();
      log.info({ timeoutMs: deps.awaitHolderMs }, 'keeping the VIP until its holder announces it');
      let waiting = true;
      const finish = (outcome: string) => {
        if (!waiting || stopped) return;
        waiting = false;
        unwatch?.();
        unwatch = undefined;
        deps.clock.clearTimeout(waitTimer);
        log.info({ outcome }, 'unbinding the VIP after the handover to its holder');
        void attempt();
      };
      unwatch = deps.announcer.watchConflicts(input.ip, ({ mac }) => finish(`${mac} announced it`));
      deps.askHolder?.(input.ip);
      waitTimer = deps.clock.setTimeout(() => finish('no announcement in time'), deps.awaitHolderMs);
    };

    if (input.awaitHolder) void awaitHolder();
    else void attempt();
    return () => {
      stopped = true;
      deps.clock.clearTimeout(retryTimer);
      deps.clock.clearTimeout(waitTimer);
      unwatch?.();
    };
  });
}

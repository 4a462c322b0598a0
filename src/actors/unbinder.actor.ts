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
  /** Asks the holder to announce the VIP now (see `AnnounceRequests`), so the wait ends at once. */
  askHolder?: (ip: string) => void;
  clock: Clock;
  logger: Logger;
  retryMs: number;
}

/**
 * Runs in STANDBY, FAILING and DRAINED: removes the VIP if it is bound (also one left by a crash
 * before a restart), retrying until it is gone so no neighbour keeps reaching a host that dropped it.
 * In HANDING_BACK (`awaitHolder`: demoted while holding, or after an etcd fault) it removes nothing: with neighbours
 * last told that the VIP is here, it asks the holder to announce it and reports `handback.done`
 * once another station has; at once when nobody can be pointing here. How long the statechart
 * waits is its own (`awaitHolderTimeout`).
 */
export function createUnbinderActor(deps: UnbinderDeps) {
  return fromCallback<VipEvent, UnbindInput>(({ input, sendBack }) => {
    const log = lazyChild(deps.logger, { ip: input.ip });
    let stopped = false;
    let retryTimer: unknown;
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
        // STANDBY's unbinder reports it and retries.
      }
      if (stopped) return;
      if (!bound || !deps.spokeLast(input.ip)) {
        sendBack({ type: 'handback.done', detail: 'no neighbour can be pointing here' });
        return;
      }
      log.info({}, 'keeping the VIP until its holder announces it');
      unwatch = deps.announcer.watchConflicts(input.ip, ({ mac }) => {
        if (stopped) return;
        unwatch?.();
        unwatch = undefined;
        log.info({ mac }, 'the holder announced the VIP; unbinding it');
        sendBack({ type: 'handback.done', detail: `${mac} announced it` });
      });
      deps.askHolder?.(input.ip);
    };

    if (input.awaitHolder) void awaitHolder();
    else void attempt();
    return () => {
      stopped = true;
      deps.clock.clearTimeout(retryTimer);
      unwatch?.();
    };
  });
}

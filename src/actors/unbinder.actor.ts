import { fromCallback } from 'xstate';
import type { UnbinderCommand } from '../machines/vip.events.js';
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
 * Runs in STANDBY and FAILING: removes the VIP if it is bound (also one left by a crash before a
 * restart), retrying until it is gone so no neighbour keeps reaching a host that dropped it.
 * With `awaitHolder` (demoted after an etcd fault) and neighbours last told that the VIP is here,
 * it first waits for the holder to announce it, so nobody is left pointing at a dropped address;
 * how long is the statechart's (`awaitHolderTimeout`), which then sends `unbind`.
 */
export function createUnbinderActor(deps: UnbinderDeps) {
  return fromCallback<UnbinderCommand, UnbindInput>(({ input, sendBack, receive }) => {
    const log = lazyChild(deps.logger, { ip: input.ip });
    let stopped = false;
    let retryTimer: unknown;
    let unwatch: (() => void) | undefined;
    // Set by the statechart's `unbind`: the wait for the holder is over, even before it began.
    let waitOver = false;
    let endWait: ((outcome: string) => void) | undefined;

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
      if (!bound || !deps.spokeLast(input.ip) || waitOver) return void attempt();
      log.info({}, 'keeping the VIP until its holder announces it');
      const finish = (outcome: string) => {
        if (!endWait || stopped) return;
        endWait = undefined;
        unwatch?.();
        unwatch = undefined;
        log.info({ outcome }, 'unbinding the VIP after the handover to its holder');
        void attempt();
      };
      endWait = finish;
      unwatch = deps.announcer.watchConflicts(input.ip, ({ mac }) => finish(`${mac} announced it`));
      deps.askHolder?.(input.ip);
    };

    receive((command) => {
      if (command.type !== 'unbind') return;
      waitOver = true;
      endWait?.('no announcement in time');
    });

    if (input.awaitHolder) void awaitHolder();
    else void attempt();
    return () => {
      stopped = true;
      deps.clock.clearTimeout(retryTimer);
      unwatch?.();
    };
  });
}

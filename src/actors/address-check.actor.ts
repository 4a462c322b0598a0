import { fromCallback } from 'xstate';
import type { VipEvent } from '../machines/vip.events.js';
import type { AddressCheckInput } from '../machines/vip.machine.js';
import type { Clock } from '../ports/clock.js';
import { type Logger, lazyChild } from '../ports/logger.js';
import type { AnnouncerPort } from '../ports/network.js';

export interface AddressCheckDeps {
  announcer: Pick<AnnouncerPort, 'probe' | 'watchConflicts'>;
  clock: Clock;
  logger: Logger;
  /** Probes sent (RFC 5227 sends 3; a lost frame must not make a used address look free). */
  probes: number;
  /** Time between probes; the machine's `bindCheck` delay bounds the whole check. */
  probeIntervalMs: number;
}

/**
 * Runs in CHECKING_ADDRESS: probes the VIP on the segment without claiming it and reports the
 * first station that answers as `address.taken`. Whether silence means "free" is the machine's
 * `bindCheck` delay, so the wait shows on the chart.
 */
export function createAddressCheckActor(deps: AddressCheckDeps) {
  return fromCallback<VipEvent, AddressCheckInput>(({ input, sendBack }) => {
    const log = lazyChild(deps.logger, { ip: input.ip });
    let stopped = false;
    let timer: unknown;
    let reported = false;
    const unwatch = deps.announcer.watchConflicts(input.ip, ({ mac }) => {
      if (stopped || reported) return;
      reported = true;
      log.warn({ mac }, 'another station answers for the address: not taking it');
      sendBack({ type: 'address.taken', mac });
    });
    const send = async (left: number) => {
      if (stopped || reported || left === 0) return;
      try {
        await deps.announcer.probe(input.ip);
      } catch (error) {
        // Unprobed is not free: report it, keep trying within the window.
        if (!stopped) sendBack({ type: 'net.error', detail: `probe ${input.ip}: ${String(error)}` });
      }
      if (!stopped) timer = deps.clock.setTimeout(() => void send(left - 1), deps.probeIntervalMs);
    };
    void send(deps.probes);
    return () => {
      stopped = true;
      unwatch();
      if (timer !== undefined) deps.clock.clearTimeout(timer);
    };
  });
}

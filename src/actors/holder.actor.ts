import { fromCallback } from 'xstate';
import type { HolderCommand, VipEvent } from '../machines/vip.events.js';
import type { AddressInput } from '../machines/vip.machine.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort, AnnouncerPort } from '../ports/network.js';

export interface HolderDeps {
  address: AddressPort;
  announcer: AnnouncerPort;
  clock: Clock;
  logger: Logger;
  /** Announcement rounds per burst (LinK: 1 + 3) and the time between them. */
  arpCount: number;
  arpIntervalMs: number;
  /** Periodic re-announcement while ACTIVATED; 0 disables it. */
  arpRefreshMs: number;
  /** How often to check that the address is still bound. */
  reconcileMs: number;
  /** Wait before retrying a failed bind. */
  retryMs: number;
  /** Minimum time between two defences against the same conflicting station. */
  conflictHoldoffMs: number;
  onAnnounced?: (ip: string) => void;
  onConflict?: (ip: string, mac: string) => void;
}

/**
 * Runs while ACTIVATED: binds the VIP, announces it in a burst, re-binds it if an operator or DHCP
 * removed it, and defends it when another station claims it. Leaving ACTIVATED stops it without
 * unbinding, so the next state decides (STANDBY unbinds, a hold-stop keeps the address).
 */
export function createHolderActor(deps: HolderDeps) {
  return fromCallback<HolderCommand, AddressInput>(({ input, sendBack, receive }) => {
    const { ip } = input;
    const log = deps.logger.child({ ip });
    const timers = new Set<unknown>();
    let stopped = false;
    let bound = false;
    let lastDefence = Number.NEGATIVE_INFINITY;
    // After an operator failover the successor's claim is the point, not a conflict to answer.
    let yielded = false;

    const later = (ms: number, fn: () => void) => {
      const handle = deps.clock.setTimeout(() => {
        timers.delete(handle);
        if (!stopped) fn();
      }, ms);
      timers.add(handle);
    };
    const send = (event: VipEvent) => {
      if (!stopped) sendBack(event);
    };

    const announceOnce = async () => {
      try {
        await deps.announcer.announce(ip);
        deps.onAnnounced?.(ip);
      } catch (error) {
        log.warn({ err: error }, 'gratuitous announcement failed');
        send({ type: 'net.error', detail: `announce ${ip}: ${errorText(error)}` });
      }
    };

    const burst = (rounds = deps.arpCount) => {
      for (let i = 0; i < rounds; i++) {
        if (i === 0) void announceOnce();
        else later(i * deps.arpIntervalMs, () => void announceOnce());
      }
    };

    const bind = async () => {
      try {
        await deps.address.add(ip);
        bound = true;
        send({ type: 'net.bound' });
        burst();
        later(deps.reconcileMs, () => void reconcile());
      } catch (error) {
        log.error({ err: error }, 'could not bind the VIP; retrying');
        send({ type: 'net.error', detail: `bind ${ip}: ${errorText(error)}` });
        later(deps.retryMs, () => void bind());
      }
    };

    const reconcile = async () => {
      try {
        if (!(await deps.address.has(ip))) {
          log.warn({}, 'VIP vanished from the interface; binding it again');
          send({ type: 'net.error', detail: `${ip} was removed from the interface; re-bound` });
          await deps.address.add(ip);
          burst();
        }
      } catch (error) {
        send({ type: 'net.error', detail: `reconcile ${ip}: ${errorText(error)}` });
      }
      later(deps.reconcileMs, () => void reconcile());
    };

    const refresh = () => {
      if (bound) void announceOnce();
      later(deps.arpRefreshMs, refresh);
    };
    if (deps.arpRefreshMs > 0) later(deps.arpRefreshMs, refresh);

    const offConflicts = deps.announcer.watchConflicts(ip, ({ mac }) => {
      log.warn({ mac }, 'another station claims the VIP');
      deps.onConflict?.(ip, mac);
      send({ type: 'arp.conflict', mac });
      const now = deps.clock.now();
      if (!yielded && now - lastDefence >= deps.conflictHoldoffMs) {
        lastDefence = now;
        void announceOnce();
      }
    });

    receive((command) => {
      if (command.type === 'yield') yielded = true;
      if (command.type === 'reannounce') {
        yielded = false;
        if (bound) burst();
      }
    });

    void bind();
    return () => {
      stopped = true;
      for (const handle of timers) deps.clock.clearTimeout(handle);
      offConflicts();
    };
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

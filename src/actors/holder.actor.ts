import { fromCallback } from 'xstate';
import type { HolderCommand, VipEvent } from '../machines/vip.events.js';
import type { HolderInput } from '../machines/vip.machine.js';
import type { Clock } from '../ports/clock.js';
import { type Logger, lazyChild } from '../ports/logger.js';
import type { AddressPort, AnnouncerPort } from '../ports/network.js';
import type { BoundVips } from './address-reconciler.js';

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
  /**
   * Minimum time between two defences (RFC 5227's DEFEND_INTERVAL); a claim inside it is answered
   * once it has passed, so the lock's holder always has the last word on the wire.
   */
  conflictHoldoffMs: number;
  /**
   * Whether the host lease is still in force by its local deadline. After a process pause or a
   * long etcd outage it is not: the lock may be another host's by now, so the holder neither
   * announces nor defends (timers and claims queued while paused are stale) until the lease is
   * renewed and the election says the lock is still ours (`reannounce`).
   */
  leaseInForce: () => boolean;
  /** The host-wide reconcile: checks the VIP is still on the interface while it is bound here. */
  bound?: Pick<BoundVips, 'track'>;
  /** Subscribes to other hosts' requests to announce the VIP (see `AnnounceRequests`). */
  onAnnounceRequest?: (ip: string, listener: (from: string) => void) => () => void;
  onAnnounced?: (ip: string) => void;
  onConflict?: (ip: string, mac: string) => void;
}

/**
 * Runs while ACTIVATED: binds the VIP (at start and on `bind`), announces it in a burst, re-binds it
 * when the host-wide reconcile finds that an operator or DHCP removed it, and defends it when
 * another station claims it. When to retry is the statechart's (`retryDelay`), when to reconcile
 * the agent statechart's (`reconcileInterval`). Without the
 * lock (bound by the fault policy, or yielded by an operator failover) it does not defend: another
 * station's claim makes it
 * go quiet, so neighbours stay with that station, until a `reannounce` says the lock is ours.
 * Leaving ACTIVATED stops it without unbinding, so the next state decides (STANDBY unbinds, a
 * hold-stop keeps the address).
 */
export function createHolderActor(deps: HolderDeps) {
  return fromCallback<HolderCommand, HolderInput>(({ input, sendBack, receive }) => {
    const { ip } = input;
    const log = lazyChild(deps.logger, { ip });
    const timers = new Set<unknown>();
    let stopped = false;
    let bound = false;
    let untrack: (() => void) | undefined;
    let lastDefence = Number.NEGATIVE_INFINITY;
    let defenceScheduled = false;
    let defending = input.defend;
    // Another station claimed the VIP while we were not defending: no more announcements.
    let quiet = false;

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

    // Announcements skipped for want of a lease in force, logged once per lapse.
    let lapsed = false;
    const announceOnce = async () => {
      if (quiet) return;
      if (defending && !deps.leaseInForce()) {
        if (!lapsed)
          log.warn({}, 'host lease past its local deadline: not announcing the VIP until it is renewed');
        lapsed = true;
        return;
      }
      lapsed = false;
      try {
        // Noted before the frame leaves: a claim heard in answer comes after it and is the last word.
        deps.onAnnounced?.(ip);
        await deps.announcer.announce(ip);
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
        if (stopped) return;
        bound = true;
        untrack ??= deps.bound?.track(reconcile);
        send({ type: 'net.bound' });
        burst();
      } catch (error) {
        log.error({ err: error }, 'could not bind the VIP; retrying');
        send({ type: 'bind.failed', detail: `bind ${ip}: ${errorText(error)}` });
      }
    };

    const reconcile = async () => {
      if (!bound || stopped) return;
      try {
        const present = await deps.address.has(ip);
        // Stopped while the read was in flight: the next state owns the address now (STANDBY
        // unbinds it), and binding it here would leave it on a host that no longer holds the VIP.
        if (stopped) return;
        if (!present) {
          log.warn({}, 'VIP vanished from the interface; binding it again');
          send({ type: 'net.error', detail: `${ip} was removed from the interface; re-bound` });
          try {
            await deps.address.add(ip);
          } catch (error) {
            // Not bound any more: the statechart retries the bind, and says so (`bound: false`).
            bound = false;
            untrack?.();
            untrack = undefined;
            log.error({ err: error }, 'could not bind the VIP again; retrying');
            send({ type: 'bind.failed', detail: `bind ${ip}: ${errorText(error)}` });
            return;
          }
          burst();
        }
      } catch (error) {
        send({ type: 'net.error', detail: `reconcile ${ip}: ${errorText(error)}` });
      }
    };

    const refresh = () => {
      if (bound) void announceOnce();
      later(deps.arpRefreshMs, refresh);
    };
    if (deps.arpRefreshMs > 0) later(deps.arpRefreshMs, refresh);

    const defend = () => {
      if (!defending || stopped) return;
      lastDefence = deps.clock.now();
      void announceOnce();
    };

    const offConflicts = deps.announcer.watchConflicts(ip, ({ mac }) => {
      deps.onConflict?.(ip, mac);
      send({ type: 'arp.conflict', mac });
      if (!defending) {
        if (!quiet) log.info({ mac }, 'another station claims the VIP; not holding the lock, going quiet');
        quiet = true;
        return;
      }
      log.warn({ mac }, 'another station claims the VIP');
      const wait = lastDefence + deps.conflictHoldoffMs - deps.clock.now();
      if (wait <= 0) defend();
      else if (!defenceScheduled) {
        defenceScheduled = true;
        later(wait, () => {
          defenceScheduled = false;
          defend();
        });
      }
    });

    // A host that bound the VIP by the fault policy gives it up once we have announced it.
    const offRequests = deps.onAnnounceRequest?.(ip, (from) => {
      if (!defending || !bound) return;
      log.info({ from }, 'announcing the VIP at the request of a host that bound it during an etcd fault');
      void announceOnce();
    });

    receive((command) => {
      if (command.type === 'bind') void bind();
      if (command.type === 'yield') defending = false;
      if (command.type === 'reannounce') {
        defending = true;
        quiet = false;
        if (bound) burst();
      }
    });

    void bind();
    return () => {
      stopped = true;
      untrack?.();
      for (const handle of timers) deps.clock.clearTimeout(handle);
      offConflicts();
      offRequests?.();
    };
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

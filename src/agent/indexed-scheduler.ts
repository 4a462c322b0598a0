import type { AnyActorRef } from 'xstate';

/**
 * Makes an actor system's `cancelAll` (run for every actor that stops) cancel only that actor's own
 * delayed events. xstate's own looks at every delayed event of the system: with thousands of VIPs,
 * each in a state with an `after` (a reconcile or retry timer), every child actor a transition stops
 * cost a scan of thousands of entries, and a host taking over a crashed host's VIPs spent seconds
 * in it. The delayed events are still scheduled and cancelled by xstate itself; this only remembers
 * which ids each actor scheduled (`after` ids are fixed per state, so the sets stay small).
 */
export function indexDelayedEvents(system: AnyActorRef['system']): void {
  const { scheduler } = system;
  const schedule = scheduler.schedule.bind(scheduler);
  const cancel = scheduler.cancel.bind(scheduler);
  const cancelAll = scheduler.cancelAll.bind(scheduler);
  const idsOf = new WeakMap<AnyActorRef, Set<string>>();
  // An event scheduled without an id gets a random one inside xstate: such an actor keeps the scan.
  const unindexed = new WeakSet<AnyActorRef>();
  scheduler.schedule = (source, target, event, delay, id) => {
    if (id === undefined) unindexed.add(source);
    else {
      let ids = idsOf.get(source);
      if (!ids) {
        ids = new Set();
        idsOf.set(source, ids);
      }
      ids.add(id);
    }
    schedule(source, target, event, delay, id);
  };
  scheduler.cancel = (source, id) => {
    idsOf.get(source)?.delete(id);
    cancel(source, id);
  };
  scheduler.cancelAll = (source) => {
    if (unindexed.has(source)) {
      cancelAll(source);
    } else {
      // Cancelling an id whose event already fired is a no-op in xstate.
      for (const id of idsOf.get(source) ?? []) cancel(source, id);
    }
    idsOf.delete(source);
  };
}

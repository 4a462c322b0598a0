import { fromCallback } from 'xstate';
import type { VipEvent } from '../machines/vip.events.js';
import type { LinkInput } from '../machines/vip.machine.js';
import type { LinkStatePort } from '../ports/network.js';

/**
 * Runs for a VIP's whole life: relays the shared interface watcher's verdicts (`src/net/link-monitor.ts`,
 * one per interface) as `link.down` and `link.up`, so a holder whose link is gone hands over
 * even though etcd, on another path, still renews its lease.
 */
export function createLinkActor(link: LinkStatePort) {
  return fromCallback<VipEvent, LinkInput>(({ sendBack }) => {
    let last: boolean | undefined;
    return link.watch((state) => {
      // The first verdict is reported only when it is bad: a VIP starts assuming the link is up.
      if (state.up === last || (last === undefined && state.up)) {
        last = state.up;
        return;
      }
      last = state.up;
      sendBack(state.up ? { type: 'link.up' } : { type: 'link.down', detail: state.detail });
    });
  });
}

import { fromCallback } from 'xstate';
import type { AgentEvent } from '../machines/agent.machine.js';
import type { LinkStatePort } from '../ports/network.js';

/**
 * Runs for the supervisor's whole life: relays the interface watcher's verdicts
 * (`src/net/address/link-monitor.ts`) as `link.down` and `link.up`, which the supervisor passes to
 * every VIP, so a holder whose link is gone hands over even though etcd, on another path, still
 * renews its lease. One subscription for the host, not one per VIP.
 */
export function createLinkActor(link: LinkStatePort) {
  return fromCallback<AgentEvent>(({ sendBack }) => {
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

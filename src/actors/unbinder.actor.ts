import { fromCallback } from 'xstate';
import type { VipEvent } from '../machines/vip.events.js';
import type { AddressInput } from '../machines/vip.machine.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort } from '../ports/network.js';

export interface UnbinderDeps {
  address: AddressPort;
  clock: Clock;
  logger: Logger;
  retryMs: number;
}

/**
 * Runs in STANDBY and FAILING: removes the VIP if it is bound (also one left by a crash before a
 * restart), retrying until it is gone so no neighbour keeps reaching a host that dropped it.
 */
export function createUnbinderActor(deps: UnbinderDeps) {
  return fromCallback<VipEvent, AddressInput>(({ input, sendBack }) => {
    let stopped = false;
    let timer: unknown;
    const attempt = async () => {
      try {
        if (await deps.address.has(input.ip)) {
          await deps.address.remove(input.ip);
          deps.logger.info({ ip: input.ip }, 'VIP unbound');
        }
      } catch (error) {
        if (stopped) return;
        sendBack({ type: 'net.error', detail: `unbind ${input.ip}: ${String(error)}` });
        timer = deps.clock.setTimeout(() => void attempt(), deps.retryMs);
      }
    };
    void attempt();
    return () => {
      stopped = true;
      deps.clock.clearTimeout(timer);
    };
  });
}

import { fromCallback } from 'xstate';
import type { Logger } from '../ports/logger.js';

/** What the agent's statechart sends the reconciler every `reconcileInterval`. */
export type AddressReconcilerCommand = { type: 'reconcile' };

/**
 * The VIPs this host has bound, each with its holder's check that the address is still on the
 * interface. One host-wide timer runs every check against one read of the interface: a timer per
 * VIP made idle CPU grow with the VIP count (a statechart transition per VIP every interval).
 */
export class BoundVips {
  readonly #checks = new Set<() => Promise<void>>();

  /** Tracks one bound VIP's check until the returned function is called. */
  track(check: () => Promise<void>): () => void {
    this.#checks.add(check);
    return () => {
      this.#checks.delete(check);
    };
  }

  get size(): number {
    return this.#checks.size;
  }

  /** Runs every check; each reports its own outcome to its VIP's statechart. */
  async checkAll(): Promise<void> {
    await Promise.all([...this.#checks].map((check) => check()));
  }
}

/**
 * Runs `BoundVips.checkAll` on each `reconcile`; a round still running when the next is due is
 * not doubled (a slow `ip` read would otherwise pile rounds up).
 */
export function createAddressReconcilerActor(bound: BoundVips, logger: Logger) {
  return fromCallback<AddressReconcilerCommand>(({ receive }) => {
    let running = false;
    receive(() => {
      if (running) return;
      running = true;
      bound
        .checkAll()
        .catch((error: unknown) => logger.error({ err: error }, 'address reconcile round failed'))
        .finally(() => {
          running = false;
        });
    });
  });
}

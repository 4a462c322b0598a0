import type { Endpoint } from '../model/endpoint.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { EndpointStore } from './endpoint-store.js';
import type { HostMaintenance } from './host-maintenance.js';
import type { VipSystem } from './vip-system.js';

export interface EndpointRestoreDeps {
  store: EndpointStore;
  maintenance: HostMaintenance;
  vips: VipSystem;
  clock: Clock;
  logger: Logger;
  /** Before the VIPs start: unbinds what an earlier run left bound and other hosts hold now. */
  unbindStale?: (endpoints: readonly Endpoint[]) => Promise<unknown>;
}

/** How long a start waits before reading the stored endpoints again while etcd is away. */
const RESTORE_RETRY_MS = 1000;

/** At start: the stored endpoints' statecharts started again, retried until etcd answers. */
export class EndpointRestore {
  private retryTimer: unknown;
  #markDone: () => void = () => {};
  /** Resolves once the stored endpoints are back (later than the start when etcd was away then). */
  readonly done = new Promise<void>((resolve) => {
    this.#markDone = resolve;
  });

  constructor(private readonly deps: EndpointRestoreDeps) {}

  async run(): Promise<void> {
    const { store, vips, clock, logger } = this.deps;
    let stored: Awaited<ReturnType<EndpointStore['readAll']>>;
    try {
      // The drained flag first: a VIP restored on a drained host must never enter the election.
      await this.deps.maintenance.restoreFlag();
      stored = await store.readAll();
    } catch (error) {
      logger.warn({ err: error }, 'could not read stored endpoints; retrying in 1 s');
      this.retryTimer = clock.setTimeout(() => void this.run(), RESTORE_RETRY_MS);
      return;
    }
    const restored: Endpoint[] = [];
    for (const record of stored) {
      if ('error' in record) {
        // A corrupt record is skipped and left in place for an operator to inspect or fix.
        logger.error({ err: record.error, key: record.key }, 'skipping a corrupt stored endpoint');
        continue;
      }
      if (vips.runs(record.endpoint)) continue;
      vips.index([record.endpoint]);
      restored.push(record.endpoint);
    }
    try {
      await this.deps.unbindStale?.(restored);
    } catch (error) {
      // The statecharts unbind them too, each once etcd has answered: later, not never.
      logger.warn({ err: error }, 'could not check for addresses left by an earlier run');
    }
    await vips.spawnInBatches(restored);
    logger.info({ endpoints: Object.keys(vips.vips()).length }, 'endpoints restored');
    this.#markDone();
  }

  /** At shutdown: no retry after it. */
  cancel(): void {
    this.deps.clock.clearTimeout(this.retryTimer);
  }
}

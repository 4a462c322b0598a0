import { DrainRefusedError } from '../model/errors.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { KvPort, LockPort } from '../ports/coordination.js';
import type { Logger } from '../ports/logger.js';
import type { Caller, DrainReport, EndpointView } from './agent-service.js';
import type { StatusPublisher } from './status-publisher.js';
import type { TransitionRecorder } from './transition-recorder.js';
import type { VipSystem } from './vip-system.js';
import type { VipViews } from './vip-views.js';
import { waitWhile } from './vip-waits.js';

export interface HostMaintenanceDeps {
  hostname: string;
  kv: KvPort;
  locks: LockPort;
  clock: Clock;
  logger: Logger;
  publisher: StatusPublisher;
  /** Whether hosts publish their status; without it, a linked host counts as able to take a VIP. */
  publishStatus: boolean;
  handoverTimeoutMs: number;
  vips: VipSystem;
  views: VipViews;
  recorder: TransitionRecorder;
}

/**
 * Maintenance: a drained host hands every VIP it holds over make-before-break (the graceful stop's
 * path) and stays out of elections, across restarts, until undrained. The flag lives in etcd
 * (`/link/maintenance/<host>`), not on the lease.
 */
export class HostMaintenance {
  constructor(private readonly deps: HostMaintenanceDeps) {}

  /** At start, before any VIP is restored: a VIP restored on a drained host must never enter the election. */
  async restoreFlag(): Promise<void> {
    const { kv, hostname, vips, logger } = this.deps;
    if ((await kv.get(keys.maintenance(hostname))) !== undefined && !vips.drained) {
      logger.info({}, 'this host is drained for maintenance: its VIPs stay out of elections');
      vips.send({ type: 'host.drain' });
    }
  }

  /**
   * Refused when a held VIP has no other host to go to (linked, not drained, and STANDBY as last
   * published), unless forced.
   */
  async drain({ force, caller }: { force: boolean; caller?: Caller | undefined }): Promise<DrainReport> {
    const { kv, hostname, clock, vips, views, recorder } = this.deps;
    const held = views.list().filter((view) => view.status === 'ACTIVATED');
    if (!force && held.length > 0) {
      const orphans = await this.withoutSuccessor(held);
      if (orphans.length > 0)
        throw new DrainRefusedError(
          `no other host can take ${orphans.join(', ')}: every other host is absent, drained or not STANDBY ` +
            '(force it to drain anyway, and these VIPs go unbound)',
        );
    }
    await kv.put(
      keys.maintenance(hostname),
      JSON.stringify({ hostname, drained_at: new Date(clock.now()).toISOString() }),
    );
    const refs = Object.values(vips.vips());
    for (const view of views.list()) recorder.apiWrite(view.id, view.ip, 'drain', caller);
    vips.send({ type: 'host.drain' });
    const timeoutMs = this.deps.handoverTimeoutMs + 1000;
    await Promise.all(refs.map((ref) => waitWhile(ref, 'DRAINING', clock, timeoutMs)));
    // Out of the election, the VIPs no longer follow the lock: ask etcd who holds them now.
    const holders = await Promise.all(
      held.map((view) =>
        this.deps.locks.read(keys.lock(view.election_key)).then(
          (lock) => lock?.holder ?? null,
          () => null,
        ),
      ),
    );
    return {
      drained: true,
      handed_over: held.map((view, i) => ({ id: view.id, ip: view.ip, holder: holders[i] ?? null })),
    };
  }

  async undrain(caller?: Caller): Promise<void> {
    const { kv, hostname, vips, views, recorder } = this.deps;
    await kv.delete(keys.maintenance(hostname));
    for (const view of views.list()) recorder.apiWrite(view.id, view.ip, 'undrain', caller);
    vips.send({ type: 'host.undrain' });
  }

  /** Hosts drained for maintenance, cluster-wide. */
  async drainedHosts(): Promise<string[]> {
    const flags = await this.deps.kv.list(keys.maintenancePrefix);
    return [...flags.keys()].map((key) => key.slice(keys.maintenancePrefix.length)).sort();
  }

  /** The IPs among `held` that no other host could take now. */
  private async withoutSuccessor(held: EndpointView[]): Promise<string[]> {
    const { hostname, publisher } = this.deps;
    // Three reads whatever the number of VIPs: a host draining a thousand VIPs asks once.
    const [drained, statuses, linked] = await Promise.all([
      this.drainedHosts(),
      publisher.readAll(),
      publisher.allLinks(),
    ]);
    const status = new Map(statuses.map((s) => [`${s.electionKey}/${s.hostname}`, s.status]));
    const canTake = (electionKey: string, host: string) => {
      if (host === hostname || drained.includes(host)) return false;
      const published = status.get(`${electionKey}/${host}`);
      return published === undefined ? !this.deps.publishStatus : published === 'STANDBY';
    };
    return held
      .filter(
        (view) => !(linked.get(view.election_key) ?? []).some((host) => canTake(view.election_key, host)),
      )
      .map((view) => view.ip);
  }
}

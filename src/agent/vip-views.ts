import type { HostLease } from '../actors/host-lease.js';
import { boundOf, statusOf } from '../machines/vip.status.js';
import type { EndpointView } from './agent-service.js';
import type { EndpointRow } from './endpoint-query.js';
import { toEndpointView } from './endpoint-view.js';
import type { VipSystem } from './vip-system.js';

/** The API's reads: each VIP's snapshot projected into the view the API and the live view show. */
export class VipViews {
  constructor(
    private readonly vips: VipSystem,
    private readonly hostLease: Pick<HostLease, 'inForce'>,
  ) {}

  get(id: string): EndpointView | undefined {
    const ref = this.vips.ref(id);
    if (!ref) return undefined;
    const snapshot = ref.getSnapshot();
    const { endpoint, holder, revision, health, lastFault, conflicts, conflictMac } = snapshot.context;
    return toEndpointView(endpoint, {
      status: statusOf(snapshot),
      bound: boundOf(snapshot),
      holder: holder ?? null,
      fencingToken: revision ?? null,
      leaseDeadline: this.hostLease.inForce?.deadline ?? null,
      health: health ?? null,
      lastFault: lastFault ?? null,
      conflicts,
      conflictMac: statusOf(snapshot) === 'ADDRESS_CONFLICT' ? (conflictMac ?? null) : null,
    });
  }

  list(): EndpointView[] {
    return Object.keys(this.vips.vips())
      .map((id) => this.get(id))
      .filter((view): view is EndpointView => view !== undefined);
  }

  /**
   * Id, IP, state and holder only, in id order (the order of paged listings): cheap enough for
   * listings to filter thousands of VIPs. The ids are sorted once per set of VIPs, not per request.
   */
  rows(): EndpointRow[] {
    const vips = this.vips.vips();
    let ids = this.#sortedIds.get(vips);
    if (!ids) {
      ids = Object.keys(vips).sort();
      this.#sortedIds.set(vips, ids);
    }
    return ids.flatMap((id) => {
      const ref = vips[id];
      if (!ref) return [];
      const snapshot = ref.getSnapshot();
      const { endpoint, holder } = snapshot.context;
      return [{ id, ip: endpoint.ip, status: statusOf(snapshot), holder: holder ?? null }];
    });
  }

  /** The supervisor's record of VIPs is a new object whenever one comes or goes. */
  readonly #sortedIds = new WeakMap<object, string[]>();
}

import { type Endpoint, electionKeyOf } from '../model/endpoint.js';
import { ChangesIncompleteError, ChangesRefusedError } from '../model/errors.js';
import { keys } from '../model/keys.js';
import type { KvPort, KvWrite } from '../ports/coordination.js';

import type { Caller, ChangesApplied, EndpointChanges } from './agent-service.js';
import { checkChanges } from './endpoint-changes.js';
import type { EndpointStore } from './endpoint-store.js';
import { endpointFrom } from './new-endpoint.js';
import type { TransitionRecorder } from './transition-recorder.js';
import type { VipSystem } from './vip-system.js';
import type { VipViews } from './vip-views.js';

/** What creating, updating and deleting endpoints needs. */
export interface ApplyChangesDeps {
  hostname: string;
  /** For bulk writes, which store records, link and status keys in the same transactions. */
  kv: KvPort;
  store: EndpointStore;
  vips: VipSystem;
  views: VipViews;
  recorder: TransitionRecorder;
  /** 0 or less: no limit. */
  maxEndpoints: number;
  /** Why a new endpoint's CIDR may not be taken (vip-range-policy.ts), or undefined; none: any. */
  vipProblem?: ((cidr: string) => string | undefined) | undefined;
}

/**
 * Many writes as one request: checked as a whole first (every problem listed, nothing changed
 * when there is one), then written in etcd transactions of at most 128 operations, each acted
 * on as soon as it is stored: deletes stop their VIPs, updates reach theirs, creates spawn.
 * Resolves once the deleted VIPs are released.
 */
export async function applyChanges(
  deps: ApplyChangesDeps,
  changes: EndpointChanges,
  options: { dryRun?: boolean; caller?: Caller },
): Promise<ChangesApplied> {
  const { vips, views, store, recorder, kv, hostname } = deps;
  const errors = checkChanges(changes, vips.current(), deps.maxEndpoints, deps.vipProblem);
  if (Object.keys(errors).length > 0) throw new ChangesRefusedError(errors);
  if (options.dryRun) return { created: [], updated: [], deleted: [] };
  const creates = (changes.create ?? []).map(endpointFrom);
  const creating = creates.map((e) => electionKeyOf(e.ip));
  for (const key of creating) vips.reserve(key);
  const applied: ChangesApplied = { created: [], updated: [], deleted: [] };
  const stage = { name: 'delete', done: 0, total: 0 };
  try {
    const deletes = changes.delete ?? [];
    stage.total = deletes.length;
    const released: Promise<void>[] = [];
    // The record, and the link and status keys saying this host takes part, in the same
    // transactions: thousands of single deletes at once opened the etcd client's circuit breaker.
    await kv.writeBatch(
      deletes.flatMap((id): KvWrite[] => {
        const ip = vips.ref(id)?.getSnapshot().context.endpoint.ip;
        const linked =
          ip === undefined
            ? []
            : [keys.link(electionKeyOf(ip), hostname), keys.status(electionKeyOf(ip), hostname)];
        return [keys.endpoint(hostname, id), ...linked].map((key) => ({ type: 'delete', key }));
      }),
      (chunk) => {
        for (const write of chunk) {
          const id = store.idOf(write.key);
          if (id === undefined) continue;
          const ref = vips.ref(id);
          if (ref) {
            recorder.apiWrite(id, ref.getSnapshot().context.endpoint.ip, 'delete', options.caller);
            released.push(vips.remove(ref, id));
          }
          applied.deleted.push(id);
          stage.done += 1;
        }
      },
    );

    Object.assign(stage, { name: 'update', done: 0, total: changes.update?.length ?? 0 });
    const updates = (changes.update ?? []).flatMap((update) => {
      const ref = vips.ref(update.id);
      if (!ref) return [];
      const before = ref.getSnapshot().context.endpoint;
      const endpoint: Endpoint = {
        ...before,
        checks: update.checks,
        healthcheckInterval: update.healthcheckInterval ?? before.healthcheckInterval,
      };
      return [{ ref, endpoint }];
    });
    const updateById = new Map(updates.map((u) => [u.endpoint.id, u]));
    await kv.writeBatch(
      updates.map(({ endpoint }) => store.write(endpoint)),
      (chunk) => {
        for (const write of chunk) {
          const update = updateById.get(store.idOf(write.key) ?? '');
          if (!update) continue;
          const { ref, endpoint } = update;
          ref.send({
            type: 'checks.update',
            checks: endpoint.checks,
            intervalMs: endpoint.healthcheckInterval * 1000,
          });
        }
        stage.done += chunk.length;
      },
    );
    for (const { endpoint } of updates) {
      recorder.apiWrite(endpoint.id, endpoint.ip, 'update', options.caller);
      const view = views.get(endpoint.id);
      if (view) applied.updated.push(view);
    }

    // An IP deleted and created again must be released by its old statechart first, or the old
    // one's unbind could follow the new one's bind.
    if (creates.length > 0) await Promise.all(released);
    Object.assign(stage, { name: 'create', done: 0, total: creates.length });
    // Every record first, then the statecharts: VIPs starting while records are being written
    // would keep the event loop busy past the writes' etcd deadlines on a loaded host. What
    // was stored runs even if etcd refuses the rest, as it would after a restart.
    const createById = new Map(creates.map((e) => [e.id, e]));
    const stored: Endpoint[] = [];
    try {
      await kv.writeBatch(
        creates.map((endpoint) => store.write(endpoint)),
        (chunk) => {
          for (const write of chunk) {
            const endpoint = createById.get(store.idOf(write.key) ?? '');
            if (endpoint) stored.push(endpoint);
          }
          stage.done += chunk.length;
        },
      );
    } finally {
      // Indexed at once, so concurrent creates see every IP while the slices start.
      vips.index(stored);
      for (const key of creating) vips.unreserve(key);
      await vips.spawnInBatches(stored);
    }
    for (const e of creates) {
      if (vips.ref(e.id)) recorder.apiWrite(e.id, e.ip, 'create', options.caller);
      const view = views.get(e.id);
      if (view) applied.created.push(view);
    }
    await Promise.all(released);
    return applied;
  } catch (error) {
    throw new ChangesIncompleteError(
      `stopped at the ${stage.name}s, ${stage.done} of ${stage.total} applied (deleted ${applied.deleted.length}, updated ${applied.updated.length}): ${error instanceof Error ? error.message : String(error)}; send the request again to finish it`,
      { cause: error },
    );
  } finally {
    for (const key of creating) vips.unreserve(key);
  }
}

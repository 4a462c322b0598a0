import { electionKeyOf } from '../model/endpoint.js';
import {
  DuplicateEndpointError,
  EndpointNotFoundError,
  TooManyEndpointsError,
  VipRefusedError,
} from '../model/errors.js';
import type { HealthCheck } from '../ports/health.js';
import type { Caller, ChangesApplied, EndpointChanges, EndpointView, NewEndpoint } from './agent-service.js';
import { type ApplyChangesDeps, applyChanges } from './apply-changes.js';

import { endpointFrom } from './new-endpoint.js';
import type { StatusPublisher } from './status-publisher.js';

export interface EndpointWritesDeps extends ApplyChangesDeps {
  publisher: StatusPublisher;
}

/**
 * Endpoint writes, one at a time or many as one request: each is stored in etcd first, then acted
 * on by its statechart, so what runs is what a restart would restore.
 */
export class EndpointWrites {
  constructor(private readonly deps: EndpointWritesDeps) {}

  async create(spec: NewEndpoint, caller?: Caller): Promise<EndpointView> {
    const { vips, store } = this.deps;
    const electionKey = electionKeyOf(spec.ip);
    const current = vips.current();
    const existing = current.idOfKey(electionKey);
    if (existing) throw new DuplicateEndpointError(spec.ip, existing);
    const max = this.deps.maxEndpoints;
    if (max > 0 && current.count >= max) throw new TooManyEndpointsError(max);
    const refused = this.deps.vipProblem?.(spec.ip);
    if (refused !== undefined) throw new VipRefusedError(spec.ip, refused);
    vips.reserve(electionKey);
    try {
      const endpoint = endpointFrom(spec);
      await store.put(endpoint);
      vips.spawn([endpoint]);
      this.deps.recorder.apiWrite(endpoint.id, endpoint.ip, 'create', caller);
      return this.deps.views.get(endpoint.id) as EndpointView;
    } finally {
      vips.unreserve(electionKey);
    }
  }

  async updateChecks(id: string, checks: HealthCheck[], caller?: Caller): Promise<EndpointView> {
    const ref = this.deps.vips.ref(id);
    if (!ref) throw new EndpointNotFoundError(id);
    const endpoint = { ...ref.getSnapshot().context.endpoint, checks };
    await this.deps.store.put(endpoint);
    ref.send({ type: 'checks.update', checks, intervalMs: endpoint.healthcheckInterval * 1000 });
    this.deps.recorder.apiWrite(id, endpoint.ip, 'update', caller);
    return this.deps.views.get(id) as EndpointView;
  }

  async remove(id: string, caller?: Caller): Promise<void> {
    const ref = this.deps.vips.ref(id);
    if (!ref) throw new EndpointNotFoundError(id);
    const { endpoint } = ref.getSnapshot().context;
    this.deps.recorder.apiWrite(id, endpoint.ip, 'delete', caller);
    // Forget the record first: if etcd refuses, nothing has changed and the caller can retry.
    await this.deps.store.delete(id);
    await this.deps.publisher.unlink(electionKeyOf(endpoint.ip));
    await this.deps.vips.remove(ref, id);
  }

  /** Many writes as one request: see `applyChanges`. */
  apply(changes: EndpointChanges, options: { dryRun?: boolean; caller?: Caller }): Promise<ChangesApplied> {
    return applyChanges(this.deps, changes, options);
  }
}

import { randomUUID } from 'node:crypto';
import type {
  AgentService,
  Caller,
  ChangesApplied,
  DrainReport,
  EndpointChanges,
  EndpointView,
  LeaseView,
  NewEndpoint,
  PeerStatus,
  TransitionRecord,
} from '../../src/agent/agent-service.js';
import { checkChanges } from '../../src/agent/endpoint-changes.js';
import type { EndpointRow } from '../../src/agent/endpoint-query.js';
import { NO_FACTS_YET, toEndpointView } from '../../src/agent/endpoint-view.js';
import type { VipStatus } from '../../src/machines/vip.status.js';
import {
  ChangesRefusedError,
  DrainRefusedError,
  DuplicateEndpointError,
  EndpointNotFoundError,
  FailoverRefusedError,
  ShuttingDownError,
  TooManyEndpointsError,
} from '../../src/model/errors.js';
import type { HealthCheck } from '../../src/ports/health.js';
import { FakeTransitions } from './fake-transitions.js';

export interface FakeAgentOptions {
  hostname?: string;
  version?: string;
  /** 0 or less: no limit, like `--max-endpoints`. */
  maxEndpoints?: number;
  /** Other hosts that also configure every endpoint; failover is refused when there are none. */
  peers?: string[];
  now?: () => number;
}

/**
 * An in-memory AgentService: endpoints in a map, the domain errors the real agent throws, and
 * knobs to put it in the states the API must answer (shutting down, failing, holder or not).
 */
export class FakeAgent implements AgentService {
  readonly hostname: string;
  readonly version: string;
  readonly endpoints = new Map<string, EndpointView>();
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** The caller the API passed with each write. */
  readonly callers: { method: string; caller: Caller | undefined }[] = [];
  maxEndpoints: number;
  peers: string[];
  shuttingDown = false;
  /** Every method throws this when set: the unexpected failure the API must answer with 500. */
  failWith: Error | undefined;
  leaseView: LeaseView = { leaseId: '7587', deadline: null, etcdReachable: true };
  peerStatuses: PeerStatus[] = [];
  drained = false;
  drainedPeers: string[] = [];
  private readonly transitions: FakeTransitions;
  private readonly now: () => number;

  constructor(options: FakeAgentOptions = {}) {
    this.hostname = options.hostname ?? 'host-a';
    this.version = options.version ?? '0.0.0-test';
    this.maxEndpoints = options.maxEndpoints ?? 1000;
    this.peers = options.peers ?? ['host-b'];
    this.now = options.now ?? Date.now;
    this.transitions = new FakeTransitions(this.hostname, this.now);
  }

  list(): EndpointView[] {
    this.record('list');
    return [...this.endpoints.values()];
  }

  rows(): EndpointRow[] {
    this.record('rows');
    return [...this.endpoints.values()];
  }

  /** The real agent's check, then every write at once. */
  async apply(
    changes: EndpointChanges,
    options: { dryRun?: boolean; caller?: Caller } = {},
  ): Promise<ChangesApplied> {
    this.record('apply', changes, options);
    if (!options.dryRun) this.callers.push({ method: 'apply', caller: options.caller });
    if (this.shuttingDown) throw new ShuttingDownError();
    const views = [...this.endpoints.values()];
    const errors = checkChanges(
      changes,
      {
        byId: (id) => {
          const view = this.endpoints.get(id);
          return (
            view && {
              id,
              ip: view.ip,
              checks: view.checks,
              healthcheckInterval: view.healthcheck_interval,
              faultPolicy: view.fault_policy,
            }
          );
        },
        idOfKey: (key) => views.find((view) => view.election_key === key)?.id,
        count: this.endpoints.size,
      },
      this.maxEndpoints,
    );
    if (Object.keys(errors).length > 0) throw new ChangesRefusedError(errors);
    if (options.dryRun) return { created: [], updated: [], deleted: [] };
    const deleted = changes.delete ?? [];
    for (const id of deleted) this.endpoints.delete(id);
    const updated = (changes.update ?? []).map((update) => {
      const view = this.require(update.id);
      const next = {
        ...view,
        checks: update.checks,
        healthcheck_interval: update.healthcheckInterval ?? view.healthcheck_interval,
      };
      this.endpoints.set(view.id, next);
      return next;
    });
    const created = (changes.create ?? []).map((spec) => ({
      ...this.seed(spec),
      status: 'BOOTING' as const,
    }));
    for (const view of created) this.endpoints.set(view.id, view);
    return { created, updated, deleted };
  }

  get(id: string): EndpointView | undefined {
    this.record('get', id);
    return this.endpoints.get(id);
  }

  async create(spec: NewEndpoint, caller?: Caller): Promise<EndpointView> {
    this.record('create', spec);
    this.callers.push({ method: 'create', caller });
    if (this.shuttingDown) throw new ShuttingDownError();
    const existing = [...this.endpoints.values()].find((view) => view.ip === spec.ip);
    if (existing) throw new DuplicateEndpointError(spec.ip, existing.id);
    if (this.maxEndpoints > 0 && this.endpoints.size >= this.maxEndpoints) {
      throw new TooManyEndpointsError(this.maxEndpoints);
    }
    const view = toEndpointView({ id: `vip-${randomUUID()}`, ...spec }, NO_FACTS_YET);
    this.endpoints.set(view.id, view);
    return view;
  }

  async updateChecks(id: string, checks: HealthCheck[], caller?: Caller): Promise<EndpointView> {
    this.record('updateChecks', id, checks);
    this.callers.push({ method: 'updateChecks', caller });
    if (this.shuttingDown) throw new ShuttingDownError();
    const view = this.require(id);
    const updated = { ...view, checks };
    this.endpoints.set(id, updated);
    return updated;
  }

  async remove(id: string, caller?: Caller): Promise<void> {
    this.record('remove', id);
    this.callers.push({ method: 'remove', caller });
    if (this.shuttingDown) throw new ShuttingDownError();
    this.require(id);
    this.endpoints.delete(id);
  }

  async failover(id: string, caller?: Caller): Promise<void> {
    this.record('failover', id);
    this.callers.push({ method: 'failover', caller });
    const view = this.require(id);
    if (view.status !== 'ACTIVATED') throw new FailoverRefusedError(`this host does not hold ${view.ip}`);
    if (this.peers.length === 0) throw new FailoverRefusedError(`no other host participates for ${view.ip}`);
    this.setStatus(id, 'STANDBY', 'failover', 'failover requested');
  }

  async hosts(id: string): Promise<string[]> {
    this.record('hosts', id);
    this.require(id);
    return [this.hostname, ...this.peers];
  }

  history(id?: string): TransitionRecord[] {
    this.record('history', id);
    return this.transitions.history(id);
  }

  onTransition(listener: (record: TransitionRecord) => void): () => void {
    return this.transitions.subscribe(listener);
  }

  get listenerCount(): number {
    return this.transitions.listenerCount;
  }

  async cluster(electionKeys?: readonly string[]): Promise<PeerStatus[]> {
    this.record('cluster');
    return electionKeys
      ? this.peerStatuses.filter((status) => electionKeys.includes(status.electionKey))
      : this.peerStatuses;
  }

  lease(): LeaseView {
    this.record('lease');
    return this.leaseView;
  }

  /** Drains like the agent: refused while a held VIP has no peer, unless forced. */
  async drain({ force }: { force: boolean }): Promise<DrainReport> {
    this.record('drain', { force });
    if (this.shuttingDown) throw new ShuttingDownError();
    const held = [...this.endpoints.values()].filter((view) => view.status === 'ACTIVATED');
    if (!force && held.length > 0 && this.peers.length === 0)
      throw new DrainRefusedError(`no other host can take ${held.map((v) => v.ip).join(', ')}`);
    this.drained = true;
    for (const view of this.endpoints.values()) this.setStatus(view.id, 'DRAINED', 'drain', 'host drained');
    return {
      drained: true,
      handed_over: held.map((view) => ({ id: view.id, ip: view.ip, holder: this.peers[0] ?? null })),
    };
  }

  async undrain(): Promise<void> {
    this.record('undrain');
    if (this.shuttingDown) throw new ShuttingDownError();
    this.drained = false;
    for (const view of this.endpoints.values())
      this.setStatus(view.id, 'STANDBY', 'undrain', 'host undrained');
  }

  async drainedHosts(): Promise<string[]> {
    this.record('drainedHosts');
    return [...(this.drained ? [this.hostname] : []), ...this.drainedPeers].sort();
  }

  machineDefinition(): unknown {
    return { id: 'vip', states: {} };
  }

  /** Moves an endpoint to a status and reports the transition, as the statechart would. */
  setStatus(id: string, to: VipStatus, event = 'test', cause = 'set by test'): TransitionRecord {
    const view = this.endpoints.get(id);
    if (!view) throw new EndpointNotFoundError(id);
    this.endpoints.set(id, { ...view, status: to, holder: to === 'ACTIVATED' ? this.hostname : view.holder });
    return this.transitions.record(view, to, event, cause);
  }

  /** Adds an endpoint directly, bypassing create's checks. */
  seed(spec: Partial<NewEndpoint> & { ip: string }): EndpointView {
    const id = `vip-${randomUUID()}`;
    const endpoint = {
      id,
      ip: spec.ip,
      checks: spec.checks ?? [],
      healthcheckInterval: spec.healthcheckInterval ?? 0,
      faultPolicy: spec.faultPolicy ?? 'activate',
    };
    const view = toEndpointView(endpoint, { ...NO_FACTS_YET, status: 'STANDBY' });
    this.endpoints.set(id, view);
    return view;
  }

  private require(id: string): EndpointView {
    const view = this.endpoints.get(id);
    if (!view) throw new EndpointNotFoundError(id);
    return view;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failWith) throw this.failWith;
  }
}

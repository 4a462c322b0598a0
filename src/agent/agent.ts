import type { HostLease } from '../actors/host-lease.js';
import type { PeerMonitor } from '../actors/peer-monitor.js';
import { definitionOf } from '../machines/machine-definition.js';
import { vipMachine } from '../machines/vip.machine.js';
import { ShuttingDownError } from '../model/errors.js';
import type { HealthCheck } from '../ports/health.js';
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
} from './agent-service.js';

import type { EndpointRow } from './endpoint-query.js';
import type { EndpointRestore } from './endpoint-restore.js';
import type { EndpointWrites } from './endpoint-writes.js';
import type { Failover } from './failover.js';
import type { HostMaintenance } from './host-maintenance.js';
import type { HostServices } from './host-services.js';
import type { StatusPublisher } from './status-publisher.js';
import type { TransitionRecorder } from './transition-recorder.js';
import type { VipSystem } from './vip-system.js';
import type { VipViews } from './vip-views.js';

/** The agent's parts, each one concept, built and wired by the composition root. */
export interface AgentParts {
  hostname: string;
  version: string;
  services: HostServices;
  vips: VipSystem;
  views: VipViews;
  writes: EndpointWrites;
  restore: EndpointRestore;
  maintenance: HostMaintenance;
  failover: Failover;
  recorder: TransitionRecorder;
  publisher: StatusPublisher;
}

/**
 * The agent: what the API sees of one host (AgentService), and its life from start to shutdown.
 * Reads come from the VIP statecharts' snapshots, writes are stored and then sent as events; each
 * concept lives in its own part (see AgentParts), built by `daemon/composition-root.ts`.
 */
export class Agent implements AgentService {
  readonly hostname: string;
  readonly version: string;
  readonly hostLease: HostLease;
  /** Fast detection of dead peer hosts; absent when turned off. */
  readonly peerMonitor: PeerMonitor | undefined;
  /** Resolves once the stored endpoints are back (later than `start` when etcd was away then). */
  readonly restored: Promise<void>;
  private shuttingDown = false;

  constructor(private readonly parts: AgentParts) {
    this.hostname = parts.hostname;
    this.version = parts.version;
    this.hostLease = parts.services.hostLease;
    this.peerMonitor = parts.services.peerMonitor;
    this.restored = parts.restore.done;
  }

  /** Starts the actor system, the watches and the lease, then restores stored endpoints (retrying while etcd is away). */
  async start(): Promise<void> {
    this.parts.vips.start();
    await this.parts.services.start();
    await this.parts.restore.run();
  }

  /** Hands every VIP over (or keeps them with `hold`), waiting at most `deadlineMs`, then closes. */
  async shutdown({ hold, deadlineMs }: { hold: boolean; deadlineMs: number }): Promise<void> {
    this.shuttingDown = true;
    this.parts.restore.cancel();
    await this.parts.vips.shutdown(hold ? 'hold' : 'release', deadlineMs);
    await this.parts.services.stop({ revoke: !hold });
    this.parts.vips.stop();
  }

  list(): EndpointView[] {
    return this.parts.views.list();
  }

  rows(): EndpointRow[] {
    return this.parts.views.rows();
  }

  get(id: string): EndpointView | undefined {
    return this.parts.views.get(id);
  }

  async create(spec: NewEndpoint, caller?: Caller): Promise<EndpointView> {
    this.refuseWhileShuttingDown();
    return this.parts.writes.create(spec, caller);
  }

  updateChecks(id: string, checks: HealthCheck[], caller?: Caller): Promise<EndpointView> {
    return this.parts.writes.updateChecks(id, checks, caller);
  }

  remove(id: string, caller?: Caller): Promise<void> {
    return this.parts.writes.remove(id, caller);
  }

  async apply(
    changes: EndpointChanges,
    options: { dryRun?: boolean; caller?: Caller } = {},
  ): Promise<ChangesApplied> {
    this.refuseWhileShuttingDown();
    return this.parts.writes.apply(changes, options);
  }

  failover(id: string, caller?: Caller): Promise<void> {
    return this.parts.failover.ask(id, caller);
  }

  hosts(id: string): Promise<string[]> {
    return this.parts.failover.hosts(id);
  }

  get drained(): boolean {
    return this.parts.vips.drained;
  }

  async drain(options: { force: boolean; caller?: Caller }): Promise<DrainReport> {
    this.refuseWhileShuttingDown();
    return this.parts.maintenance.drain(options);
  }

  async undrain(caller?: Caller): Promise<void> {
    this.refuseWhileShuttingDown();
    return this.parts.maintenance.undrain(caller);
  }

  drainedHosts(): Promise<string[]> {
    return this.parts.maintenance.drainedHosts();
  }

  history(id?: string): TransitionRecord[] {
    return this.parts.recorder.history(id);
  }

  onTransition(listener: (record: TransitionRecord) => void): () => void {
    return this.parts.recorder.onTransition(listener);
  }

  cluster(electionKeys?: readonly string[]): Promise<PeerStatus[]> {
    return electionKeys ? this.parts.publisher.readOf(electionKeys) : this.parts.publisher.readAll();
  }

  lease(): LeaseView {
    const lease = this.hostLease.inForce;
    return {
      leaseId: lease?.leaseId ?? null,
      deadline: lease?.deadline ?? null,
      etcdReachable: this.hostLease.etcdReachable,
    };
  }

  machineDefinition(): unknown {
    return definitionOf(vipMachine);
  }

  private refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new ShuttingDownError();
  }
}

import { randomUUID } from 'node:crypto';
import { type Actor, type ActorRefFrom, createActor, type InspectionEvent } from 'xstate';
import { AnnounceRequests } from '../actors/announce-requests.js';
import { HostLease } from '../actors/host-lease.js';
import { LockWatcher } from '../actors/lock-watcher.js';
import { PeerMonitor, type PeerVerdict } from '../actors/peer-monitor.js';
import { agentMachine } from '../machines/agent.machine.js';
import { definitionOf } from '../machines/machine-definition.js';
import { vipMachine } from '../machines/vip.machine.js';
import { boundOf, statusOf, type VipStatus } from '../machines/vip.status.js';
import { type Endpoint, electionKeyOf } from '../model/endpoint.js';
import { parseRecord, toRecord } from '../model/endpoint-record.js';
import {
  ChangesIncompleteError,
  ChangesRefusedError,
  DrainRefusedError,
  DuplicateEndpointError,
  EndpointNotFoundError,
  FailoverRefusedError,
  ShuttingDownError,
  TooManyEndpointsError,
  VipRefusedError,
} from '../model/errors.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { CoordinationPort, KvWrite } from '../ports/coordination.js';
import type { HealthCheck, ProbePort } from '../ports/health.js';
import type { HostProbePort } from '../ports/liveness.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort, AnnouncerPort, LinkStatePort } from '../ports/network.js';
import type { AgentObserver } from './agent-observer.js';
import type {
  AgentService,
  Caller,
  DrainReport,
  EndpointView,
  LeaseView,
  NewEndpoint,
  PeerStatus,
  TransitionRecord,
} from './agent-service.js';
import type { AgentSettings } from './agent-settings.js';
import { type ChangesApplied, checkChanges, type EndpointChanges } from './endpoint-changes.js';
import type { EndpointRow } from './endpoint-query.js';
import { toEndpointView } from './endpoint-view.js';
import { StatusPublisher } from './status-publisher.js';
import { causeOf, TransitionLog } from './transition-log.js';
import { provideVipMachine } from './vip-actors.js';

export interface AgentDeps {
  hostname: string;
  version: string;
  coordination: CoordinationPort;
  address: AddressPort;
  announcer: AnnouncerPort;
  /** The VIP interface's link; without it the link is taken as always up. */
  link?: LinkStatePort;
  probe: ProbePort;
  /** Probes peer hosts' kernels for fast failure detection; without it, only lease expiry ends a claim. */
  hostProbe?: HostProbePort;
  clock: Clock;
  logger: Logger;
  settings: AgentSettings;
  /** Extra inspection, e.g. XState's inspection events into the logs with `--inspect`. */
  inspect?: (event: InspectionEvent) => void;
  /** Metrics hooks for what snapshots do not show (the API's metrics object fits). */
  observer?: AgentObserver;
  /** Why a new endpoint's CIDR may not be taken (vip-range-policy.ts), or undefined; none: any. */
  vipProblem?: (cidr: string) => string | undefined;
}

type VipRef = ActorRefFrom<typeof vipMachine>;

/** Refuted suspicions of the same host back off, doubling up to this. */
const MAX_SUSPICION_BACKOFF_MS = 30_000;

/**
 * The agent: owns the actor system (one supervisor, one VIP statechart per endpoint), the host
 * lease and the lock watch, and persists endpoints in etcd. The API talks to it only through
 * AgentService: reads come from snapshots, writes are events.
 */
export class Agent implements AgentService {
  readonly hostname: string;
  readonly version: string;
  readonly hostLease: HostLease;
  private readonly watcher: LockWatcher;
  private readonly announceRequests: AnnounceRequests;
  /** Fast detection of dead peer hosts; absent when turned off. */
  readonly peerMonitor: PeerMonitor | undefined;
  /** VIP id -> the other host it stands by for, which the peer monitor watches. */
  private readonly standbyFor = new Map<string, string>();
  /** VIPs whose holder's claim was ended early while they stood by: their takeover is an early one. */
  private readonly afterEndedClaim = new Set<string>();
  private readonly claims: LockWatcher;
  private readonly actor: Actor<typeof agentMachine>;
  private readonly log = new TransitionLog();
  private readonly publisher: StatusPublisher;
  private readonly lastStatus = new Map<string, VipStatus>();
  /** The holder each VIP last saw, so a standby's published view follows failovers between others. */
  private readonly lastHolder = new Map<string, string | null>();
  /** Election keys reserved by a create in flight, so two concurrent creates cannot both pass. */
  private readonly reserved = new Set<string>();
  /** Election key -> id of every VIP actor until it stops: duplicate checks in O(1) at 10 000 VIPs. */
  private readonly idByKey = new Map<string, string>();
  private shuttingDown = false;
  private restoreTimer: unknown;
  #markRestored: () => void = () => {};
  /** Resolves once the stored endpoints are back (later than `start` when etcd was away then). */
  readonly restored = new Promise<void>((resolve) => {
    this.#markRestored = resolve;
  });

  constructor(private readonly deps: AgentDeps) {
    const { hostname, coordination, clock, logger, settings } = deps;
    this.hostname = hostname;
    this.version = deps.version;
    this.hostLease = new HostLease({
      hostname,
      ttlSeconds: settings.leaseTtlSeconds,
      keepaliveIntervalMs: settings.keepaliveIntervalMs,
      faultAfter: settings.faultAfter,
      expiryMarginMs: settings.expiryMarginMs,
      lease: coordination.lease,
      kv: coordination.kv,
      clock,
      logger: logger.child({ component: 'host-lease' }),
      ...(deps.observer ? { onEtcdError: (op: string) => deps.observer?.etcdError(op) } : {}),
    });
    this.watcher = new LockWatcher(
      coordination.lock,
      keys.lockPrefix,
      clock,
      logger.child({ component: 'watch' }),
    );
    this.announceRequests = new AnnounceRequests({
      hostname,
      hostLease: this.hostLease,
      kv: coordination.kv,
      locks: coordination.lock,
      clock,
      logger: logger.child({ component: 'announce-requests' }),
    });
    this.claims = new LockWatcher(
      coordination.lock,
      keys.claimPrefix,
      clock,
      logger.child({ component: 'claims-watch' }),
    );
    this.publisher = new StatusPublisher({
      hostname,
      kv: coordination.kv,
      hostLease: this.hostLease,
      logger,
      enabled: settings.publishStatus,
    });
    this.peerMonitor =
      deps.hostProbe && settings.probeIntervalMs > 0
        ? new PeerMonitor({
            hostname,
            hostLease: this.hostLease,
            store: coordination.liveness,
            probe: deps.hostProbe,
            clock,
            logger: logger.child({ component: 'peers' }),
            probeAddress: settings.probeAddress,
            probePort: settings.probePort,
            probeIntervalMs: settings.probeIntervalMs,
            probeTimeoutMs: settings.suspectAfterMs,
            timing: {
              suspectAfterMs: settings.suspectAfterMs,
              confirmWindowMs: settings.confirmWindowMs,
              secondObserverTimeoutMs: settings.secondObserverTimeoutMs,
              backoffMs: settings.suspicionBackoffMs,
              maxBackoffMs: MAX_SUSPICION_BACKOFF_MS,
            },
            ...(deps.observer?.peers ? { observer: deps.observer.peers } : {}),
            onVerdict: (host, verdict) => this.tellStandbys(host, verdict),
          })
        : undefined;
    const vip = provideVipMachine({
      hostname,
      hostLease: this.hostLease,
      locks: coordination.lock,
      liveness: coordination.liveness,
      watcher: this.watcher,
      announceRequests: this.announceRequests,
      claims: this.claims,
      address: deps.address,
      link: deps.link ?? alwaysUp,
      announcer: deps.announcer,
      probe: deps.probe,
      clock,
      logger,
      settings,
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
    this.actor = createActor(agentMachine.provide({ actors: { vip } }), {
      input: { hostname, spread: settings.spread },
      clock,
      inspect: (event) => {
        this.observe(event);
        deps.inspect?.(event);
      },
    });
    // An unhandled actor error would otherwise crash the process.
    this.actor.subscribe({ error: (error) => logger.error({ err: error }, 'agent actor system failed') });
    this.hostLease.subscribe((event) => {
      if (event.type === 'lease.granted')
        void this.publisher.republish(this.endpoints(), (id) => this.get(id));
    });
  }

  /** Starts the lease, the watch and the actor system, then restores stored endpoints (retrying while etcd is away). */
  async start(): Promise<void> {
    this.actor.start();
    await this.watcher.start();
    await this.announceRequests.start();
    await this.claims.start();
    await this.hostLease.start();
    await this.peerMonitor?.start();
    await this.restore();
  }

  private async restore(): Promise<void> {
    const { kv } = this.deps.coordination;
    let stored: Map<string, string>;
    try {
      // The drained flag first: a VIP restored on a drained host must never enter the election.
      if ((await kv.get(keys.maintenance(this.hostname))) !== undefined && !this.drained) {
        this.deps.logger.info({}, 'this host is drained for maintenance: its VIPs stay out of elections');
        this.actor.send({ type: 'host.drain' });
      }
      stored = await kv.list(keys.endpointsOf(this.hostname));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not read stored endpoints; retrying in 1 s');
      this.restoreTimer = this.deps.clock.setTimeout(() => void this.restore(), 1000);
      return;
    }
    const restored: Endpoint[] = [];
    for (const [key, raw] of stored) {
      try {
        const endpoint = parseRecord(raw, this.deps.settings.defaultFaultPolicy);
        const electionKey = electionKeyOf(endpoint.ip);
        if (this.vips()[endpoint.id] || this.idByKey.has(electionKey)) continue;
        this.idByKey.set(electionKey, endpoint.id);
        restored.push(endpoint);
      } catch (error) {
        // A corrupt record is skipped and left in place for an operator to inspect or fix.
        this.deps.logger.error({ err: error, key }, 'skipping a corrupt stored endpoint');
      }
    }
    await this.spawnInBatches(restored);
    this.deps.logger.info({ endpoints: Object.keys(this.vips()).length }, 'endpoints restored');
    this.#markRestored();
  }

  private vips(): Record<string, VipRef> {
    return this.actor.getSnapshot().context.vips;
  }

  private endpoints(): Endpoint[] {
    return Object.values(this.vips()).map((ref) => ref.getSnapshot().context.endpoint);
  }

  /** Starts the VIP actors of `endpoints` (one supervisor event) and says this host takes part. */
  private spawn(endpoints: Endpoint[]): void {
    if (endpoints.length === 0) return;
    for (const endpoint of endpoints) this.idByKey.set(electionKeyOf(endpoint.ip), endpoint.id);
    this.actor.send({ type: 'endpoints.add', endpoints });
    for (const endpoint of endpoints) void this.publisher.link(electionKeyOf(endpoint.ip));
  }

  /**
   * Spawns in slices with a macrotask between them: thousands of VIPs starting in one go would hold
   * the event loop for seconds, and the host lease's keepalive with it.
   */
  private async spawnInBatches(endpoints: Endpoint[]): Promise<void> {
    for (let i = 0; i < endpoints.length; i += SPAWN_BATCH) {
      if (i > 0) await yieldToEventLoop();
      this.spawn(endpoints.slice(i, i + SPAWN_BATCH));
    }
  }

  private current() {
    return {
      byId: (id: string) => this.vips()[id]?.getSnapshot().context.endpoint,
      idOfKey: (key: string) =>
        this.idByKey.get(key) ?? (this.reserved.has(key) ? '(being created)' : undefined),
      count: this.idByKey.size + this.reserved.size,
    };
  }

  list(): EndpointView[] {
    return Object.keys(this.vips())
      .map((id) => this.get(id))
      .filter((view): view is EndpointView => view !== undefined);
  }

  rows(): EndpointRow[] {
    return Object.entries(this.vips()).map(([id, ref]) => {
      const snapshot = ref.getSnapshot();
      const { endpoint, holder } = snapshot.context;
      return { id, ip: endpoint.ip, status: statusOf(snapshot), holder: holder ?? null };
    });
  }

  get(id: string): EndpointView | undefined {
    const ref = this.vips()[id];
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

  async create(spec: NewEndpoint, caller?: Caller): Promise<EndpointView> {
    if (this.shuttingDown) throw new ShuttingDownError();
    const electionKey = electionKeyOf(spec.ip);
    const current = this.current();
    const existing = current.idOfKey(electionKey);
    if (existing) throw new DuplicateEndpointError(spec.ip, existing);
    const max = this.deps.settings.maxEndpoints;
    if (max > 0 && current.count >= max) throw new TooManyEndpointsError(max);
    const refused = this.deps.vipProblem?.(spec.ip);
    if (refused !== undefined) throw new VipRefusedError(spec.ip, refused);
    this.reserved.add(electionKey);
    try {
      const endpoint = endpointFrom(spec);
      await this.deps.coordination.kv.put(
        keys.endpoint(this.hostname, endpoint.id),
        JSON.stringify(toRecord(endpoint)),
      );
      this.spawn([endpoint]);
      this.recordApiWrite(endpoint.id, endpoint.ip, 'create', caller);
      return this.get(endpoint.id) as EndpointView;
    } finally {
      this.reserved.delete(electionKey);
    }
  }

  async updateChecks(id: string, checks: HealthCheck[], caller?: Caller): Promise<EndpointView> {
    const ref = this.vips()[id];
    if (!ref) throw new EndpointNotFoundError(id);
    const endpoint = { ...ref.getSnapshot().context.endpoint, checks };
    await this.deps.coordination.kv.put(keys.endpoint(this.hostname, id), JSON.stringify(toRecord(endpoint)));
    ref.send({ type: 'checks.update', checks, intervalMs: endpoint.healthcheckInterval * 1000 });
    this.recordApiWrite(id, endpoint.ip, 'update', caller);
    return this.get(id) as EndpointView;
  }

  async remove(id: string, caller?: Caller): Promise<void> {
    const ref = this.vips()[id];
    if (!ref) throw new EndpointNotFoundError(id);
    const { endpoint } = ref.getSnapshot().context;
    this.recordApiWrite(id, endpoint.ip, 'delete', caller);
    // Forget the record first: if etcd refuses, nothing has changed and the caller can retry.
    await this.deps.coordination.kv.delete(keys.endpoint(this.hostname, id));
    await this.publisher.unlink(electionKeyOf(endpoint.ip));
    const done = waitForDone(ref);
    this.actor.send({ type: 'endpoint.remove', id });
    await done;
  }

  /**
   * Many writes as one request: checked as a whole first (every problem listed, nothing changed
   * when there is one), then written in etcd transactions of at most 128 operations, each acted
   * on as soon as it is stored: deletes stop their VIPs, updates reach theirs, creates spawn.
   * Resolves once the deleted VIPs are released.
   */
  async apply(
    changes: EndpointChanges,
    options: { dryRun?: boolean; caller?: Caller } = {},
  ): Promise<ChangesApplied> {
    if (this.shuttingDown) throw new ShuttingDownError();
    const errors = checkChanges(
      changes,
      this.current(),
      this.deps.settings.maxEndpoints,
      this.deps.vipProblem,
    );
    if (Object.keys(errors).length > 0) throw new ChangesRefusedError(errors);
    if (options.dryRun) return { created: [], updated: [], deleted: [] };
    const { kv } = this.deps.coordination;
    const hostname = this.hostname;
    const creates = (changes.create ?? []).map(endpointFrom);
    const creating = creates.map((e) => electionKeyOf(e.ip));
    for (const key of creating) this.reserved.add(key);
    const applied: ChangesApplied = { created: [], updated: [], deleted: [] };
    const stage = { name: 'delete', done: 0, total: 0 };
    try {
      const deletes = changes.delete ?? [];
      stage.total = deletes.length;
      const released: Promise<void>[] = [];
      const recordPrefix = keys.endpointsOf(hostname);
      // The record, and the link and status keys saying this host takes part, in the same
      // transactions: thousands of single deletes at once opened the etcd client's circuit breaker.
      await kv.writeBatch(
        deletes.flatMap((id): KvWrite[] => {
          const ip = this.vips()[id]?.getSnapshot().context.endpoint.ip;
          const linked =
            ip === undefined
              ? []
              : [keys.link(electionKeyOf(ip), hostname), keys.status(electionKeyOf(ip), hostname)];
          return [keys.endpoint(hostname, id), ...linked].map((key) => ({ type: 'delete', key }));
        }),
        (chunk) => {
          for (const write of chunk) {
            if (!write.key.startsWith(recordPrefix)) continue;
            const id = write.key.slice(recordPrefix.length);
            const ref = this.vips()[id];
            if (ref) {
              this.recordApiWrite(id, ref.getSnapshot().context.endpoint.ip, 'delete', options.caller);
              released.push(waitForDone(ref));
              this.actor.send({ type: 'endpoint.remove', id });
            }
            applied.deleted.push(id);
            stage.done += 1;
          }
        },
      );

      Object.assign(stage, { name: 'update', done: 0, total: changes.update?.length ?? 0 });
      const updates = (changes.update ?? []).flatMap((update) => {
        const ref = this.vips()[update.id];
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
        updates.map(({ endpoint }) => recordWrite(hostname, endpoint)),
        (chunk) => {
          for (const write of chunk) {
            const update = updateById.get(write.key.slice(keys.endpointsOf(hostname).length));
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
        this.recordApiWrite(endpoint.id, endpoint.ip, 'update', options.caller);
        const view = this.get(endpoint.id);
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
          creates.map((endpoint) => recordWrite(hostname, endpoint)),
          (chunk) => {
            for (const write of chunk) {
              const endpoint = createById.get(write.key.slice(keys.endpointsOf(hostname).length));
              if (endpoint) stored.push(endpoint);
            }
            stage.done += chunk.length;
          },
        );
      } finally {
        // Indexed at once, so concurrent creates see every IP while the slices start.
        for (const e of stored) this.idByKey.set(electionKeyOf(e.ip), e.id);
        for (const key of creating) this.reserved.delete(key);
        await this.spawnInBatches(stored);
      }
      for (const e of creates) {
        if (this.vips()[e.id]) this.recordApiWrite(e.id, e.ip, 'create', options.caller);
        const view = this.get(e.id);
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
      for (const key of creating) this.reserved.delete(key);
    }
  }

  async failover(id: string, caller?: Caller): Promise<void> {
    const view = this.get(id);
    if (!view) throw new EndpointNotFoundError(id);
    if (view.status !== 'ACTIVATED') {
      throw new FailoverRefusedError(
        `this host (${this.hostname}) does not hold ${view.ip}: it is ${view.status}`,
      );
    }
    const others = (await this.hosts(id)).filter((h) => h !== this.hostname);
    if (others.length === 0) throw new FailoverRefusedError(`no other host participates for ${view.ip}`);
    const ref = this.vips()[id] as VipRef;
    // Answer once the VIP has moved (LinK answered before anything happened), bounded by the yield time.
    const { clock } = this.deps;
    const demoted = new Promise<void>((resolve) => {
      const timer = clock.setTimeout(() => finish(), this.deps.settings.handoverTimeoutMs + 500);
      const sub = ref.subscribe((snapshot) => {
        if (statusOf(snapshot) !== 'ACTIVATED') finish();
      });
      const finish = () => {
        clock.clearTimeout(timer);
        sub.unsubscribe();
        resolve();
      };
    });
    this.recordApiWrite(id, view.ip, 'failover', caller);
    ref.send({ type: 'failover' });
    await demoted;
  }

  async hosts(id: string): Promise<string[]> {
    const view = this.get(id);
    if (!view) throw new EndpointNotFoundError(id);
    const links = await this.deps.coordination.kv.list(keys.linksOf(view.election_key));
    return [...links.keys()].map((key) => key.slice(keys.linksOf(view.election_key).length)).sort();
  }

  get drained(): boolean {
    return this.actor.getSnapshot().context.drained;
  }

  /**
   * Maintenance: hands every VIP this host holds over make-before-break (the graceful stop's path)
   * and keeps the host out of elections, across restarts, until `undrain`. Refused when a held VIP
   * has no other host to go to (linked, not drained, and STANDBY as last published), unless forced.
   */
  async drain({ force, caller }: { force: boolean; caller?: Caller }): Promise<DrainReport> {
    if (this.shuttingDown) throw new ShuttingDownError();
    const held = this.list().filter((view) => view.status === 'ACTIVATED');
    if (!force && held.length > 0) {
      const orphans = await this.withoutSuccessor(held);
      if (orphans.length > 0)
        throw new DrainRefusedError(
          `no other host can take ${orphans.join(', ')}: every other host is absent, drained or not STANDBY ` +
            '(force it to drain anyway, and these VIPs go unbound)',
        );
    }
    await this.deps.coordination.kv.put(
      keys.maintenance(this.hostname),
      JSON.stringify({ hostname: this.hostname, drained_at: new Date(this.deps.clock.now()).toISOString() }),
    );
    const refs = Object.values(this.vips());
    for (const view of this.list()) this.recordApiWrite(view.id, view.ip, 'drain', caller);
    this.actor.send({ type: 'host.drain' });
    await Promise.all(refs.map((ref) => this.waitWhile(ref, 'DRAINING')));
    // Out of the election, the VIPs no longer follow the lock: ask etcd who holds them now.
    const holders = await Promise.all(
      held.map((view) =>
        this.deps.coordination.lock.read(keys.lock(view.election_key)).then(
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
    if (this.shuttingDown) throw new ShuttingDownError();
    await this.deps.coordination.kv.delete(keys.maintenance(this.hostname));
    for (const view of this.list()) this.recordApiWrite(view.id, view.ip, 'undrain', caller);
    this.actor.send({ type: 'host.undrain' });
  }

  /** Hosts drained for maintenance, cluster-wide. */
  async drainedHosts(): Promise<string[]> {
    const flags = await this.deps.coordination.kv.list(keys.maintenancePrefix);
    return [...flags.keys()].map((key) => key.slice(keys.maintenancePrefix.length)).sort();
  }

  /** The IPs among `held` that no other host could take now. */
  private async withoutSuccessor(held: EndpointView[]): Promise<string[]> {
    // Three reads whatever the number of VIPs: a host draining a thousand VIPs asks once.
    const [drained, statuses, links] = await Promise.all([
      this.drainedHosts(),
      this.publisher.readAll(),
      this.deps.coordination.kv.list(keys.linksPrefix),
    ]);
    const status = new Map(statuses.map((s) => [`${s.electionKey}/${s.hostname}`, s.status]));
    const linked = new Map<string, string[]>();
    for (const key of links.keys()) {
      const [electionKey = '', host = ''] = key.slice(keys.linksPrefix.length).split('/');
      linked.set(electionKey, [...(linked.get(electionKey) ?? []), host]);
    }
    const canTake = (electionKey: string, host: string) => {
      if (host === this.hostname || drained.includes(host)) return false;
      const published = status.get(`${electionKey}/${host}`);
      return published === undefined ? !this.deps.settings.publishStatus : published === 'STANDBY';
    };
    return held
      .filter(
        (view) => !(linked.get(view.election_key) ?? []).some((host) => canTake(view.election_key, host)),
      )
      .map((view) => view.ip);
  }

  /** Resolves once `ref` leaves `status`, bounded by the handover timeout. */
  private waitWhile(ref: VipRef, status: string): Promise<void> {
    const { clock } = this.deps;
    return new Promise<void>((resolve) => {
      const timer = clock.setTimeout(() => finish(), this.deps.settings.handoverTimeoutMs + 1000);
      const sub = ref.subscribe({
        next: (snapshot) => {
          if (statusOf(snapshot) !== status) finish();
        },
        complete: () => finish(),
        error: () => finish(),
      });
      const finish = () => {
        clock.clearTimeout(timer);
        sub.unsubscribe();
        resolve();
      };
      if (statusOf(ref.getSnapshot()) !== status) finish();
    });
  }

  history(id?: string): TransitionRecord[] {
    return this.log.list(id);
  }

  onTransition(listener: (record: TransitionRecord) => void): () => void {
    return this.log.subscribe(listener);
  }

  async cluster(): Promise<PeerStatus[]> {
    return this.publisher.readAll();
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

  /** Hands every VIP over (or keeps them with `hold`), waiting at most `deadlineMs`, then closes. */
  async shutdown({ hold, deadlineMs }: { hold: boolean; deadlineMs: number }): Promise<void> {
    this.shuttingDown = true;
    this.deps.clock.clearTimeout(this.restoreTimer);
    const finished = new Promise<void>((resolve) => {
      const sub = this.actor.subscribe({ complete: resolve, error: () => resolve() });
      if (this.actor.getSnapshot().status !== 'active') {
        sub.unsubscribe();
        resolve();
      }
    });
    this.actor.send({ type: 'shutdown', mode: hold ? 'hold' : 'release' });
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => {
      timer = this.deps.clock.setTimeout(resolve, deadlineMs);
    });
    await Promise.race([finished, timeout]);
    this.deps.clock.clearTimeout(timer);
    await this.peerMonitor?.stop();
    await this.hostLease.stop({ revoke: !hold });
    await this.watcher.stop();
    await this.announceRequests.stop();
    await this.claims.stop();
    this.actor.stop();
  }

  /** Tells the VIPs standing by for `host` what the peer monitor learnt of it. */
  private tellStandbys(host: string, verdict: PeerVerdict): void {
    for (const [id, holder] of this.standbyFor) {
      if (holder === host) this.vips()[id]?.send({ type: `holder.${verdict}`, host });
    }
  }

  /** Keeps the peer monitor's list of hosts to watch, and counts takeovers after an ended claim. */
  private followStandby(id: string, snapshot: ReturnType<VipRef['getSnapshot']>, status: VipStatus): void {
    const holder = snapshot.context.holder;
    const before = this.standbyFor.get(id);
    const now = status === 'STANDBY' && holder && holder !== this.hostname ? holder : undefined;
    if (snapshot.matches({ running: { contending: { STANDBY: 'HOLDER_CLAIM_ENDED' } } }))
      this.afterEndedClaim.add(id);
    else if (this.afterEndedClaim.has(id) && holder === this.hostname) {
      this.afterEndedClaim.delete(id);
      this.deps.observer?.peers?.earlyTakeover();
    } else if (status !== 'STANDBY') this.afterEndedClaim.delete(id);
    if (before === now) return;
    if (now) this.standbyFor.set(id, now);
    else this.standbyFor.delete(id);
    this.peerMonitor?.setStandbyHolders(new Set(this.standbyFor.values()));
  }

  /** Turns snapshot changes of VIP actors into transition records, logs and published status. */
  private observe(event: InspectionEvent): void {
    if (event.type !== '@xstate.snapshot') return;
    const id = (event.actorRef as { id?: string }).id ?? '';
    if (!id.startsWith('vip-')) return;
    const snapshot = event.snapshot as ReturnType<VipRef['getSnapshot']>;
    if (!snapshot.context?.endpoint) return;
    const to = statusOf(snapshot);
    const from = this.lastStatus.get(id) ?? 'BOOTING';
    const { endpoint } = snapshot.context;
    this.followStandby(id, snapshot, to);
    const holder = snapshot.context.holder ?? null;
    const holderChanged = (this.lastHolder.get(id) ?? null) !== holder;
    if (to === 'STOPPED') {
      const key = electionKeyOf(endpoint.ip);
      if (this.idByKey.get(key) === id) this.idByKey.delete(key);
      this.lastStatus.delete(id);
      this.lastHolder.delete(id);
    } else {
      this.lastStatus.set(id, to);
      this.lastHolder.set(id, holder);
    }
    if (from === to) {
      // No transition, but the cluster view would otherwise keep showing the previous holder.
      const view = holderChanged && to !== 'STOPPED' ? this.get(id) : undefined;
      if (view) void this.publisher.refresh(view, this.deps.clock.now());
      return;
    }
    const record: TransitionRecord = {
      at: this.deps.clock.now(),
      endpointId: id,
      electionKey: electionKeyOf(endpoint.ip),
      ip: endpoint.ip,
      holder,
      hostname: this.hostname,
      from,
      to,
      event: event.event.type,
      cause: causeOf(event.event),
    };
    // The VIP's id and IP as fields of the line, as a child logger per VIP would add them.
    this.deps.logger.info(
      { endpoint: id, ip: endpoint.ip, from, to, event: record.event, cause: record.cause },
      `${endpoint.ip}: ${from} -> ${to}`,
    );
    this.log.add(record);
    void this.publisher.publish(record, this.get(id) ?? null);
  }
  /**
   * Who changed an endpoint through the API, in the history beside the transitions (from = to:
   * a write is not a state change) and in the log. Without a caller (the agent's own changes,
   * embedding) nothing is recorded.
   */
  private recordApiWrite(id: string, ip: string, action: ApiWrite, caller: Caller | undefined): void {
    if (!caller) return;
    const status = this.lastStatus.get(id) ?? 'BOOTING';
    const who = `${caller.user ?? 'anonymous'} from ${caller.remote}`;
    const record: TransitionRecord = {
      at: this.deps.clock.now(),
      endpointId: id,
      electionKey: electionKeyOf(ip),
      ip,
      holder: this.lastHolder.get(id) ?? null,
      hostname: this.hostname,
      from: status,
      to: status,
      event: `api.${action}`,
      cause: `${API_WRITE_WORDS[action]} through the API by ${who}`,
      caller,
    };
    this.deps.logger.info({ endpoint: id, ip, event: record.event, caller }, `${ip}: ${record.cause}`);
    this.log.add(record);
  }
}

type ApiWrite = 'create' | 'update' | 'delete' | 'failover' | 'drain' | 'undrain';

const API_WRITE_WORDS: Record<ApiWrite, string> = {
  create: 'created',
  update: 'health checks changed',
  delete: 'deleted',
  failover: 'failover asked',
  drain: 'host drained',
  undrain: 'host undrained',
};

/** VIPs started per supervisor event; a macrotask runs between two such slices. */
const SPAWN_BATCH = 128;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function recordWrite(hostname: string, endpoint: Endpoint): KvWrite {
  return {
    type: 'put',
    key: keys.endpoint(hostname, endpoint.id),
    value: JSON.stringify(toRecord(endpoint)),
  };
}

const alwaysUp: LinkStatePort = {
  watch: (listener) => {
    listener({ up: true, detail: 'link not watched' });
    return () => {};
  },
};

function waitForDone(ref: VipRef): Promise<void> {
  return new Promise((resolve) => {
    if (ref.getSnapshot().status !== 'active') return resolve();
    ref.subscribe({ complete: () => resolve(), error: () => resolve() });
  });
}

/** A new endpoint from a validated create request, with a fresh id: one shape for single and bulk creates. */
function endpointFrom(spec: NewEndpoint): Endpoint {
  return {
    id: `vip-${randomUUID()}`,
    ip: spec.ip,
    checks: spec.checks,
    healthcheckInterval: spec.healthcheckInterval,
    faultPolicy: spec.faultPolicy,
    ...(spec.preferredHosts?.length ? { preferredHosts: spec.preferredHosts } : {}),
  };
}

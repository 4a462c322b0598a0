import type { InspectionEvent } from 'xstate';
import { BoundVips, createAddressReconcilerActor } from '../actors/address-reconciler.js';
import { AnnounceRequests } from '../actors/announce-requests.js';
import { HostLease } from '../actors/host-lease.js';
import { createLinkActor } from '../actors/link.actor.js';
import { LockWatcher } from '../actors/lock-watcher.js';
import { LoopStalls } from '../actors/loop-stalls.js';
import { PeerMonitor, type PeerVerdict } from '../actors/peer-monitor.js';
import { Agent } from '../agent/agent.js';
import type { AgentObserver } from '../agent/agent-observer.js';
import type { AgentSettings } from '../agent/agent-settings.js';
import { EndpointRestore } from '../agent/endpoint-restore.js';
import { EndpointStore } from '../agent/endpoint-store.js';
import { EndpointWrites } from '../agent/endpoint-writes.js';
import { Failover } from '../agent/failover.js';
import { HostMaintenance } from '../agent/host-maintenance.js';
import { HostServices } from '../agent/host-services.js';
import { unbindStaleAddresses } from '../agent/stale-addresses.js';
import { StandbyFollowing } from '../agent/standby-following.js';
import { StatusPublisher } from '../agent/status-publisher.js';
import { TransitionRecorder } from '../agent/transition-recorder.js';
import { VipSystem } from '../agent/vip-system.js';
import { VipViews } from '../agent/vip-views.js';
import { agentMachine } from '../machines/agent.machine.js';
import { electionKeyOf } from '../model/endpoint.js';
import { keys } from '../model/keys.js';
import type { Clock } from '../ports/clock.js';
import type { CoordinationPort } from '../ports/coordination.js';
import type { ProbePort } from '../ports/health.js';
import type { HostProbePort } from '../ports/liveness.js';
import type { Logger } from '../ports/logger.js';
import type { AddressPort, AnnouncerPort, LinkStatePort } from '../ports/network.js';
import { provideVipMachine } from './vip-actors.js';

/** The ports one agent runs on: real adapters in `linkd`, fakes in the simulations. */
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

/** Refuted suspicions of the same host back off, doubling up to this. */
const MAX_SUSPICION_BACKOFF_MS = 30_000;

/**
 * The composition root: the one place where an agent's parts are built and wired to its ports,
 * once. `linkd` calls it with the real adapters; the simulations and benchmarks with fakes.
 */
export function composeAgent(deps: AgentDeps): Agent {
  const { hostname, coordination, clock, logger, settings, observer } = deps;
  const services = hostServices(deps, (host, verdict) => standbys.tell(host, verdict));
  const { hostLease } = services;
  const publisher = new StatusPublisher({
    hostname,
    kv: coordination.kv,
    hostLease,
    logger,
    enabled: settings.publishStatus,
    clock,
  });
  const standbys = new StandbyFollowing({
    hostname,
    send: (id, event) => vips.ref(id)?.send(event),
    watch: (holders) => services.peerMonitor?.setStandbyHolders(holders),
    ...(observer?.peers ? { earlyTakeover: () => observer.peers?.earlyTakeover() } : {}),
  });
  const recorder = new TransitionRecorder({
    hostname,
    clock,
    logger,
    publisher,
    view: (id) => views.get(id),
    onSnapshot: (id, snapshot, status) => standbys.follow(id, snapshot, status),
    onStopped: (electionKey, id) => vips.forget(electionKey, id),
  });
  const bound = new BoundVips();
  const vip = provideVipMachine({
    hostname,
    hostLease,
    locks: coordination.lock,
    liveness: coordination.liveness,
    watcher: services.locks,
    announceRequests: services.announceRequests,
    claims: services.claims,
    address: deps.address,
    bound,
    announcer: deps.announcer,
    probe: deps.probe,
    clock,
    logger,
    settings,
    ...(observer ? { observer } : {}),
  });
  const vips = new VipSystem({
    machine: agentMachine.provide({
      actors: {
        vip,
        addressReconciler: createAddressReconcilerActor(bound, logger),
        linkState: createLinkActor(deps.link ?? alwaysUp),
      },
      delays: { reconcileInterval: settings.reconcileMs },
    }),
    hostname,
    spread: settings.spread,
    clock,
    logger,
    inspect: (event) => {
      recorder.observe(event);
      deps.inspect?.(event);
    },
    onSpawned: (endpoint) => void publisher.link(electionKeyOf(endpoint.ip)),
  });
  const views = new VipViews(vips, hostLease);
  // A new lease lost the keys bound to the old one: this host says again what it takes part in.
  hostLease.subscribe((event) => {
    if (event.type === 'lease.granted') void publisher.republish(vips.endpoints(), (id) => views.get(id));
  });
  const store = new EndpointStore(coordination.kv, hostname, settings.defaultFaultPolicy);
  const maintenance = new HostMaintenance({
    hostname,
    kv: coordination.kv,
    locks: coordination.lock,
    clock,
    logger,
    publisher,
    publishStatus: settings.publishStatus,
    handoverTimeoutMs: settings.handoverTimeoutMs,
    vips,
    views,
    recorder,
  });
  return new Agent({
    hostname,
    version: deps.version,
    services,
    vips,
    views,
    writes: new EndpointWrites({
      hostname,
      kv: coordination.kv,
      store,
      vips,
      views,
      publisher,
      recorder,
      maxEndpoints: settings.maxEndpoints,
      vipProblem: deps.vipProblem,
    }),
    restore: new EndpointRestore({
      store,
      maintenance,
      vips,
      clock,
      logger,
      unbindStale: (endpoints) =>
        unbindStaleAddresses(endpoints, {
          hostname,
          address: deps.address,
          locks: coordination.lock,
          logger,
        }),
    }),
    maintenance,
    failover: new Failover({
      hostname,
      clock,
      handoverTimeoutMs: settings.handoverTimeoutMs,
      vips,
      views,
      publisher,
      recorder,
    }),
    recorder,
    publisher,
  });
}

/** The host lease, the watches and the peer monitor, which every VIP actor of the host shares. */
function hostServices(
  deps: AgentDeps,
  onVerdict: (host: string, verdict: PeerVerdict) => void,
): HostServices {
  const { hostname, coordination, clock, logger, settings, observer } = deps;
  const stalls = new LoopStalls(clock);
  const hostLease = new HostLease({
    hostname,
    ttlSeconds: settings.leaseTtlSeconds,
    keepaliveIntervalMs: settings.keepaliveIntervalMs,
    faultAfter: settings.faultAfter,
    expiryMarginMs: settings.expiryMarginMs,
    lease: coordination.lease,
    kv: coordination.kv,
    stalls,
    clock,
    logger: logger.child({ component: 'host-lease' }),
    ...(observer ? { onEtcdError: (op: string) => observer.etcdError(op) } : {}),
  });
  const watch = (prefix: string, component: string) =>
    new LockWatcher(coordination.lock, prefix, clock, logger.child({ component }));
  const announceRequests = new AnnounceRequests({
    hostname,
    hostLease,
    kv: coordination.kv,
    locks: coordination.lock,
    clock,
    logger: logger.child({ component: 'announce-requests' }),
  });
  const peerMonitor =
    deps.hostProbe && settings.probeIntervalMs > 0
      ? new PeerMonitor({
          hostname,
          hostLease,
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
          ...(observer?.peers ? { observer: observer.peers } : {}),
          onVerdict,
        })
      : undefined;
  return new HostServices(
    hostLease,
    watch(keys.lockPrefix, 'watch'),
    watch(keys.claimPrefix, 'claims-watch'),
    announceRequests,
    peerMonitor,
    stalls,
  );
}

/** The link of a host whose interface is not watched. */
const alwaysUp: LinkStatePort = {
  watch: (listener) => {
    listener({ up: true, detail: 'link not watched' });
    return () => {};
  },
};

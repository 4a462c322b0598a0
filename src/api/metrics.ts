import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AgentObserver } from '../agent/agent-observer.js';
import type { AgentService, EndpointView, TransitionRecord } from '../agent/agent-service.js';
import { VIP_STATUSES } from '../machines/vip.status.js';
import { systemClock } from '../ports/clock.js';

/**
 * What the agent reports that the API cannot see in snapshots. Everything else (state per VIP,
 * lease time left, transitions) is read from the AgentService, so the agent feeds only this.
 */
export interface AgentMetrics {
  /** An etcd call failed or timed out; `operation` is a small fixed set, e.g. `keepalive`, `lock`. */
  etcdError(operation: string): void;
  /** One health round of one VIP: every check passed (`ok`) or at least one failed. */
  healthResult(electionKey: string, ok: boolean): void;
}

export const noopAgentMetrics: AgentMetrics = { etcdError() {}, healthResult() {} };

export interface LinkMetrics extends AgentMetrics {
  readonly registry: Registry;
  readonly transitions: Counter<'election_key' | 'from' | 'to' | 'event'>;
  readonly failovers: Counter<'election_key' | 'direction'>;
  readonly etcdErrors: Counter<'operation'>;
  readonly etcdDurations: Histogram<'operation'>;
  /** One etcd call's duration (answered or failed), by operation. */
  etcdCall(operation: string, ms: number): void;
  readonly healthResults: Counter<'election_key' | 'result'>;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly notifyHooks: Counter<'hook' | 'result'>;
  /** One notify hook run (or one dropped), by hook kind and result. */
  notifyOutcome(hook: string, result: string): void;
  readonly authFailures: Counter<'reason'>;
  /** Fast failure detection: probes, suspicions, confirmations, ended claims, early takeovers. */
  readonly peers: NonNullable<AgentObserver['peers']>;
  /** Counts one transition; `bindAgent` calls it for every transition the agent reports. */
  recordTransition(record: TransitionRecord): void;
  /** Reads gauges from the agent at scrape time and counts its transitions; returns an unbind. */
  bindAgent(agent: AgentService): () => void;
}

export interface MetricsOptions {
  /** The agent's clock (the lease deadline's), for `link_host_lease_remaining_seconds`. */
  now?: () => number;
  /** Node process metrics (CPU, memory, event loop lag); on by default. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): LinkMetrics {
  const now = options.now ?? systemClock.now;
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let agent: AgentService | undefined;
  /**
   * Every VIP's view, read once per scrape: prom-client runs every gauge's collect in one
   * synchronous pass, and four gauges each reading 10 000 views cost most of a scrape.
   */
  let scraped: EndpointView[] | undefined;
  const views = (): EndpointView[] => {
    if (!scraped) {
      scraped = agent?.list() ?? [];
      queueMicrotask(() => {
        scraped = undefined;
      });
    }
    return scraped;
  };
  const counter = (name: string, help: string) => new Counter({ name, help, registers });
  const labelledCounter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });

  const transitions = labelledCounter(
    'link_transitions_total',
    'State transitions of the VIPs on this host, by cause',
    ['election_key', 'from', 'to', 'event'],
  );
  const failovers = labelledCounter(
    'link_failovers_total',
    'Times this host took (direction="in") or gave up (direction="out") a VIP',
    ['election_key', 'direction'],
  );
  const etcdErrors = labelledCounter(
    'link_etcd_errors_total',
    'etcd calls that failed or timed out, by operation',
    ['operation'],
  );
  const etcdDurations = new Histogram({
    name: 'link_etcd_request_duration_seconds',
    help: 'Duration of etcd calls (answered or failed), by operation: a slow etcd disk shows here first',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const healthResults = labelledCounter(
    'link_health_checks_total',
    'Health rounds per VIP, by result (ok or fail)',
    ['election_key', 'result'],
  );
  const httpRequests = labelledCounter(
    'link_http_requests_total',
    'API requests, by route pattern and status',
    ['method', 'route', 'status'],
  );
  const authFailures = labelledCounter(
    'link_api_auth_failures_total',
    'API requests refused for credentials, by reason (missing, malformed, invalid)',
    ['reason'],
  );

  const notifyHooks = labelledCounter(
    'link_notify_hooks_total',
    'Notify hook runs on state changes, by hook (exec, webhook) and result (ok, failed, timeout, error, dropped)',
    ['hook', 'result'],
  );
  const probes = labelledCounter(
    'link_peer_probes_total',
    'Probes of peer hosts by result: answered (SYN-ACK or RST from the kernel) or silent',
    ['result'],
  );
  const suspicions = counter(
    'link_peer_suspicions_total',
    'Peer hosts this host suspected (silent past --suspect-after)',
  );
  const confirmations = counter(
    'link_peer_confirmations_total',
    'Suspicions this host confirmed (unrefuted, agreed by a second observer when there is one)',
  );
  const claimsEnded = counter(
    'link_peer_claims_ended_total',
    'Peer host leases this host revoked after a confirmed failure',
  );
  const refutations = counter(
    'link_peer_refutations_total',
    'Suspicions of this host that it refuted through etcd',
  );
  const earlyTakeovers = counter(
    'link_early_takeovers_total',
    "VIPs this host took over after their holder's claim was ended early, before its lease expired",
  );
  const peers: LinkMetrics['peers'] = {
    probe: (answered) => probes.inc({ result: answered ? 'answered' : 'silent' }),
    suspicion: () => suspicions.inc(),
    confirmation: () => confirmations.inc(),
    claimEnded: () => claimsEnded.inc(),
    refutation: () => refutations.inc(),
    earlyTakeover: () => earlyTakeovers.inc(),
  };

  new Gauge({
    name: 'link_endpoint_state',
    help: 'Each VIP on this host, labelled with its current state (always 1): one series per VIP, not one per state',
    labelNames: ['endpoint', 'election_key', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const view of views())
        this.set({ endpoint: view.id, election_key: view.election_key, state: view.status }, 1);
    },
  });
  new Gauge({
    name: 'link_endpoints_by_state',
    help: 'VIPs on this host in each state (0 for a state none is in)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const counts = new Map<string, number>(VIP_STATUSES.map((state) => [state, 0]));
      for (const view of views()) counts.set(view.status, (counts.get(view.status) ?? 0) + 1);
      for (const [state, count] of counts) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'link_endpoint_healthy',
    help: 'Last health result of each VIP: 1 healthy, 0 failing (absent before the first check)',
    labelNames: ['endpoint', 'election_key'] as const,
    registers,
    collect() {
      this.reset();
      for (const view of views()) {
        if (view.health)
          this.set({ endpoint: view.id, election_key: view.election_key }, view.health.ok ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'link_endpoint_address_conflict',
    help: 'VIPs not taken because another station answered for the address (1), by the MAC that answered',
    labelNames: ['endpoint', 'election_key', 'mac'] as const,
    registers,
    collect() {
      this.reset();
      for (const view of views()) {
        if (view.conflict_mac)
          this.set({ endpoint: view.id, election_key: view.election_key, mac: view.conflict_mac }, 1);
      }
    },
  });
  new Gauge({
    name: 'link_endpoints',
    help: 'VIPs configured on this host',
    registers,
    collect() {
      this.set(views().length);
    },
  });
  new Gauge({
    name: 'link_host_lease_remaining_seconds',
    help: "Seconds until this host's etcd lease runs out unless renewed; 0 without a lease",
    registers,
    collect() {
      const deadline = agent?.lease().deadline ?? null;
      this.set(deadline === null ? 0 : Math.max(0, (deadline - now()) / 1000));
    },
  });
  new Gauge({
    name: 'link_host_drained',
    help: '1 while this host is drained for maintenance (out of every election), else 0',
    registers,
    collect() {
      this.set(agent?.drained ? 1 : 0);
    },
  });
  new Gauge({
    name: 'link_etcd_reachable',
    help: '1 when the last etcd call succeeded, else 0',
    registers,
    collect() {
      this.set(agent?.lease().etcdReachable ? 1 : 0);
    },
  });
  new Gauge({
    name: 'link_info',
    help: 'Always 1; labels give the host name and LinK version',
    labelNames: ['hostname', 'version'] as const,
    registers,
    collect() {
      this.reset();
      if (agent) this.set({ hostname: agent.hostname, version: agent.version }, 1);
    },
  });

  const recordTransition = (record: TransitionRecord) => {
    // API writes sit in the history as from = to records: not transitions.
    if (record.from === record.to) return;
    const key = record.electionKey;
    transitions.inc({ election_key: key, from: record.from, to: record.to, event: record.event });
    if (record.to === 'ACTIVATED' && record.from !== 'ACTIVATED')
      failovers.inc({ election_key: key, direction: 'in' });
    if (record.from === 'ACTIVATED' && record.to !== 'ACTIVATED')
      failovers.inc({ election_key: key, direction: 'out' });
  };

  return {
    registry,
    transitions,
    failovers,
    etcdErrors,
    etcdDurations,
    etcdCall: (operation, ms) => etcdDurations.observe({ operation }, ms / 1000),
    healthResults,
    httpRequests,
    notifyHooks,
    notifyOutcome: (hook, result) => notifyHooks.inc({ hook, result }),
    authFailures,
    peers,
    etcdError: (operation) => etcdErrors.inc({ operation }),
    healthResult: (electionKey, ok) =>
      healthResults.inc({ election_key: electionKey, result: ok ? 'ok' : 'fail' }),
    recordTransition,
    bindAgent(target) {
      agent = target;
      const unsubscribe = target.onTransition(recordTransition);
      return () => {
        unsubscribe();
        if (agent === target) agent = undefined;
      };
    },
  };
}

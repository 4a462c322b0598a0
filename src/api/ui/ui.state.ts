import type {
  AgentService,
  EndpointView,
  LeaseView,
  PeerStatus,
  TransitionRecord,
} from '../../agent/agent-service.js';
import { cidrOfElectionKey } from '../../model/endpoint.js';
import { describeCheck } from '../../ports/health.js';

/** Transitions per endpoint the page starts with; later ones arrive over the event stream. */
export const TIMELINE_DEPTH = 25;

export interface UiEndpoint extends EndpointView {
  /** The configured checks as operators write them, e.g. `TCP 10.0.0.5:80`. */
  check_labels: string[];
}

/** `GET /ui/state`: this host's endpoints as the page draws them. */
export interface UiState {
  hostname: string;
  version: string;
  /** The agent's clock, so the page can count down to lease deadlines whatever its own clock says. */
  now: number;
  lease: LeaseView;
  /** This host is drained for maintenance: out of every election. */
  drained: boolean;
  endpoints: UiEndpoint[];
  /** The last transitions of each endpoint, oldest first. */
  history: TransitionRecord[];
}

export function uiState(agent: AgentService, now: number): UiState {
  const endpoints = agent.list().sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }));
  const history = endpoints
    .flatMap((endpoint) => agent.history(endpoint.id).slice(-TIMELINE_DEPTH))
    .sort((a, b) => a.at - b.at);
  return {
    hostname: agent.hostname,
    version: agent.version,
    now,
    lease: agent.lease(),
    drained: agent.drained,
    endpoints: endpoints.map((endpoint) => ({
      ...endpoint,
      check_labels: endpoint.checks.map(describeCheck),
    })),
    history,
  };
}

export interface UiClusterVip {
  electionKey: string;
  ip: string;
  /** The lock holder as this host last saw it, else as the hosts report it. */
  holder: string | null;
  /** One entry per participating host, by hostname. */
  hosts: Array<PeerStatus & { self: boolean }>;
}

/** `GET /ui/cluster`: every VIP with every host's status, from the statuses agents publish in etcd. */
export interface UiCluster {
  now: number;
  hostname: string;
  vips: UiClusterVip[];
}

/**
 * Groups the published statuses by VIP. This host's own entries come from its statecharts rather
 * than etcd: fresher, and present even while its status writes are failing.
 */
export function uiCluster(agent: AgentService, peers: PeerStatus[], now: number): UiCluster {
  const local = agent.list();
  const byKey = new Map<string, Map<string, PeerStatus>>();
  const hostsOf = (key: string) => {
    const hosts = byKey.get(key) ?? new Map<string, PeerStatus>();
    byKey.set(key, hosts);
    return hosts;
  };
  for (const peer of peers) hostsOf(peer.electionKey).set(peer.hostname, peer);
  for (const endpoint of local) {
    hostsOf(endpoint.election_key).set(agent.hostname, {
      hostname: agent.hostname,
      electionKey: endpoint.election_key,
      status: endpoint.status,
      holder: endpoint.holder,
      updatedAt: now,
    });
  }
  const vips = [...byKey.entries()].map(([electionKey, hosts]): UiClusterVip => {
    const endpoint = local.find((e) => e.election_key === electionKey);
    const list = [...hosts.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
    return {
      electionKey,
      ip: endpoint?.ip ?? cidrOfElectionKey(electionKey),
      holder: endpoint?.holder ?? list.find((h) => h.holder)?.holder ?? null,
      hosts: list.map((h) => ({ ...h, self: h.hostname === agent.hostname })),
    };
  });
  vips.sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }));
  return { now, hostname: agent.hostname, vips };
}

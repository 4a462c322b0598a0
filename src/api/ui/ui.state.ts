import type {
  AgentService,
  EndpointView,
  LeaseView,
  PeerStatus,
  TransitionRecord,
} from '../../agent/agent-service.js';
import { type EndpointRow, type EndpointSummary, summarize } from '../../agent/endpoint-query.js';
import type { VipStatus } from '../../machines/vip.status.js';
import { cidrOfElectionKey } from '../../model/endpoint.js';
import { describeCheck } from '../../ports/health.js';

/** Transitions per endpoint the page starts with; later ones arrive over the event stream. */
export const TIMELINE_DEPTH = 25;

export interface UiEndpoint extends EndpointView {
  /** The configured checks as operators write them, e.g. `TCP 10.0.0.5:80`. */
  check_labels: string[];
}

/** Cards the page draws at once, whatever the number of endpoints. */
export const UI_PAGE = 50;

/** What the page shows: a text search, a state and a holder, and which page. */
export interface UiQuery {
  /** Part of the IP, the start of the id, or part of the holder's name. */
  q?: string | undefined;
  state?: VipStatus | undefined;
  /** A holder's name; `''` for VIPs no host holds. */
  holder?: string | undefined;
  offset: number;
  limit: number;
}

const collator = new Intl.Collator('en', { numeric: true });

/**
 * Sorts by address in numeric order (`10.0.0.9` before `10.0.0.10`), IPv4 first. Keys are worked
 * out once per item: a collator called inside the sort took 60 ms for 10 000 endpoints.
 */
function sortByIp<T>(items: T[], ipOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, ip: ipOf(item), v4: ipv4Number(ipOf(item)) }));
  keyed.sort((a, b) =>
    a.v4 !== undefined && b.v4 !== undefined
      ? a.v4 - b.v4
      : a.v4 !== undefined
        ? -1
        : b.v4 !== undefined
          ? 1
          : collator.compare(a.ip, b.ip),
  );
  return keyed.map((k) => k.item);
}

/** `10.1.2.3/32` as one number (address, then prefix); undefined for anything else. */
function ipv4Number(cidr: string): number | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(cidr);
  if (!match) return undefined;
  const [a, b, c, d, prefix] = match.slice(1).map(Number) as [number, number, number, number, number];
  return (((a * 256 + b) * 256 + c) * 256 + d) * 64 + (Number.isNaN(prefix) ? 32 : prefix);
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
  /** The page of endpoints that match the query, in address order. */
  endpoints: UiEndpoint[];
  /** How many endpoints match the query, and where this page starts. */
  total: number;
  offset: number;
  /** Counts of every endpoint on this host, by state and by holder (unfiltered). */
  summary: EndpointSummary;
  /** The last transitions of each endpoint on the page, oldest first. */
  history: TransitionRecord[];
}

export function uiState(
  agent: AgentService,
  now: number,
  query: UiQuery = { offset: 0, limit: UI_PAGE },
): UiState {
  const rows = agent.rows();
  const matching = sortByIp(rows.filter(matcher(query)), (row) => row.ip);
  const endpoints = matching
    .slice(query.offset, query.offset + query.limit)
    .flatMap((row) => agent.get(row.id) ?? []);
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
    total: matching.length,
    offset: query.offset,
    summary: summarize(rows),
    history,
  };
}

function matcher(query: UiQuery): (row: EndpointRow) => boolean {
  const q = query.q?.trim().toLowerCase();
  return (row) =>
    (!q || row.ip.includes(q) || row.id.startsWith(q) || (row.holder ?? '').toLowerCase().includes(q)) &&
    (query.state === undefined || row.status === query.state) &&
    (query.holder === undefined || (row.holder ?? '') === query.holder);
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
  /** The page of VIPs that match the query (text and holder), in address order. */
  vips: UiClusterVip[];
  total: number;
}

/**
 * Groups the published statuses by VIP. This host's own entries come from its statecharts rather
 * than etcd: fresher, and present even while its status writes are failing.
 */
export function uiCluster(
  agent: AgentService,
  peers: PeerStatus[],
  now: number,
  query: UiQuery = { offset: 0, limit: UI_PAGE },
): UiCluster {
  const local = agent.list();
  const localByKey = new Map(local.map((endpoint) => [endpoint.election_key, endpoint]));
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
  const all = [...byKey.entries()].map(([electionKey, hosts]): UiClusterVip => {
    const endpoint = localByKey.get(electionKey);
    const list = [...hosts.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
    return {
      electionKey,
      ip: endpoint?.ip ?? cidrOfElectionKey(electionKey),
      holder: endpoint?.holder ?? list.find((h) => h.holder)?.holder ?? null,
      hosts: list.map((h) => ({ ...h, self: h.hostname === agent.hostname })),
    };
  });
  const q = query.q?.trim().toLowerCase();
  const matching = sortByIp(
    all.filter(
      (vip) =>
        (!q || vip.ip.includes(q) || (vip.holder ?? '').toLowerCase().includes(q)) &&
        (query.holder === undefined || (vip.holder ?? '') === query.holder) &&
        (query.state === undefined || vip.hosts.some((host) => host.status === query.state)),
    ),
    (vip) => vip.ip,
  );
  const vips = matching.slice(query.offset, query.offset + query.limit);
  return { now, hostname: agent.hostname, vips, total: matching.length };
}

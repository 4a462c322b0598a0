import type {
  AgentService,
  EndpointView,
  LeaseView,
  PeerStatus,
  TransitionRecord,
} from '../../agent/agent-service.js';
import { type EndpointRow, type EndpointSummary, summarize } from '../../agent/endpoint-query.js';
import type { VipStatus } from '../../machines/vip.status.js';
import { electionKeyOf } from '../../model/endpoint.js';
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

/** The endpoints of this host that match a query, in address order, and the page of them. */
export interface UiPage {
  /** Every endpoint of this host, for the counts. */
  all: EndpointRow[];
  rows: EndpointRow[];
  total: number;
  offset: number;
}

/** Reads one row per endpoint (no full views): a page of 10 000 endpoints costs a sort, not 10 000 views. */
export function uiPage(agent: AgentService, query: UiQuery = { offset: 0, limit: UI_PAGE }): UiPage {
  const all = agent.rows();
  const matching = sortByIp(all.filter(matcher(query)), (row) => row.ip);
  return {
    all,
    rows: matching.slice(query.offset, query.offset + query.limit),
    total: matching.length,
    offset: query.offset,
  };
}

export function uiState(
  agent: AgentService,
  now: number,
  query: UiQuery = { offset: 0, limit: UI_PAGE },
): UiState {
  const page = uiPage(agent, query);
  const endpoints = page.rows.flatMap((row) => agent.get(row.id) ?? []);
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
    total: page.total,
    offset: page.offset,
    summary: summarize(page.all),
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

/** `GET /ui/cluster`: every host's status for the VIPs of the page, from the statuses agents publish in etcd. */
export interface UiCluster {
  now: number;
  hostname: string;
  /** The page's VIPs (the same page as `state`), in address order. */
  vips: UiClusterVip[];
  total: number;
}

/** The election keys whose statuses `uiCluster` shows for `page`: only those are read from etcd. */
export function clusterKeys(page: UiPage): string[] {
  return page.rows.map((row) => electionKeyOf(row.ip));
}

/**
 * Groups the published statuses of the page's VIPs by VIP. This host's own entries come from its
 * statecharts rather than etcd: fresher, and present even while its status writes are failing.
 */
export function uiCluster(agent: AgentService, page: UiPage, peers: PeerStatus[], now: number): UiCluster {
  const byKey = new Map<string, PeerStatus[]>();
  for (const peer of peers) {
    if (peer.hostname === agent.hostname) continue;
    byKey.set(peer.electionKey, [...(byKey.get(peer.electionKey) ?? []), peer]);
  }
  const vips = page.rows.map((row): UiClusterVip => {
    const electionKey = electionKeyOf(row.ip);
    const self: PeerStatus = {
      hostname: agent.hostname,
      electionKey,
      status: row.status,
      holder: row.holder,
      updatedAt: now,
    };
    const list = [self, ...(byKey.get(electionKey) ?? [])].sort((a, b) =>
      a.hostname.localeCompare(b.hostname),
    );
    return {
      electionKey,
      ip: row.ip,
      holder: row.holder ?? list.find((h) => h.holder)?.holder ?? null,
      hosts: list.map((h) => ({ ...h, self: h.hostname === agent.hostname })),
    };
  });
  return { now, hostname: agent.hostname, vips, total: page.total };
}

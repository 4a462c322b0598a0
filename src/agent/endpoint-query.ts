import ipaddr from 'ipaddr.js';
import type { VipStatus } from '../machines/vip.status.js';

/** What a listing filters and pages on: cheap to read from every VIP's snapshot. */
export interface EndpointRow {
  id: string;
  ip: string;
  status: VipStatus;
  /** Null when no host holds the lock (or it is not known). */
  holder: string | null;
}

export interface EndpointQuery {
  /** Any of these states; all when absent. */
  states?: readonly VipStatus[] | undefined;
  /** This holder; `null` for endpoints no host holds. */
  holder?: string | null | undefined;
  /** A CIDR (`10.78.0.0/16`: addresses inside it) or the start of the address text (`10.78.`). */
  ipPrefix?: string | undefined;
  /** The last id of the previous page: the page starts after it (ids in ascending order). */
  cursor?: string | undefined;
  /** Page size; everything that matches when absent. */
  limit?: number | undefined;
}

export interface EndpointPage<T> {
  items: T[];
  /** How many endpoints match the filters, on every page. */
  total: number;
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** Counts for the live view's summary and for operators: by state and by holder. */
export interface EndpointSummary {
  total: number;
  byState: Partial<Record<VipStatus, number>>;
  /** Holder hostname -> count; endpoints with no holder under `""`. */
  byHolder: Record<string, number>;
}

/**
 * Filters `rows` and cuts one page. Paged listings are in id order, so a cursor stays valid while
 * endpoints come and go; without a limit the rows keep their order (LinK's unpaginated list).
 */
export function selectPage<T extends EndpointRow>(rows: readonly T[], query: EndpointQuery): EndpointPage<T> {
  const matches = rowFilter(query);
  let selected = rows.filter(matches);
  const total = selected.length;
  if (query.limit === undefined && query.cursor === undefined)
    return { items: selected, total, nextCursor: null };
  // The agent's rows come in id order already; a linear check spares the sort.
  if (!sortedById(selected)) selected = selected.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const cursor = query.cursor;
  const start = cursor === undefined ? 0 : firstAfter(selected, cursor);
  const end = query.limit === undefined ? selected.length : start + query.limit;
  const items = selected.slice(start, end);
  const last = items.at(-1);
  return { items, total, nextCursor: end < selected.length && last ? last.id : null };
}

export function summarize(rows: readonly EndpointRow[]): EndpointSummary {
  const byState: Partial<Record<VipStatus, number>> = {};
  const byHolder: Record<string, number> = {};
  for (const row of rows) {
    byState[row.status] = (byState[row.status] ?? 0) + 1;
    const holder = row.holder ?? '';
    byHolder[holder] = (byHolder[holder] ?? 0) + 1;
  }
  return { total: rows.length, byState, byHolder };
}

function rowFilter(query: EndpointQuery): (row: EndpointRow) => boolean {
  const states = query.states && query.states.length > 0 ? new Set(query.states) : undefined;
  const holder = query.holder;
  const ip = query.ipPrefix === undefined ? undefined : ipMatcher(query.ipPrefix);
  return (row) =>
    (states === undefined || states.has(row.status)) &&
    (holder === undefined || row.holder === holder) &&
    (ip === undefined || ip(row.ip));
}

/**
 * A CIDR matches the addresses inside it; anything else is the start of the address as written
 * (`10.78.1` matches 10.78.1.x and 10.78.10.x, as a text search would).
 */
export function ipMatcher(prefix: string): (cidr: string) => boolean {
  if (prefix.includes('/')) {
    const range = ipaddr.parseCIDR(prefix);
    return (cidr) => {
      try {
        const slash = cidr.indexOf('/');
        const address = ipaddr.parse(slash < 0 ? cidr : cidr.slice(0, slash));
        return address.kind() === range[0].kind() && address.match(range);
      } catch {
        return false;
      }
    };
  }
  return (cidr) => cidr.startsWith(prefix);
}

function sortedById(rows: readonly EndpointRow[]): boolean {
  for (let i = 1; i < rows.length; i++)
    if ((rows[i - 1] as EndpointRow).id > (rows[i] as EndpointRow).id) return false;
  return true;
}

/** Index of the first row whose id sorts after `cursor` (rows sorted by id). */
function firstAfter(rows: readonly EndpointRow[], cursor: string): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((rows[mid] as EndpointRow).id <= cursor) low = mid + 1;
    else high = mid;
  }
  return low;
}

import type { HistoryQuery } from '../ports/history.js';
import { endpointId } from './endpoint-id.js';
import { BadRequestError } from './http-errors.js';

export const DEFAULT_HISTORY_LIMIT = 1000;
export const MAX_HISTORY_LIMIT = 10_000;

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/;

/** `GET /history?endpoint=&host=&since=&limit=`; a bad parameter is a 400 that names it. */
export function parseHistoryQuery(params: Record<string, string | undefined>): HistoryQuery {
  const { endpoint, host, since, limit } = params;
  if (host !== undefined && !HOSTNAME.test(host))
    throw new BadRequestError(`invalid host '${host}': expected a host name`);
  let sinceMs: number | undefined;
  if (since !== undefined) {
    sinceMs = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (!Number.isFinite(sinceMs))
      throw new BadRequestError(`invalid since '${since}': expected an ISO time or epoch milliseconds`);
  }
  let count = DEFAULT_HISTORY_LIMIT;
  if (limit !== undefined) {
    count = /^\d+$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(count >= 1 && count <= MAX_HISTORY_LIMIT))
      throw new BadRequestError(`invalid limit '${limit}': expected 1 to ${MAX_HISTORY_LIMIT}`);
  }
  return {
    endpointId: endpoint === undefined ? undefined : endpointId(endpoint),
    hostname: host,
    since: sinceMs,
    limit: count,
  };
}

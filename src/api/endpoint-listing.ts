import type { EndpointQuery } from '../agent/endpoint-query.js';
import { VIP_STATUSES, type VipStatus } from '../machines/vip.status.js';
import { isNetworkCidr } from '../model/cidr.js';
import { isEndpointId } from '../model/endpoint-schema.js';
import { BadRequestError } from './http-errors.js';

/** The largest page `?limit=` may ask for. */
export const MAX_PAGE = 10_000;

/**
 * `GET /endpoints` query parameters: `state` (comma-separated), `holder` (`none` for no holder),
 * `ip` (a CIDR or the start of the address), `limit` and `cursor`. Unknown parameters are ignored,
 * as LinK did. Undefined when none is given: LinK's unpaginated list.
 */
export function parseEndpointQuery(params: Record<string, string>): EndpointQuery | undefined {
  const query: EndpointQuery = {};
  let any = false;
  if (params.state !== undefined) {
    any = true;
    const states = params.state
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s !== '');
    const wrong = states.filter((s) => !VIP_STATUSES.includes(s as VipStatus));
    if (wrong.length > 0)
      throw new BadRequestError(`state: unknown ${wrong.join(', ')} (expected ${VIP_STATUSES.join(', ')})`);
    query.states = states as VipStatus[];
  }
  if (params.holder !== undefined) {
    any = true;
    query.holder = params.holder === 'none' ? null : params.holder;
  }
  const ip = params.ip ?? params.ip_prefix;
  if (ip !== undefined) {
    any = true;
    if (!/^[0-9A-Fa-f.:/]+$/.test(ip) || (ip.includes('/') && !isNetworkCidr(ip)))
      throw new BadRequestError(
        `ip: expected a CIDR such as 10.78.0.0/16 or the start of an address, got '${ip}'`,
      );
    query.ipPrefix = ip;
  }
  if (params.limit !== undefined) {
    any = true;
    const limit = Number(params.limit);
    if (!/^\d+$/.test(params.limit) || limit < 1 || limit > MAX_PAGE)
      throw new BadRequestError(`limit: expected an integer from 1 to ${MAX_PAGE}, got '${params.limit}'`);
    query.limit = limit;
  }
  if (params.cursor !== undefined) {
    any = true;
    if (!isEndpointId(params.cursor))
      throw new BadRequestError(
        `cursor: expected the next_cursor of the previous page, got '${params.cursor}'`,
      );
    query.cursor = params.cursor;
  }
  return any ? query : undefined;
}

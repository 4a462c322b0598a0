import { type Endpoint, electionKeyOf } from '../model/endpoint.js';
import type { EndpointChanges } from './agent-service.js';

/** What is wrong with a request, by item (`create.3`, `update.0`, `delete.2`, or `create` for all). */
export type ChangeErrors = Record<string, string[]>;

/** What the check needs to know of the host's current endpoints. */
export interface CurrentEndpoints {
  byId(id: string): Endpoint | undefined;
  /** The endpoint configured for an election key, created or being created. */
  idOfKey(electionKey: string): string | undefined;
  count: number;
}

/**
 * Every reason the agent would refuse `changes` as a whole, so one answer lists them all: ids that
 * are unknown or named twice, IPs configured already (unless deleted by the same request) or
 * created twice, and the endpoint limit (0 or less: none).
 */
export function checkChanges(
  changes: EndpointChanges,
  current: CurrentEndpoints,
  maxEndpoints: number,
  vipProblem?: (cidr: string) => string | undefined,
): ChangeErrors {
  const errors: ChangeErrors = {};
  const add = (path: string, message: string) => {
    errors[path] ??= [];
    errors[path].push(message);
  };
  const deleted = new Set<string>();
  (changes.delete ?? []).forEach((id, i) => {
    if (deleted.has(id)) add(`delete.${i}`, `endpoint ${id} is listed twice`);
    else if (!current.byId(id)) add(`delete.${i}`, `endpoint ${id} not found`);
    deleted.add(id);
  });
  const updated = new Set<string>();
  (changes.update ?? []).forEach(({ id }, i) => {
    if (updated.has(id)) add(`update.${i}.id`, `endpoint ${id} is updated twice`);
    else if (!current.byId(id)) add(`update.${i}.id`, `endpoint ${id} not found`);
    else if (deleted.has(id)) add(`update.${i}.id`, `endpoint ${id} is also deleted by this request`);
    updated.add(id);
  });
  const created = new Map<string, number>();
  (changes.create ?? []).forEach(({ ip }, i) => {
    const key = electionKeyOf(ip);
    const twice = created.get(key);
    const existing = current.idOfKey(key);
    if (twice !== undefined) add(`create.${i}.ip`, `IP ${ip} is also created by create.${twice}`);
    else if (existing !== undefined && !deleted.has(existing))
      add(`create.${i}.ip`, `IP ${ip} is already configured on this host as endpoint ${existing}`);
    if (twice === undefined) created.set(key, i);
    const refused = vipProblem?.(ip);
    if (refused !== undefined) add(`create.${i}.ip`, refused);
  });
  const after = current.count - deleted.size + created.size;
  if (maxEndpoints > 0 && created.size > 0 && after > maxEndpoints) {
    add(
      'create',
      `${after} endpoints would exceed the limit of ${maxEndpoints} (--max-endpoints): ${current.count} configured, ${deleted.size} deleted, ${created.size} created`,
    );
  }
  return errors;
}

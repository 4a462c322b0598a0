/**
 * A host's name as it appears in etcd keys and lock values: letters, digits, '.', '-', '_', never a
 * '/'. One pattern for linkd's `--hostname` and an endpoint's `preferred_hosts`.
 */
export const HOSTNAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/;

export const HOSTNAME_RULE = 'must be letters, digits, ".", "-" or "_" (no "/"), at most 253 long';

export function isHostname(value: string): boolean {
  return HOSTNAME_PATTERN.test(value);
}

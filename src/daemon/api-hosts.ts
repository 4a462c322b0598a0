import { hostname as osHostname } from 'node:os';
import { LOCAL_HOSTS } from '../api/host-guard.js';
import type { LinkConfig } from '../config/config.schema.js';

const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '']);

/** The `Host` values the API answers to: see `--api-hosts`. */
export function apiHosts(
  config: Pick<LinkConfig, 'listen' | 'hostname' | 'apiHosts'>,
  systemHostname: () => string = osHostname,
): string[] {
  const hosts = new Set<string>([...LOCAL_HOSTS, config.hostname, systemHostname()]);
  if (!EVERY_INTERFACE.has(config.listen.host)) hosts.add(config.listen.host);
  for (const host of config.apiHosts ?? []) hosts.add(host);
  return [...hosts];
}

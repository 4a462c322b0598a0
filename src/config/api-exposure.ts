import { isIP } from 'node:net';
import type { LinkConfig } from './config.schema.js';

/**
 * Why the API may not start as configured, or undefined. An API without credentials is safe only
 * where just this host can reach it: whoever can create an endpoint can take any address on the
 * segment, the gateway's included.
 */
export function apiExposureProblem(
  config: Pick<LinkConfig, 'listen' | 'apiUser' | 'apiPassword' | 'unauthenticatedApi'>,
): string | undefined {
  const hasCredentials = config.apiUser !== undefined && config.apiPassword !== undefined;
  if (hasCredentials || config.unauthenticatedApi || isLoopback(config.listen.host)) return undefined;
  return (
    `--listen / LINK_LISTEN ${config.listen.host}:${config.listen.port} is not a loopback address and the API has no credentials: ` +
    'set --api-user and --api-password (or --api-password-file), listen on 127.0.0.1, ' +
    'or pass --unauthenticated-api (LINK_UNAUTHENTICATED_API=true) if every host that can reach it may drive this agent'
  );
}

export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  if (isIP(lower) === 4) return lower.startsWith('127.');
  if (isIP(lower) === 6) return lower === '::1' || /^::ffff:127\./.test(lower);
  return false;
}

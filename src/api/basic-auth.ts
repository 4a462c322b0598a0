import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { type Logger, silentLogger } from '../ports/logger.js';
import { AuthThrottle } from './auth-throttle.js';
import { CALLER_USER, remoteAddress } from './caller.js';

export interface Credentials {
  user: string;
  password: string;
}

export interface BasicAuthOptions {
  logger?: Logger;
  /** Counts each refused attempt, e.g. `link_api_auth_failures_total`. */
  onFailure?: (reason: AuthFailure) => void;
  throttle?: AuthThrottle;
}

export type AuthFailure = 'missing' | 'malformed' | 'invalid';

/** Paths answered without credentials: a liveness probe reveals nothing and often cannot log in. */
const OPEN_PATHS = new Set(['/healthz']);

/**
 * HTTP basic auth answering JSON. Every failure is a 401, never a 500: LinK crashed on a header
 * without a space. Both sides are hashed before comparing so the comparison takes the same time
 * whatever the length or content of the guess. Wrong credentials are logged with the remote
 * address and throttled per remote (429 with Retry-After while it must wait).
 */
export function basicAuth(expected: Credentials, options: BasicAuthOptions = {}): MiddlewareHandler {
  const expectedDigest = digest(`${expected.user}:${expected.password}`);
  const logger = options.logger ?? silentLogger;
  const throttle = options.throttle ?? new AuthThrottle();
  return async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const header = c.req.header('Authorization');
    const remote = remoteAddress(c);
    const refuse = (reason: AuthFailure, error: string) => {
      options.onFailure?.(reason);
      // A request without credentials is how every client starts (and the browser's prompt): not
      // a guess, so neither logged as one nor slowed down.
      if (reason !== 'missing') {
        const waitMs = throttle.failed(remote);
        logger.warn(
          { remote, reason, method: c.req.method, path: c.req.path, retryAfterMs: waitMs },
          'API authentication failed',
        );
      }
      return c.json({ error }, 401, { 'WWW-Authenticate': 'Basic realm="link", charset="UTF-8"' });
    };
    if (header === undefined || header.trim() === '') return refuse('missing', 'authentication required');
    const waitMs = throttle.waitMs(remote);
    if (waitMs > 0) {
      return c.json(
        { error: `too many failed authentications from ${remote}: retry in ${Math.ceil(waitMs / 1000)} s` },
        429,
        { 'Retry-After': String(Math.ceil(waitMs / 1000)) },
      );
    }
    const supplied = decodeBasic(header);
    if (supplied === undefined) {
      return refuse('malformed', 'malformed Authorization header: expected "Basic base64(user:password)"');
    }
    if (!timingSafeEqual(digest(supplied), expectedDigest)) return refuse('invalid', 'invalid credentials');
    throttle.succeeded(remote);
    c.set(CALLER_USER as never, expected.user as never);
    return next();
  };
}

/** `user:password` from a `Basic …` header, or undefined when the header is not one. */
function decodeBasic(header: string): string | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!match?.[1] || match[1].length % 4 === 1) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded.includes(':') ? decoded : undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export interface Credentials {
  user: string;
  password: string;
}

/** Paths answered without credentials: a liveness probe reveals nothing and often cannot log in. */
const OPEN_PATHS = new Set(['/healthz']);

/**
 * HTTP basic auth answering JSON. Every failure is a 401, never a 500: LinK crashed on a header
 * without a space. Both sides are hashed before comparing so the comparison takes the same time
 * whatever the length or content of the guess.
 */
export function basicAuth(expected: Credentials): MiddlewareHandler {
  const expectedDigest = digest(`${expected.user}:${expected.password}`);
  return async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const header = c.req.header('Authorization');
    const refuse = (error: string) =>
      c.json({ error }, 401, { 'WWW-Authenticate': 'Basic realm="link", charset="UTF-8"' });
    if (header === undefined || header.trim() === '') return refuse('authentication required');
    const supplied = decodeBasic(header);
    if (supplied === undefined) {
      return refuse('malformed Authorization header: expected "Basic base64(user:password)"');
    }
    if (!timingSafeEqual(digest(supplied), expectedDigest)) return refuse('invalid credentials');
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

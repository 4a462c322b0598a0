import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  ChangesIncompleteError,
  ChangesRefusedError,
  DrainRefusedError,
  DuplicateEndpointError,
  EndpointNotFoundError,
  EtcdOutOfSpaceError,
  FailoverRefusedError,
  ShuttingDownError,
  TooManyEndpointsError,
  VipRefusedError,
} from '../model/errors.js';
import type { Logger } from '../ports/logger.js';
import { BadRequestError, ValidationError } from './http-errors.js';

/**
 * Status codes for domain errors, the one place they are decided.
 * - Too many endpoints is 409, not LinK's 500: the request is valid but conflicts with the host's
 *   current state, and it succeeds once an endpoint is deleted. 422 stays reserved for bodies
 *   that name a wrong field.
 * - A refused failover is 409 for the same reason: this host does not hold the VIP, or no
 *   other host could take it; a refused drain likewise.
 */
function statusOf(error: unknown): ContentfulStatusCode | undefined {
  if (error instanceof BadRequestError) return 400;
  if (error instanceof EndpointNotFoundError) return 404;
  if (error instanceof DuplicateEndpointError) return 409;
  if (error instanceof TooManyEndpointsError) return 409;
  if (error instanceof FailoverRefusedError) return 409;
  if (error instanceof DrainRefusedError) return 409;
  if (error instanceof ShuttingDownError) return 503;
  if (error instanceof EtcdOutOfSpaceError) return 503;
  if (error instanceof ChangesIncompleteError) return 503;
  return undefined;
}

export function createErrorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof ValidationError) return c.json({ errors: error.errors }, 422);
    // A well-formed address this host may not take: the body's field is wrong, as for a bad CIDR.
    if (error instanceof VipRefusedError) {
      const field = c.req.path.startsWith('/ips') ? 'ip' : 'plugin_config.ip';
      return c.json({ errors: { [field]: [error.reason] } }, 422);
    }
    // The state changed between the bulk route's check and the writes: nothing was written.
    if (error instanceof ChangesRefusedError)
      return c.json({ error: error.message, errors: error.errors }, 409);
    if (error instanceof HTTPException) {
      return c.json({ error: error.message || 'request refused' }, error.status as ContentfulStatusCode);
    }
    const status = statusOf(error);
    if (status === 503) c.header('Retry-After', '5');
    if (status !== undefined) return c.json({ error: error.message }, status);
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'API request failed');
    return c.json({ error: `internal error: ${error.message || error.name}` }, 500);
  };
}

export const notFound: NotFoundHandler = (c: Context) =>
  c.json({ error: `not found: ${c.req.method} ${c.req.path}` }, 404);

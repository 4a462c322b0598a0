import type { Context } from 'hono';
import type { Caller } from '../agent/agent-service.js';

/** Set by the auth middleware once the user is known. */
export const CALLER_USER = 'linkCallerUser';

export function remoteAddress(c: Context): string {
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket;
  const address = socket?.remoteAddress;
  if (address === undefined) return 'unknown';
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function callerOf(c: Context): Caller {
  const user = c.get(CALLER_USER as never) as string | undefined;
  return { remote: remoteAddress(c), ...(user === undefined ? {} : { user }) };
}

import type { MiddlewareHandler } from 'hono';

/**
 * DNS rebinding defence: a page on `attacker.example` whose name is re-pointed at 127.0.0.1 reaches
 * the API as a "same-origin" page and can read the answers, but its requests still carry
 * `Host: attacker.example`. Only names and addresses this agent serves are answered.
 */
export interface HostGuardOptions {
  /** Names and addresses (`[::1]` or `::1`), without port, compared case-insensitively. */
  allowed: readonly string[];
}

/** The names every agent answers to, whatever its settings. */
export const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

export function hostGuard(options: HostGuardOptions): MiddlewareHandler {
  const allowed = new Set(options.allowed.map(normalizeHost));
  return async (c, next) => {
    const header = c.req.header('host') ?? new URL(c.req.url).host;
    const host = hostOf(header);
    if (host !== undefined && (allowed.has(host) || host === arrivalAddress(c.env))) return next();
    return c.json(
      {
        error: `Host '${header}' is not a name or address this agent serves; if it is one, add it to --api-hosts / LINK_API_HOSTS`,
      },
      403,
    );
  };
}

/** `Host` without its port, lower-case, brackets and a final dot removed; undefined when malformed. */
export function hostOf(header: string): string | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s/@]+))(?::\d{1,5})?$/.exec(header.trim());
  if (!match) return undefined;
  return normalizeHost(match[1] ?? match[2] ?? '');
}

export function normalizeHost(name: string): string {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return unmapped(bare.toLowerCase().replace(/\.$/, ''));
}

/**
 * The local address the connection came in on. A browser sends an address (not a name) as `Host`
 * only when the page itself was loaded from that address, so such a request is never a rebinding;
 * this covers `--listen :PORT` and addresses bound after start without listing them.
 */
function arrivalAddress(env: unknown): string | undefined {
  const socket = (env as { incoming?: { socket?: { localAddress?: string } } } | undefined)?.incoming?.socket;
  return socket?.localAddress === undefined ? undefined : normalizeHost(socket.localAddress);
}

/** `::ffff:10.0.0.1`, as a dual-stack socket reports an IPv4 peer, is `10.0.0.1`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

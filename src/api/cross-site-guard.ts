import type { MiddlewareHandler } from 'hono';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a browser sends for a request from this agent's own pages, or typed by the user. */
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Refuses writes a browser makes on behalf of another site. A form POST or a `no-cors` fetch
 * needs no preflight, and the endpoint body is read whatever its content type, so any page
 * the operator opens could otherwise create a VIP on the host.
 *
 * Only what a browser sends is checked: `curl -d` and link-client send neither `Origin` nor
 * `Sec-Fetch-Site` and pass. `hono/csrf` does not fit: it refuses every form-encoded write that
 * lacks both headers, which is exactly `curl -d`, and answers in plain text.
 */
export function crossSiteGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const fetchSite = c.req.header('sec-fetch-site');
    if (fetchSite !== undefined && !ALLOWED_FETCH_SITES.has(fetchSite.trim().toLowerCase())) {
      return refuse(`Sec-Fetch-Site: ${fetchSite}`);
    }
    const origin = c.req.header('origin');
    const own = new URL(c.req.url).origin;
    // `Origin: null` (sandboxed frames, file: pages) is another origin too.
    if (origin !== undefined && origin.trim().toLowerCase() !== own.toLowerCase()) {
      return refuse(`Origin ${origin} (this agent is ${own})`);
    }
    return next();

    function refuse(what: string) {
      return c.json(
        {
          error: `cross-site write refused: ${what}; the API takes writes from its own pages, link-client or curl only`,
        },
        403,
      );
    }
  };
}

/**
 * The agents' settings for the demo: LinK's defaults (lease TTL 6 s, keepalive every 3 s, so a
 * crash shows the real takeover time), health checks tightened so a backend failure moves the
 * VIP within about two seconds instead of fifteen.
 */
export const AGENT_ENV: Record<string, string> = {
  LINK_HEALTH_FALL: '2',
  LINK_HEALTH_TIMEOUT: '1',
  LINK_LOG_LEVEL: 'info',
};

/** Seconds between health checks of the demo's VIP. */
export const HEALTHCHECK_INTERVAL = 1;

/** The backend port on every host; the client probes the VIP on it. */
export const BACKEND_PORT = 8080;

/** An agent starts in 1-3 s; much more on a machine busy compiling or testing. */
export const AGENT_START_TIMEOUT_MS = 60_000;

import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { AgentService } from '../agent/agent-service.js';
import type { DeclaredEndpoints } from '../declarative/declared-endpoints.js';
import type { HistoryRecorder } from '../history/history-recorder.js';
import type { FaultPolicy } from '../model/endpoint.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import { applyRoutes } from './apply.routes.js';
import type { AuthThrottle } from './auth-throttle.js';
import { basicAuth, type Credentials } from './basic-auth.js';
import { crossSiteGuard } from './cross-site-guard.js';
import { endpointRoutes } from './endpoints.routes.js';
import { createErrorHandler, notFound } from './error-handler.js';
import { type EventRoutesOptions, eventRoutes } from './events.routes.js';
import { hostRoutes } from './host.routes.js';
import { hostGuard, LOCAL_HOSTS } from './host-guard.js';
import { legacyIpRoutes } from './ips.routes.js';
import { createMetrics, type LinkMetrics } from './metrics.js';
import { type OpenApiDocument, openApiDocument } from './openapi/openapi-document.js';
import { systemRoutes } from './system.routes.js';

export interface AppDeps {
  agent: AgentService;
  /**
   * `Host` names and addresses answered (see host-guard.ts); localhost and the loopback addresses
   * when absent. The address a connection arrived on is always answered.
   */
  hosts?: readonly string[];
  /** Basic auth for every route but `/healthz`; none when absent. */
  auth?: Credentials;
  /**
   * Served at `/metrics`. The caller binds it to the agent (`metrics.bindAgent(agent)`); when
   * absent, the app makes and binds its own, which suits tests and embedding.
   */
  metrics?: Pick<LinkMetrics, 'registry' | 'httpRequests' | 'authFailures'>;
  /** Per-remote slow-down of failed authentications; the default doubles 250 ms up to 30 s. */
  authThrottle?: AuthThrottle;
  /** The live view's routes (paths from `/`), mounted at `/ui` after the API's and behind the same auth. */
  ui?: Hono;
  /** Applied when a `POST /endpoints` body has no `fault_policy`. */
  defaultFaultPolicy?: FaultPolicy;
  logger?: Logger;
  /** The durable, cluster-wide history behind `GET /history`; this host's recent transitions without it. */
  history?: Pick<HistoryRecorder, 'query'>;
  /** `POST /endpoints/apply` (declarative endpoints); the route is absent without it. */
  declared?: Pick<DeclaredEndpoints, 'apply'>;
  /** Event stream tuning, for tests. */
  events?: EventRoutesOptions;
}

/** Endpoint bodies are a few hundred bytes; this bounds what one request can make us parse. */
const MAX_BODY_BYTES = 64 * 1024;
/** `POST /endpoints/bulk`: up to MAX_BULK_ITEMS endpoints of a few hundred bytes each. */
const MAX_BULK_BODY_BYTES = 16 * 1024 * 1024;
const BULK_PATHS = new Set(['/endpoints/bulk', '/endpoints/apply']);

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createApp(deps: AppDeps): Hono {
  const { agent } = deps;
  const metrics = deps.metrics ?? bindOwnMetrics(agent);
  const defaultFaultPolicy = deps.defaultFaultPolicy ?? 'activate';
  const app = new Hono();

  app.onError(createErrorHandler(deps.logger ?? silentLogger));
  app.notFound(notFound);

  app.use(async (c, next) => {
    await next();
    // Route patterns, not paths, and a closed set of methods: labels stay few whatever clients send.
    metrics.httpRequests.inc({
      method: KNOWN_METHODS.has(c.req.method) ? c.req.method : 'OTHER',
      route: c.res.status === 404 && !c.error ? 'unmatched' : c.req.routePath,
      status: String(c.res.status),
    });
  });
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        c.json({ error: `method ${c.req.method} not allowed on ${c.req.path}` }, 405, {
          Allow: methods.join(', '),
        }),
    }),
  );
  app.use(hostGuard({ allowed: deps.hosts ?? LOCAL_HOSTS }));
  app.use(crossSiteGuard());
  if (deps.auth) {
    app.use(
      basicAuth(deps.auth, {
        logger: deps.logger ?? silentLogger,
        onFailure: (reason) => metrics.authFailures.inc({ reason }),
        ...(deps.authThrottle ? { throttle: deps.authThrottle } : {}),
      }),
    );
  }
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) => c.json({ error: `request body larger than ${maxSize} bytes` }, 413),
    });
  const bodyLimits = { one: limit(MAX_BODY_BYTES), bulk: limit(MAX_BULK_BODY_BYTES) };
  app.use((c, next) => (BULK_PATHS.has(c.req.path) ? bodyLimits.bulk : bodyLimits.one)(c, next));

  if (deps.declared) app.route('/endpoints/apply', applyRoutes(deps.declared));
  app.route('/endpoints', endpointRoutes({ agent, defaultFaultPolicy }));
  app.route('/ips', legacyIpRoutes(agent, defaultFaultPolicy));
  app.route('/events', eventRoutes(agent, deps.events));
  app.route('/host', hostRoutes(agent));
  app.route('/', systemRoutes(agent, metrics.registry, deps.history));
  let document: Promise<OpenApiDocument> | undefined;
  app.get('/openapi.json', async (c) => {
    document ??= openApiDocument(agent.version);
    return c.json(await document);
  });
  if (deps.ui) {
    app.route('/ui', deps.ui);
    // A trailing slash or the bare root are where people type the live view's address.
    app.get('/ui/', (c) => c.redirect('/ui'));
    app.get('/', (c) => c.redirect('/ui'));
  }
  return app;
}

function bindOwnMetrics(agent: AgentService): LinkMetrics {
  const metrics = createMetrics({ processMetrics: false });
  metrics.bindAgent(agent);
  return metrics;
}

import { Hono } from 'hono';
import type { AgentService } from '../../agent/agent-service.js';
import { VIP_STATUSES, type VipStatus } from '../../machines/vip.status.js';
import { streamTransitions } from '../transition-stream.js';
import { readChart } from './statechart/chart.js';
import { renderSvg } from './statechart/render-svg.js';
import type { DotOptions } from './statechart/to-dot.js';
import { uiAsset } from './ui.assets.js';
import { page } from './ui.page.js';
import { clusterKeys, UI_PAGE, type UiQuery, uiCluster, uiPage, uiState } from './ui.state.js';

type Detail = NonNullable<DotOptions['detail']>;

export interface UiDeps {
  agent: AgentService;
  /** A comment line this often keeps proxies from closing an idle event stream. */
  heartbeatMs?: number;
  /** How long `GET /ui/cluster` waits for etcd before answering with this host's statuses alone. */
  clusterTimeoutMs?: number;
  now?: () => number;
}

/**
 * Everything comes from the agent, so the page works with no other network: the browser only ever
 * talks to where it loaded the page from.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The live view, a sub-app meant for `/ui`: the page at `GET /ui`, its script and styles, the
 * statechart as SVG (`statechart.svg`, `?detail=outline` for the cards' version), and the data the page reads relative to itself: `state` (this host's
 * endpoints), `cluster` (every host's status per VIP of the page) and `events` (transitions as server-sent
 * events). Reads only: every change goes through the API.
 */
export function createUiRoutes(deps: UiDeps): Hono {
  const { agent } = deps;
  const now = deps.now ?? Date.now;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const clusterTimeoutMs = deps.clusterTimeoutMs ?? 2_000;
  const app = new Hono();

  // Rendered once per level of detail, on first use: Graphviz takes a few hundred milliseconds to
  // load. A failure is not kept, so a later request tries again.
  const diagrams = new Map<Detail, Promise<string>>();
  const statechart = (detail: Detail) => {
    let diagram = diagrams.get(detail);
    if (!diagram) {
      diagram = renderSvg(readChart(agent.machineDefinition()), { detail }).catch((error: unknown) => {
        diagrams.delete(detail);
        throw error;
      });
      diagrams.set(detail, diagram);
    }
    return diagram;
  };

  app.use(async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });

  app.get('/', async (c) => {
    let svg: string | undefined;
    let diagramError: string | undefined;
    try {
      // The cards show states and arrows; the full diagram, with every internal activity, is a link away.
      svg = await statechart('outline');
    } catch (error) {
      diagramError = `diagram unavailable: ${messageOf(error)}`;
    }
    const base = c.req.path.endsWith('/') ? c.req.path : `${c.req.path}/`;
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('Cache-Control', 'no-store');
    return c.html(page({ hostname: agent.hostname, version: agent.version, svg, diagramError, base }));
  });

  app.get('/app.js', (c) =>
    c.body(uiAsset('app.js'), 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    }),
  );

  app.get('/app.css', (c) =>
    c.body(uiAsset('app.css'), 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'no-cache',
    }),
  );

  app.get('/statechart.svg', async (c) => {
    const detail = c.req.query('detail') === 'outline' ? 'outline' : 'full';
    return c.body(await statechart(detail), 200, { 'Content-Type': 'image/svg+xml; charset=utf-8' });
  });

  app.get('/favicon.svg', (c) =>
    c.body(uiAsset('favicon.svg'), 200, {
      'Content-Type': 'image/svg+xml',
      'Cache-Control': 'max-age=86400',
    }),
  );

  app.get('/state', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(uiState(agent, now(), uiQuery(c.req.query())));
  });

  // With etcd unreachable the page still shows this host's own statuses, with the reason. Only the
  // page's VIPs are read from etcd: with 10 000 VIPs on 3 hosts, all of them are 30 000 keys.
  app.get('/cluster', async (c) => {
    c.header('Cache-Control', 'no-store');
    const page = uiPage(agent, uiQuery(c.req.query()));
    try {
      const peers = await withTimeout(
        agent.cluster(clusterKeys(page)),
        clusterTimeoutMs,
        'etcd did not answer',
      );
      return c.json(uiCluster(agent, page, peers, now()));
    } catch (error) {
      return c.json({
        ...uiCluster(agent, page, [], now()),
        error: `other hosts unknown: ${messageOf(error)}`,
      });
    }
  });

  app.get('/events', (c) => streamTransitions(c, agent, { heartbeatMs, maxQueued: 1000, retryMs: 2000 }));

  return app;
}

/** The page's own parameters; anything odd falls back to the first page of everything. */
function uiQuery(params: Record<string, string>): UiQuery {
  const whole = (text: string | undefined, fallback: number, max: number) => {
    const n = Number(text);
    return text !== undefined && /^\d+$/.test(text) ? Math.min(n, max) : fallback;
  };
  const state = params.state?.toUpperCase();
  return {
    q: params.q?.slice(0, 100),
    state: VIP_STATUSES.includes(state as VipStatus) ? (state as VipStatus) : undefined,
    holder: params.holder?.slice(0, 253),
    offset: whole(params.offset, 0, 1_000_000),
    limit: Math.max(1, whole(params.limit, UI_PAGE, 500)),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, reason: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${reason} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
